//! `msgpact verify`: every golden vector through every peer over a real NATS server, then every peer's
//! output through every other peer, with one verdict per exchange.
//!
//! The way of a run, one room each: the [`Options`] and what every room shares (`context`); the `plan`
//! (contracts checked, golden vectors checked for drift, peers selected, an earlier version to replay, the
//! items of each phase); a NATS server found or started while the peers are built, then started and
//! greeted (`startup`); the transport, exchanges pipelined per peer (`batch`, [`exchange`]); the `judge`,
//! which turns a reply into a [`Verdict`] ([`compare`], [`canonical`]) and a verdict into an outcome under
//! the policy ([`hints`] for the fix); and the `record`er, through which every verdict becomes one of the
//! [`events`] the reporters consume, and the summary its counts. `run` holds the phases together. A peer
//! that crashes or hangs is restarted and the payload that did it is found by replaying the suspects one
//! at a time; the rest of the run goes on. What stops part of a run is a [`SetupError`].
mod batch;
pub mod canonical;
pub mod compare;
mod context;
pub mod coverage;
pub mod error;
pub mod events;
pub mod exchange;
pub mod hints;
mod judge;
mod plan;
mod record;
mod run;
mod startup;
pub mod verdict;

pub use context::Options;
pub use error::SetupError;
pub use events::{Event, Exchange, Sink, Summary};
pub use run::run;
pub use verdict::{Outcome, Verdict};
