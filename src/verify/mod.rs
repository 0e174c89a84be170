//! `msgpact verify`: every golden vector through every peer over a real NATS server, then every peer's
//! output through every other peer, with one verdict per exchange.
//!
//! The way of a run: contracts checked, golden vectors checked for drift, a NATS server found or started,
//! peers built and started all at once ([`startup`]), exchanges pipelined per peer (`batch`, [`exchange`]), replies judged
//! ([`compare`], [`canonical`]) into [`verdict`]s, everything emitted as [`events`] for the reporters. A
//! peer that crashes or hangs is restarted and the payload that did it is found by replaying the suspects
//! one at a time; the rest of the run goes on.
mod batch;
pub mod canonical;
pub mod compare;
pub mod coverage;
pub mod events;
pub mod exchange;
pub mod hints;
mod run;
mod startup;
pub mod verdict;

pub use events::{Event, Exchange, Sink, Summary};
pub use run::{run, Options};
pub use verdict::{Outcome, Verdict};
