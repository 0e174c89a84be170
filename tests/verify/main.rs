//! `msgpact verify` over real NATS: the reference peers, own peers, faults, policy, replay, builds that cannot lie, the mutation suite; and `msgpact fuzz` on the same machinery.
//!
//! One test binary per stage of the data's way (issue 13 step 5: fewer binaries link faster); each module
//! is one subject. Helpers shared by the modules live in tests/common only.
#[path = "../common/mod.rs"]
mod common;

mod builds;
mod faults;
mod fuzz;
mod fuzz_mutants;
mod mutation_suite;
mod own_peers;
mod peers;
mod policy;
mod replay;
mod required;
