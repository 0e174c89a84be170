//! The terminal view: progress as it happens, then the matrices, the failures and one summary line.
use crate::verify::verdict::{Outcome, Verdict};
use crate::verify::{Event, Exchange, Sink, Summary};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

pub struct Terminal<W: Write> {
    out: W,
    exchanges: Vec<Exchange>,
    peers: Vec<String>,
    cases_per_message: BTreeMap<String, usize>,
    stale: Vec<String>,
    /// At most this many failures are printed in full.
    pub max_failures: usize,
}

impl<W: Write> Terminal<W> {
    pub fn new(out: W) -> Self {
        Terminal { out, exchanges: Vec::new(), peers: Vec::new(), cases_per_message: BTreeMap::new(), stale: Vec::new(), max_failures: 25 }
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    fn line(&mut self, s: &str) {
        let _ = writeln!(self.out, "{s}");
    }
}

impl<W: Write> Sink for Terminal<W> {
    fn event(&mut self, e: &Event) {
        match e {
            Event::Planned { messages, cases, peers, prefix } => {
                self.peers = peers.clone();
                self.line(&format!("verify: {messages} messages, {cases} cases, peers: {} (subjects {prefix}.*)", peers.join(", ")));
            }
            Event::SetupError { what, message, hint } => {
                let mut s = format!("error[E901]: {what}: {message}");
                if !hint.is_empty() {
                    let _ = write!(s, "\n  hint: {hint}");
                }
                self.line(&s);
            }
            Event::GoldenDrift { added, removed, changed } => {
                for (label, list) in [("added", added), ("removed", removed), ("changed", changed)] {
                    for k in list.iter().take(10) {
                        self.line(&format!("  {label:<8} golden/{k}"));
                    }
                    if list.len() > 10 {
                        self.line(&format!("  {label:<8} … and {} more", list.len() - 10));
                    }
                }
                self.line(&format!(
                    "error[E701]: golden vectors differ from the contracts ({} changed, {} added, {} removed)\n  hint: review with `cargo test` then `cargo insta review`, or accept with `msgpact golden --write`; verify runs on reviewed vectors only",
                    changed.len(),
                    added.len(),
                    removed.len()
                ));
            }
            Event::NatsReady { backend, reason, url, startup } => {
                self.line(&format!("nats: {backend} at {url}, ready in {:.2} s ({reason})", startup.as_secs_f64()));
            }
            Event::PeerBuilt { peer, cached, duration } => {
                if *cached {
                    self.line(&format!("peer {peer}: build cached"));
                } else {
                    self.line(&format!("peer {peer}: built in {:.1} s", duration.as_secs_f64()));
                }
            }
            Event::PeerReady { peer, hello, startup } => {
                let nats = if hello.nats_library.is_empty() { String::new() } else { format!(", {} {}", hello.nats_library, hello.nats_library_version) };
                self.line(&format!("peer {peer}: ready in {:.2} s: {} {}{nats}, {} types", startup.as_secs_f64(), hello.language, hello.library_line(), hello.types.len()));
            }
            Event::PeerRestarted { peer, reason } => self.line(&format!("peer {peer}: restarted ({reason})")),
            Event::StaleExpectedFailure { peer, file, line, message, case, removed, command } => {
                if *removed {
                    self.line(&format!("{file}:{line}: removed {message} {case} from peer {peer}'s expected failures: it passes now"));
                } else {
                    self.stale.push(format!("{file}:{line}: error[E703]: {message} {case} is listed as an expected failure of peer {peer}, but it passes now\n  hint: remove it (`{command}` does)"));
                }
            }
            Event::BatchDone { peer, phase, exchanges, elapsed } => {
                let what = if *phase == 1 { "golden vectors" } else { "other peers' outputs" };
                let rate = *exchanges as f64 / elapsed.as_secs_f64().max(1e-9);
                self.line(&format!("peer {peer}: {exchanges} {what} in {:.2} s ({rate:.0}/s)", elapsed.as_secs_f64()));
            }
            Event::Exchange(x) => {
                if x.producer == "golden" {
                    *self.cases_per_message.entry(x.message.clone()).or_default() += usize::from(x.consumer == self.peers.first().cloned().unwrap_or_default());
                }
                self.exchanges.push(x.clone());
            }
            Event::Finished(sum) => {
                let text = self.finish(sum);
                let _ = write!(self.out, "{text}");
            }
        }
        let _ = self.out.flush();
    }
}

impl<W: Write> Terminal<W> {
    fn finish(&self, sum: &Summary) -> String {
        let mut s = String::new();
        if !self.exchanges.is_empty() {
            s.push_str(&self.golden_matrix());
            s.push_str(&self.peer_matrix());
            s.push_str(&self.failures());
        }
        for st in &self.stale {
            let _ = writeln!(s, "{st}\n");
        }
        let status = match sum.exit_code {
            0 => "ok".to_string(),
            1 => "FAILED".to_string(),
            _ => "ERROR".to_string(),
        };
        let mut counts = format!("{} exchanges: {} passed, {} failed, {} warned, {} skipped", sum.exchanges, sum.passed, sum.failed, sum.warned, sum.skipped);
        if sum.xfailed > 0 {
            let _ = write!(counts, ", {} expected failures", sum.xfailed);
        }
        if sum.stale > 0 {
            let _ = write!(counts, "; {} stale expected failure(s)", sum.stale);
        }
        if sum.setup_errors > 0 {
            let _ = write!(counts, "; {} setup error(s)", sum.setup_errors);
        }
        let _ = writeln!(s, "verify: {status}, {counts} in {:.1} s", sum.elapsed.as_secs_f64());
        s
    }

    fn cell(list: &[&Exchange]) -> String {
        let fail = list.iter().filter(|x| x.outcome == Outcome::Fail).count();
        let xfail = list.iter().filter(|x| x.outcome == Outcome::Xfail).count();
        let warn = list.iter().filter(|x| x.outcome == Outcome::Warn).count();
        let skip = list.iter().filter(|x| x.outcome == Outcome::Skip).count();
        if list.is_empty() || skip == list.len() {
            "-".into()
        } else if fail > 0 {
            format!("FAIL {fail}/{}", list.len() - skip)
        } else if xfail > 0 {
            format!("xfail {xfail}/{}", list.len() - skip)
        } else if warn > 0 {
            format!("warn {warn}/{}", list.len() - skip)
        } else {
            format!("ok {}", list.len() - skip)
        }
    }

    fn golden_matrix(&self) -> String {
        let mut s = self.matrix_from("golden");
        let mut others: Vec<&str> = self.exchanges.iter().map(|x| x.producer.as_str()).filter(|p| *p != "golden" && !self.peers.iter().any(|q| q == p)).collect();
        others.sort();
        others.dedup();
        for p in others {
            s.push_str(&self.matrix_from(p));
        }
        s
    }

    /// Per message type and peer: the exchanges whose payloads came from `producer`.
    fn matrix_from(&self, producer: &str) -> String {
        let mut s = format!("\n{:<28} {:>5}", format!("{producer} -> peer"), "cases");
        for p in &self.peers {
            let _ = write!(s, "  {p:<12}");
        }
        s.push('\n');
        let messages: Vec<&String> = self.cases_per_message.keys().collect();
        for m in messages {
            let cases: std::collections::BTreeSet<&str> = self.exchanges.iter().filter(|x| x.producer == producer && &x.message == m).map(|x| x.case.as_str()).collect();
            if cases.is_empty() {
                continue;
            }
            let _ = write!(s, "{m:<28} {:>5}", cases.len());
            for p in &self.peers {
                let list: Vec<&Exchange> = self.exchanges.iter().filter(|x| x.producer == producer && &x.consumer == p && &x.message == m).collect();
                let _ = write!(s, "  {:<12}", Self::cell(&list));
            }
            s.push('\n');
        }
        s
    }

    fn peer_matrix(&self) -> String {
        let mut s = format!("\n{:<28} {:>5}", "producer -> consumer", "");
        for p in &self.peers {
            let _ = write!(s, "  {p:<12}");
        }
        s.push('\n');
        for producer in &self.peers {
            let _ = write!(s, "{:<28} {:>5}", format!("{producer} ->"), "");
            for consumer in &self.peers {
                let list: Vec<&Exchange> = self.exchanges.iter().filter(|x| &x.producer == producer && &x.consumer == consumer).collect();
                let _ = write!(s, "  {:<12}", Self::cell(&list));
            }
            s.push('\n');
        }
        s
    }

    fn failures(&self) -> String {
        let bad: Vec<&Exchange> = self.exchanges.iter().filter(|x| !x.reused && matches!(x.outcome, Outcome::Fail | Outcome::Warn)).collect();
        if bad.is_empty() {
            return "\n".into();
        }
        let mut s = String::from("\n");
        for x in bad.iter().take(self.max_failures) {
            s.push_str(&render_exchange(x));
        }
        if bad.len() > self.max_failures {
            let _ = writeln!(s, "… and {} more (all of them are in --json and --junit)\n", bad.len() - self.max_failures);
        }
        s
    }
}

/// One failed or warned exchange, in full.
pub fn render_exchange(x: &Exchange) -> String {
    let mut s = String::new();
    let tag = match x.outcome {
        Outcome::Warn => "WARN",
        Outcome::Xfail => "XFAIL",
        _ => "FAIL",
    };
    let class = x.class.map_or(String::new(), |c| format!(" [{}]", c.id()));
    let _ = writeln!(s, "{tag} {} {} {} ({} -> {}){class}", x.consumer, x.message, x.case, x.producer, x.consumer);
    let _ = writeln!(s, "     {}: {}", x.location, x.verdict.summary());
    match &x.verdict {
        Verdict::SameValue { detail } | Verdict::DifferentValue { detail } => {
            let _ = writeln!(s, "     expected  {}", detail.expected);
            let at = detail.offset.map_or(String::new(), |o| format!(" (byte {o})"));
            let _ = writeln!(s, "     actual    {}{at}", detail.actual);
        }
        Verdict::Crash { output, .. } if !output.is_empty() => {
            let _ = writeln!(s, "     last output of the peer:\n{}", crate::peer::process::indent(output));
        }
        _ => {}
    }
    if !x.hint.is_empty() {
        let _ = writeln!(s, "     hint: {}", x.hint);
    }
    if let Some(reason) = &x.expected_failure {
        let _ = writeln!(s, "     expected failure: {reason}");
    }
    s.push('\n');
    s
}
