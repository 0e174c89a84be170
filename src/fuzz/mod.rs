//! `msgpact fuzz`: differential fuzzing from the contracts.
//!
//! Golden vectors are the values someone thought of; fuzzing sends the others. [`gen`] draws random valid
//! values of every message type from the contracts (its numbers in `numbers`), encoded canonically; [`run`]
//! sends them through every peer and the producer x consumer matrix over NATS on a verify
//! [`crate::verify::Session`] (verify's own server, builds, peers, transport, judge and recorder), and a
//! failure is shrunk ([`shrink`]) to a smallest failing value, reported like a verify finding ([`events`]),
//! and with `--save` kept in golden/ as a regression case (see [`crate::golden::saved`]).
pub mod events;
pub mod gen;
mod numbers;
pub mod run;
pub mod shrink;
#[cfg(test)]
mod testing;

pub use events::{Finding, FuzzEvent, FuzzLog, FuzzSink};
pub use run::{run, FuzzOptions, DEFAULT_CASES};
