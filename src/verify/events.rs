//! The one stream of events a run emits; the terminal view, JUnit and JSON reporters each consume it.
use super::verdict::{Outcome, Verdict};
use crate::peer::Hello;
use serde::Serialize;
use std::time::Duration;

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// What the run will do.
    Planned {
        messages: usize,
        /// Golden cases, the must-reject ones included.
        cases: usize,
        /// How many of `cases` are must-reject cases.
        rejects: usize,
        peers: Vec<String>,
        prefix: String,
        /// The peer.toml files whose build and run commands this run executes (absolute paths).
        manifests: Vec<String>,
    },
    /// Something stopped part of the run before any verdict: invalid contracts, a peer that cannot start.
    SetupError {
        what: String,
        message: String,
        hint: String,
    },
    /// golden/ differs from what the contracts generate.
    GoldenDrift {
        added: Vec<String>,
        removed: Vec<String>,
        changed: Vec<String>,
    },
    NatsReady {
        backend: String,
        reason: String,
        url: String,
        #[serde(serialize_with = "secs")]
        startup: Duration,
    },
    PeerBuilt {
        peer: String,
        cached: bool,
        #[serde(serialize_with = "secs")]
        duration: Duration,
        /// What the build produced (checked before a cached build is reused): files, and the executables
        /// cargo named.
        outputs: Vec<String>,
    },
    PeerReady {
        peer: String,
        hello: Hello,
        #[serde(serialize_with = "secs")]
        startup: Duration,
    },
    PeerRestarted {
        peer: String,
        reason: String,
    },
    /// An expected failure that no longer fails: the list must be updated (or, with
    /// `--update-expected-failures`, it was).
    StaleExpectedFailure {
        peer: String,
        file: String,
        line: usize,
        message: String,
        case: String,
        removed: bool,
        command: String,
    },
    /// One peer finished a batch: phase 1 (golden vectors) or phase 2 (other peers' output).
    BatchDone {
        peer: String,
        phase: u8,
        exchanges: usize,
        #[serde(serialize_with = "secs")]
        elapsed: Duration,
    },
    Exchange(Exchange),
    /// The types the peers serve against those msgpact.toml requires (after every peer is ready).
    Coverage(super::coverage::Coverage),
    /// A long step started, moved on or ended (building nats-server or a peer, exchanging vectors). Only
    /// the progress view draws these; the reports leave them out, so that they stay the same from run to run.
    Progress(crate::progress::Update),
    Finished(Summary),
}

/// One payload through one peer. `producer` is `golden` for the canonical vectors, else the peer whose
/// output was sent on to `consumer`.
#[derive(Clone, Debug, Serialize)]
pub struct Exchange {
    pub producer: String,
    pub consumer: String,
    pub message: String,
    pub case: String,
    pub verdict: Verdict,
    /// What kind of interop bug it is, when it is one.
    pub class: Option<crate::classes::Class>,
    /// How to fix it in the consumer's own library.
    pub hint: String,
    pub outcome: Outcome,
    /// The reason from the peer's expected-failure list, when the failure is expected.
    pub expected_failure: Option<String>,
    /// `contracts/chat.yaml:31:9`: where the field (or message) the verdict is about is declared.
    pub location: String,
    #[serde(serialize_with = "secs")]
    pub duration: Duration,
    /// A matrix cell whose input was the canonical vector itself: its verdict is the golden one's.
    pub reused: bool,
    /// The kind of a must-reject case (`reject.*`), which the peer must refuse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reject: Option<crate::classes::RejectKind>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub exit_code: i32,
    pub exchanges: usize,
    pub passed: usize,
    pub failed: usize,
    pub warned: usize,
    pub skipped: usize,
    /// Failures the peers' expected-failure lists accept.
    pub xfailed: usize,
    /// Expected failures that no longer fail.
    pub stale: usize,
    /// Required message types no peer serves.
    pub required_unserved: usize,
    pub setup_errors: usize,
    #[serde(serialize_with = "secs")]
    pub elapsed: Duration,
    /// The part of `elapsed` spent exchanging vectors with peers (both phases).
    #[serde(serialize_with = "secs")]
    pub exchanging: Duration,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(super::verdict::seconds(*d))
}

/// Something that consumes the event stream.
pub trait Sink {
    fn event(&mut self, e: &Event);
}

/// Sends every event to several sinks, in order.
pub struct Fanout(pub Vec<Box<dyn Sink>>);

impl Sink for Fanout {
    fn event(&mut self, e: &Event) {
        // After a signal, what the run still sees (a build killed by the cleanup, a lost connection) is a
        // consequence of the stop, not news: the signal handler reports what it stopped.
        if crate::signals::stopping() {
            return;
        }
        for s in &mut self.0 {
            s.event(e);
        }
    }
}

/// Keeps every event; for tests and for reporters that write at the end.
#[derive(Default)]
pub struct EventLog(pub Vec<Event>);

impl Sink for EventLog {
    fn event(&mut self, e: &Event) {
        self.0.push(e.clone());
    }
}
