//! The peer SDKs: the protocol constants every copy must agree on, the packages as a service takes them, and the Python and Go suites run from cargo test.
//!
//! One test binary per stage of the data's way (issue 13 step 5: fewer binaries link faster); each module
//! is one subject. Helpers shared by the modules live in tests/common only.
#[path = "../common/mod.rs"]
mod common;

mod language_suites;
mod packages;
mod protocol_constants;
