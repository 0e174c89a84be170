//! Generated code: each language's own tools over the runtimes and generated files, and the torture names in three languages.
//!
//! One test binary per stage of the data's way (issue 13 step 5: fewer binaries link faster); each module
//! is one subject. Helpers shared by the modules live in tests/common only.
#[path = "../common/mod.rs"]
mod common;

mod tools;
mod torture_names;
