//! A service repository taking msgpact: msgpact.toml, pinned contracts and the lock, `init` for each language, the container image, and docs/adopt.md end to end.
//!
//! One test binary per stage of the data's way (issue 13 step 5: fewer binaries link faster); each module
//! is one subject. Helpers shared by the modules live in tests/common only.
#[path = "../common/mod.rs"]
mod common;

mod e2e;
mod image;
mod init_rust;
mod project;
