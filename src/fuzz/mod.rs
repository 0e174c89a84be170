//! `msgpact fuzz`: differential fuzzing from the contracts.
//!
//! Golden vectors are the values someone thought of; fuzzing sends the others. [`gen`] draws random valid
//! values of every message type from the contracts, encoded canonically; they go through every peer and
//! the producer x consumer matrix over NATS with verify's own machinery, and a failure is shrunk
//! ([`shrink`]) to a smallest failing value, reported like a verify finding, and with `--save` kept in
//! golden/ as a regression vector (see [`crate::golden::saved`]).
pub mod gen;
pub mod shrink;
#[cfg(test)]
mod testing;
