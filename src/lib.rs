//! msgpact: executable MessagePack contracts between Rust, Python and Go services.
//!
//! The modules follow the data's way from contract to verdict, in layers: a module uses only modules of
//! earlier layers, never a later one nor another of its own layer (the test in `src/layering.rs` holds the
//! order and fails on an import that points up; within a module, its files use each other one way too).
//!
//! 1. Foundation: [`source`] (files and positions), [`limits`] (the bounds on every input), [`fsx`] (atomic
//!    writes), [`signals`] (the cleanup of everything started, on any signal), [`progress`] (long steps
//!    saying that they are alive), [`classes`] (the interop bug classes and the default policy); then
//!    [`diag`] (the errors people read: the code registry, exit codes) and [`redact`] (the secrets no
//!    output shows); then [`yaml`] (YAML with positions).
//! 2. [`wire`]: the MessagePack data model, the canonical encoder and a liberal decoder. Contract examples
//!    are written in its values, so it comes before the contracts.
//! 3. [`contract`]: the contract model, loaded and validated from `contracts/*.yaml`, and earlier versions
//!    of it (a git ref or a directory).
//! 4. [`annotate`]: a token-by-token reading of any payload against a message type.
//! 5. [`golden`]: golden vectors generated from the contracts, with readable twins, written and checked.
//! 6. Four users of contracts and vectors, independent of each other: [`codegen`] (Rust, Python and Go
//!    types), [`breaking`] (schema-evolution rules), [`nats`] (the NATS server of a run) and [`peer`] (peer
//!    manifests, builds, processes and the protocol).
//! 7. [`verify`]: the run: every vector through every peer, judged into verdicts, emitted as events.
//! 8. [`report`]: the reporters of verify's events (terminal, progress, JUnit, JSON) and of breaking's
//!    findings.
//! 9. [`project`]: a service repository's msgpact.toml, its pinned contracts (the cache, msgpact.lock,
//!    releases weighed with [`breaking`]'s rules) and `msgpact init`'s scaffold.
//! 10. [`cli`]: the `msgpact` commands, one file each; where every error becomes a diagnostic and an exit
//!     code.
pub mod annotate;
pub mod breaking;
pub mod classes;
pub mod cli;
pub mod codegen;
pub mod contract;
pub mod diag;
pub mod fsx;
pub mod golden;
#[cfg(test)]
mod layering;
pub mod limits;
pub mod nats;
pub mod peer;
pub mod progress;
pub mod project;
pub mod redact;
pub mod report;
pub mod signals;
pub mod source;
pub mod verify;
pub mod wire;
pub mod yaml;
