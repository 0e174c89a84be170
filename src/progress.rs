//! Progress of long steps (building nats-server, building a peer, exchanging many vectors), as plain data.
//!
//! The code that does the work (`nats`, `peer`, `verify`) reports through a [`Progress`] handle and knows
//! nothing about terminals. A verify run hands out a [`Progress::channel`] and forwards what arrives into
//! its one event stream (`verify::Event::Progress`), where the progress view (`report::progress`) draws it:
//! a live line per step on a terminal, start and end lines and a heartbeat in a log. Code that runs without
//! a run around it (a test building nats-server) uses [`Progress::stderr`], which prints a start and an end
//! line itself, so that a minute of silence never looks like a hang.
use serde::Serialize;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// One change of one step. `id` tells the steps of a run apart; `label` names the step for people
/// (`peer rust: build`, `nats-server v2.15.2: go install`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Update {
    Started {
        id: u64,
        label: String,
        detail: String,
    },
    /// What the step is doing now (the last line of a build's output, say).
    Detail {
        id: u64,
        detail: String,
    },
    /// How far it is, when that is countable.
    Position {
        id: u64,
        done: u64,
        total: u64,
    },
    Finished {
        id: u64,
        ok: bool,
        summary: String,
    },
}

impl Update {
    pub fn id(&self) -> u64 {
        match self {
            Update::Started { id, .. }
            | Update::Detail { id, .. }
            | Update::Position { id, .. }
            | Update::Finished { id, .. } => *id,
        }
    }
}

/// Where a step's updates go. Cloning shares the destination.
#[derive(Clone, Default)]
pub struct Progress {
    target: Target,
}

#[derive(Clone, Default)]
enum Target {
    /// Nowhere.
    #[default]
    Off,
    /// Into a run's event stream (see [`Progress::channel`]).
    Channel(UnboundedSender<Update>),
    /// Start and end lines straight to stderr (not through the test harness's capture).
    Stderr,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = match self.target {
            Target::Off => "off",
            Target::Channel(_) => "channel",
            Target::Stderr => "stderr",
        };
        write!(f, "Progress({t})")
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Position updates are sent at most this often (the last one always).
const POSITION_EVERY: Duration = Duration::from_millis(100);

impl Progress {
    pub fn off() -> Progress {
        Progress { target: Target::Off }
    }

    pub fn stderr() -> Progress {
        Progress { target: Target::Stderr }
    }

    /// A handle whose updates arrive at the receiver, from any thread.
    pub fn channel() -> (Progress, UnboundedReceiver<Update>) {
        let (tx, rx) = unbounded_channel();
        (Progress { target: Target::Channel(tx) }, rx)
    }

    /// Starts a step; it ends with [`Step::finish`], or as failed when dropped unfinished.
    pub fn start(&self, label: impl Into<String>, detail: impl Into<String>) -> Step {
        let step = Step {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            label: label.into(),
            progress: self.clone(),
            started: Instant::now(),
            last_position: Mutex::new(None),
            finished: false,
        };
        step.send(Update::Started { id: step.id, label: step.label.clone(), detail: detail.into() });
        step
    }
}

/// One running step.
pub struct Step {
    id: u64,
    label: String,
    progress: Progress,
    started: Instant,
    last_position: Mutex<Option<Instant>>,
    finished: bool,
}

impl Step {
    pub fn detail(&self, detail: impl Into<String>) {
        self.send(Update::Detail { id: self.id, detail: detail.into() });
    }

    /// `done` of `total`; sent at most ten times a second, and always when `done == total`.
    pub fn position(&self, done: u64, total: u64) {
        let mut last = self.last_position.lock().unwrap_or_else(|p| p.into_inner());
        if done < total && last.is_some_and(|t| t.elapsed() < POSITION_EVERY) {
            return;
        }
        *last = Some(Instant::now());
        drop(last);
        self.send(Update::Position { id: self.id, done, total });
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    pub fn finish(mut self, ok: bool, summary: impl Into<String>) {
        self.finished = true;
        self.send(Update::Finished { id: self.id, ok, summary: summary.into() });
    }

    fn send(&self, u: Update) {
        match &self.progress.target {
            Target::Off => {}
            Target::Channel(tx) => {
                let _ = tx.send(u);
            }
            Target::Stderr => {
                let line = match &u {
                    Update::Started { label, detail, .. } if detail.is_empty() => format!("msgpact: {label}: started"),
                    Update::Started { label, detail, .. } => format!("msgpact: {label}: started ({detail})"),
                    Update::Finished { summary, .. } => {
                        format!(
                            "msgpact: {}: {summary} after {:.1} s",
                            self.label,
                            self.started.elapsed().as_secs_f64()
                        )
                    }
                    Update::Detail { .. } | Update::Position { .. } => return,
                };
                // Not eprintln!: the test harness captures that, and this line is for the person waiting.
                let _ = writeln!(std::io::stderr(), "{line}");
            }
        }
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        if !self.finished {
            self.finished = true;
            self.send(Update::Finished { id: self.id, ok: false, summary: "stopped".into() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_reports_start_detail_position_and_end_in_order() {
        let (p, mut rx) = Progress::channel();
        let s = p.start("peer rust: build", "first build");
        s.detail("Compiling tokio");
        s.position(3, 3);
        s.finish(true, "done");
        let got: Vec<Update> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
        let id = got[0].id();
        assert_eq!(
            got,
            [
                Update::Started { id, label: "peer rust: build".into(), detail: "first build".into() },
                Update::Detail { id, detail: "Compiling tokio".into() },
                Update::Position { id, done: 3, total: 3 },
                Update::Finished { id, ok: true, summary: "done".into() },
            ]
        );
    }

    #[test]
    fn positions_are_throttled_but_the_last_one_is_always_sent() {
        let (p, mut rx) = Progress::channel();
        let s = p.start("x", "");
        for i in 1..=1000 {
            s.position(i, 1000);
        }
        drop(s);
        let got: Vec<Update> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
        let positions: Vec<u64> =
            got.iter().filter_map(|u| if let Update::Position { done, .. } = u { Some(*done) } else { None }).collect();
        assert!(positions.len() < 50, "{} position updates", positions.len());
        assert_eq!(positions.last(), Some(&1000));
        assert!(matches!(got.last(), Some(Update::Finished { ok: false, .. })), "a dropped step ends as failed");
    }
}
