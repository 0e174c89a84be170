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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzz::Finding;
    use crate::verify::verdict::{Outcome, Verdict};
    use crate::verify::Exchange;
    use std::time::Duration;

    fn finding() -> Finding {
        Finding {
            exchange: Exchange {
                producer: "fuzz".into(),
                consumer: "py".into(),
                message: "chat.ChatTurn".into(),
                case: "fuzz.603506e94ef5".into(),
                verdict: Verdict::DecodeError { error: "cut at NUL".into() },
                class: None,
                hint: "keep the NUL".into(),
                outcome: Outcome::Fail,
                expected_failure: None,
                location: "contracts/chat.yaml:11:9".into(),
                duration: Duration::ZERO,
                reused: false,
                reject: None,
            },
            value: r#"{role: "user", text: "\0"}"#.into(),
            expected: "82 a1 00".into(),
            actual: Some("82 a0".into()),
            found_as: "chat.ChatTurn fuzz.29".into(),
            found_size: 30,
            size: 18,
            checks: 34,
            steps: 2,
            saved: None,
            repeat: "msgpact fuzz --seed 9 --cases 50".into(),
        }
    }

    #[test]
    fn the_terminal_says_the_seed_first_and_last_and_a_finding_with_its_value_bytes_and_repeat() {
        let mut t = FuzzTerminal::new(Vec::new());
        t.fuzz_event(&FuzzEvent::Started {
            seed: 9,
            cases: Some(200),
            time: None,
            messages: vec!["chat.ChatTurn".into()],
            peers: vec!["py".into()],
        });
        t.fuzz_event(&FuzzEvent::Round { cases: 50, exchanges: 65, failed: 1 });
        t.fuzz_event(&FuzzEvent::Finding(Box::new(finding())));
        let sum = Summary {
            exit_code: 1,
            exchanges: 65,
            passed: 64,
            failed: 1,
            exchanging: Duration::from_millis(500),
            ..Summary::default()
        };
        t.fuzz_event(&FuzzEvent::Session(Box::new(Event::Finished(sum))));
        let out = String::from_utf8(t.into_inner()).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "fuzz: seed 9 (repeat with --seed 9), 200 cases per message type, 1 messages, peers: py");
        assert!(out.contains("FAIL py chat.ChatTurn fuzz.603506e94ef5 (fuzz -> py)"), "{out}");
        assert!(out.contains("found as chat.ChatTurn fuzz.29 (30 bytes), shrunk to 18 bytes in 34 checks"), "{out}");
        assert!(out.contains(
            "     value     {role: \"user\", text: \"\\0\"}\n     canonical 82 a1 00\n     peer      82 a0\n"
        ));
        assert!(out.contains("repeat:   msgpact fuzz --seed 9 --cases 50\n"), "{out}");
        assert!(out.contains("keep it:  msgpact fuzz --seed 9 --cases 50 --save"), "{out}");
        assert_eq!(
            *lines.last().unwrap(),
            "fuzz: FAILED, 50 cases, 65 exchanges: 64 passed, 1 failed, 0 warned, 0 skipped in 0.0 s (seed 9; rounds 0.5 s, 130 exchanges/s)"
        );
    }

    #[test]
    fn the_json_report_has_the_seed_the_findings_and_the_session_events() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fuzz.json");
        let mut j = FuzzJson::new(path.clone());
        j.fuzz_event(&FuzzEvent::Started { seed: 9, cases: None, time: Some(5.0), messages: vec![], peers: vec![] });
        j.fuzz_event(&FuzzEvent::Round { cases: 50, exchanges: 65, failed: 1 });
        j.fuzz_event(&FuzzEvent::Finding(Box::new(finding())));
        j.fuzz_event(&FuzzEvent::Session(Box::new(Event::Finished(Summary { exit_code: 1, ..Summary::default() }))));
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(doc["schema"], SCHEMA);
        assert_eq!((doc["seed"].as_u64(), doc["cases"].as_u64()), (Some(9), Some(50)));
        assert_eq!(doc["findings"][0]["size"], 18);
        assert_eq!(doc["findings"][0]["exchange"]["case"], "fuzz.603506e94ef5");
        assert_eq!(doc["summary"]["exit_code"], 1);
        assert_eq!(doc["events"].as_array().unwrap().len(), 1);
    }
}
