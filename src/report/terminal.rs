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
    /// At most this many failures are printed in full.
    pub max_failures: usize,
}

impl<W: Write> Terminal<W> {
    pub fn new(out: W) -> Self {
        Terminal { out, exchanges: Vec::new(), peers: Vec::new(), cases_per_message: BTreeMap::new(), max_failures: 25 }
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
        let status = match sum.exit_code {
            0 => "ok".to_string(),
            1 => "FAILED".to_string(),
            _ => "ERROR".to_string(),
        };
        let mut counts = format!("{} exchanges: {} passed, {} failed, {} warned, {} skipped", sum.exchanges, sum.passed, sum.failed, sum.warned, sum.skipped);
        if sum.setup_errors > 0 {
            let _ = write!(counts, "; {} setup error(s)", sum.setup_errors);
        }
        let _ = writeln!(s, "verify: {status}, {counts} in {:.1} s", sum.elapsed.as_secs_f64());
        s
    }

    fn cell(list: &[&Exchange]) -> String {
        let fail = list.iter().filter(|x| x.outcome == Outcome::Fail).count();
        let warn = list.iter().filter(|x| x.outcome == Outcome::Warn).count();
        let skip = list.iter().filter(|x| x.outcome == Outcome::Skip).count();
        if list.is_empty() || skip == list.len() {
            "-".into()
        } else if fail > 0 {
            format!("FAIL {fail}/{}", list.len() - skip)
        } else if warn > 0 {
            format!("warn {warn}/{}", list.len() - skip)
        } else {
            format!("ok {}", list.len() - skip)
        }
    }

    fn golden_matrix(&self) -> String {
        let mut s = format!("\n{:<28} {:>5}", "golden -> peer", "cases");
        for p in &self.peers {
            let _ = write!(s, "  {p:<12}");
        }
        s.push('\n');
        let messages: Vec<&String> = self.cases_per_message.keys().collect();
        for m in messages {
            let _ = write!(s, "{m:<28} {:>5}", self.cases_per_message[m]);
            for p in &self.peers {
                let list: Vec<&Exchange> = self.exchanges.iter().filter(|x| x.producer == "golden" && &x.consumer == p && &x.message == m).collect();
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
    let tag = if x.outcome == Outcome::Warn { "WARN" } else { "FAIL" };
    let _ = writeln!(s, "{tag} {} {} {} ({} -> {})", x.consumer, x.message, x.case, x.producer, x.consumer);
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
    s.push('\n');
    s
}
