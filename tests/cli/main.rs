//! `msgpact` commands other than verify, through the built binary and in process: lint, golden, inspect, bad input, the golden snapshots and the docs that must stay true.
//!
//! One test binary per stage of the data's way (issue 13 step 5: fewer binaries link faster); each module
//! is one subject. Helpers shared by the modules live in tests/common only.
#[path = "../common/mod.rs"]
mod common;

mod bad_input;
mod docs;
mod golden;
mod golden_reject;
mod golden_snapshots;
mod inspect;
mod lint;
