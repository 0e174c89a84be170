//! The terminal view of a fuzz run: the seed first (so that any run can be repeated), the session's setup
//! lines as verify prints them, each finding as verify prints a failure plus the shrunk value, its bytes
//! side by side with the peer's and the command that repeats it, and one summary line.
use super::terminal::{render_exchange, Terminal};
use crate::fuzz::{FuzzEvent, FuzzSink};
use crate::verify::{Event, Sink, Summary};
use std::fmt::Write as _;
use std::io::Write;

pub struct FuzzTerminal<W: Write> {
    /// verify's terminal view, for the session's setup lines (NATS, builds, peers, setup errors).
    inner: Terminal<W>,
    seed: u64,
    cases: u64,
    rounds: usize,
    findings: usize,
}

impl<W: Write> FuzzTerminal<W> {
    pub fn new(out: W) -> Self {
        FuzzTerminal { inner: Terminal::new(out), seed: 0, cases: 0, rounds: 0, findings: 0 }
    }

    pub fn into_inner(self) -> W {
        self.inner.into_inner()
    }

    fn write(&mut self, text: &str) {
        let out = self.inner.out_mut();
        let _ = write!(out, "{}", crate::redact::redact(text));
        let _ = out.flush();
    }

    fn summary(&self, sum: &Summary) -> String {
        let status = match sum.exit_code {
            0 => "ok",
            1 => "FAILED",
            _ => "ERROR",
        };
        let mut counts = format!(
            "{} cases, {} exchanges: {} passed, {} failed, {} warned, {} skipped",
            self.cases, sum.exchanges, sum.passed, sum.failed, sum.warned, sum.skipped
        );
        if sum.xfailed > 0 {
            let _ = write!(counts, ", {} expected failures", sum.xfailed);
        }
        if sum.setup_errors > 0 {
            let _ = write!(counts, "; {} setup error(s)", sum.setup_errors);
        }
        let rounds = sum.exchanging.as_secs_f64();
        let rate = if rounds > 0.0 {
            format!("; rounds {rounds:.1} s, {:.0} exchanges/s", sum.exchanges as f64 / rounds)
        } else {
            String::new()
        };
        format!("fuzz: {status}, {counts} in {:.1} s (seed {}{rate})\n", sum.elapsed.as_secs_f64(), self.seed)
    }
}

impl<W: Write> FuzzSink for FuzzTerminal<W> {
    fn fuzz_event(&mut self, e: &FuzzEvent) {
        match e {
            FuzzEvent::Started { seed, cases, time, messages, peers } => {
                self.seed = *seed;
                let budget = match (cases, time) {
                    (Some(n), Some(t)) => format!("{n} cases per message type or {t:.0} s, whichever ends first"),
                    (Some(n), None) => format!("{n} cases per message type"),
                    (None, Some(t)) => format!("{t:.0} s"),
                    (None, None) => String::new(),
                };
                self.write(&format!(
                    "fuzz: seed {seed} (repeat with --seed {seed}), {budget}, {} messages, peers: {}\n",
                    messages.len(),
                    peers.join(", ")
                ));
            }
            FuzzEvent::Session(e) => match e.as_ref() {
                // The summary is this view's own; exchanges are shown as findings; batches and progress
                // are too many to list.
                Event::Finished(sum) => {
                    let text = self.summary(sum);
                    self.write(&text);
                }
                Event::Exchange(_) | Event::BatchDone { .. } | Event::Progress(_) | Event::Planned { .. } => {}
                other => self.inner.event(other),
            },
            FuzzEvent::Round { cases, .. } => {
                self.rounds += 1;
                self.cases += cases;
            }
            FuzzEvent::Finding(f) => {
                self.findings += 1;
                let mut s = String::new();
                s.push('\n');
                s.push_str(&render_exchange(&f.exchange));
                let _ = writeln!(
                    s,
                    "     found as {} ({} bytes), shrunk to {} bytes in {} checks ({} smaller failures)",
                    f.found_as, f.found_size, f.size, f.checks, f.steps
                );
                let _ = writeln!(s, "     value     {}", f.value);
                let _ = writeln!(s, "     canonical {}", f.expected);
                if let Some(a) = &f.actual {
                    let _ = writeln!(s, "     peer      {a}");
                }
                let _ = writeln!(s, "     repeat:   {}", f.repeat);
                match &f.saved {
                    Some(path) => {
                        let _ = writeln!(s, "     saved:    {path}.msgpack (and .snap); verify now sends it");
                    }
                    None => {
                        let _ = writeln!(s, "     keep it:  {} --save (a golden case verify then sends)", f.repeat);
                    }
                }
                s.push('\n');
                self.write(&s);
            }
            FuzzEvent::Done { .. } => {}
        }
    }
}

/// A fuzz run's events to verify's reporters (progress, JSON): the session's events as they are.
pub struct SessionEvents<S: Sink>(pub S);

impl<S: Sink> FuzzSink for SessionEvents<S> {
    fn fuzz_event(&mut self, e: &FuzzEvent) {
        if let FuzzEvent::Session(e) = e {
            self.0.event(e);
        }
    }
}

/// Sends every fuzz event to several sinks, in order (nothing after a signal, as `Fanout`).
pub struct FuzzFanout(pub Vec<Box<dyn FuzzSink>>);

impl FuzzSink for FuzzFanout {
    fn fuzz_event(&mut self, e: &FuzzEvent) {
        if crate::signals::stopping() {
            return;
        }
        for s in &mut self.0 {
            s.fuzz_event(e);
        }
    }
}

pub const SCHEMA: &str = "msgpact-fuzz/1";

/// JSON of a fuzz run (`--json`): the seed, the summary, the findings (each with its shrunk value, its
/// bytes and the peer's, and the command that repeats it) and every event of the session underneath, as
/// verify's JSON has them (docs/fuzz.md).
pub struct FuzzJson {
    path: std::path::PathBuf,
    seed: Option<u64>,
    cases: u64,
    findings: Vec<crate::fuzz::Finding>,
    events: Vec<Event>,
}

impl FuzzJson {
    pub fn new(path: std::path::PathBuf) -> Self {
        FuzzJson { path, seed: None, cases: 0, findings: Vec::new(), events: Vec::new() }
    }

    pub fn render(&self) -> String {
        let summary = self.events.iter().rev().find_map(|e| if let Event::Finished(s) = e { Some(s) } else { None });
        let doc = serde_json::json!({
            "schema": SCHEMA,
            "seed": self.seed,
            "cases": self.cases,
            "summary": summary,
            "findings": self.findings,
            "events": self.events,
        });
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        crate::redact::redact(&text).into_owned()
    }
}

impl FuzzSink for FuzzJson {
    fn fuzz_event(&mut self, e: &FuzzEvent) {
        match e {
            FuzzEvent::Started { seed, .. } => self.seed = Some(*seed),
            FuzzEvent::Round { cases, .. } => self.cases += cases,
            FuzzEvent::Finding(f) => self.findings.push(f.as_ref().clone()),
            FuzzEvent::Session(e) => {
                if matches!(e.as_ref(), Event::Progress(_)) {
                    return;
                }
                self.events.push(e.as_ref().clone());
                if let Event::Finished(_) = e.as_ref() {
                    if let Err(err) = super::write_report(&self.path, self.render().as_bytes()) {
                        let message = format!("cannot write the JSON report: {err}");
                        let d = crate::diag::Diagnostic::at(
                            crate::diag::Code::WriteFailed,
                            self.path.display(),
                            message,
                            "",
                        );
                        eprintln!("{}", d.render_plain());
                    }
                }
            }
            FuzzEvent::Done { .. } => {}
        }
    }
}
