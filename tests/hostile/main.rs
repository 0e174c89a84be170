//! What a hostile probe of msgpact broke (issue 12), one regression test per defect, named after it: secrets
//! in reports, processes and temporary directories left behind by signals, a NUL byte that ended a contract,
//! panics on numbers and broken pipes, memory without bound, a quadratic check, peer output that killed the
//! peer or reached the terminal raw, and writes outside their place. Memory is measured as the max RSS of
//! the `msgpact` child (wait4). Tests that need nats-server get it as every test does (tests/common: found,
//! or built once), and the Rust peers are built as verify builds them, so they all run everywhere.
//! docs/limits.md lists the bounds these tests hold msgpact to.
#[path = "../common/mod.rs"]
mod common;
mod util;

mod cli_args;
mod credentials;
mod limits;
mod peer_output;
mod signals;
mod writes;
