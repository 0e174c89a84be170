//! What a fuzz run says: its own events (the seed and budget, each round, each finding) around the events
//! of the verify session it drives, so that a reporter sees one stream. `report::fuzz` prints it.
use crate::verify::{Event, Exchange};
use serde::Serialize;
use std::time::Duration;

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum FuzzEvent {
    /// What the run will do: the seed (printed so that any run can be repeated) and the budget.
    Started {
        seed: u64,
        /// Cases per message type, when bounded by count.
        cases: Option<u64>,
        /// Seconds, when bounded by time.
        time: Option<f64>,
        /// `package.Message` of every type some peer serves.
        messages: Vec<String>,
        peers: Vec<String>,
    },
    /// An event of the verify session underneath (NATS, builds, peers, setup errors, a finding's exchange,
    /// the summary).
    Session(Box<Event>),
    /// A round of cases went through every peer.
    Round { cases: u64, exchanges: usize, failed: usize },
    /// A failure, shrunk.
    Finding(Box<Finding>),
    /// The run is over (the session's `Finished` event follows): the cases drawn and how long it took.
    Done {
        seed: u64,
        cases: u64,
        #[serde(serialize_with = "secs")]
        elapsed: Duration,
    },
}

/// One failure found by fuzzing, shrunk to a smallest value that still fails the same way.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// The exchange of the smallest failing value, reported as verify reports one.
    pub exchange: Exchange,
    /// The value as the contract's readable form (the twin's `value:` line).
    pub value: String,
    /// Its canonical bytes, in hex: what every peer must write.
    pub expected: String,
    /// What the failing peer wrote instead, in hex (when it answered `ok`).
    pub actual: Option<String>,
    /// The case that first failed: `fuzz.<seed>.<n>` and its encoded size.
    pub found_as: String,
    pub found_size: usize,
    pub size: usize,
    /// Candidates checked through the peers while shrinking, and how many of them were smaller failures.
    pub checks: usize,
    pub steps: usize,
    /// Where `--save` wrote it (`golden/<package>/<Message>/fuzz.<id>`), if it did.
    pub saved: Option<String>,
    /// The command that repeats the run that found it.
    pub repeat: String,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Something that consumes a fuzz run's events.
pub trait FuzzSink {
    fn fuzz_event(&mut self, e: &FuzzEvent);
}

/// Keeps every event; for tests.
#[derive(Default)]
pub struct FuzzLog(pub Vec<FuzzEvent>);

impl FuzzSink for FuzzLog {
    fn fuzz_event(&mut self, e: &FuzzEvent) {
        self.0.push(e.clone());
    }
}
