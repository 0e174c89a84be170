//! `msgpact breaking`: one test per rule on its fixture pair, type changes, the command end to end, the rule table of docs/breaking.md.
//!
//! One test binary per stage of the data's way (issue 13 step 5: fewer binaries link faster); each module
//! is one subject. Helpers shared by the modules live in tests/common only.
#[path = "../common/mod.rs"]
mod common;

mod cli;
mod docs;
mod rules;
mod types;
