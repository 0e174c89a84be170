//! The terminal view: progress as it happens, then the matrices, the failures and one summary line.
use crate::diag::{Code, Diagnostic};
use crate::verify::verdict::{Outcome, Verdict};
use crate::verify::SetupError;
use crate::verify::{Event, Exchange, Sink, Summary};
use comfy_table::presets::NOTHING;
use comfy_table::{CellAlignment, ContentArrangement, Table};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

pub struct Terminal<W: Write> {
    out: W,
    exchanges: Vec<Exchange>,
    peers: Vec<String>,
    cases_per_message: BTreeMap<String, usize>,
    stale: Vec<String>,
    /// Required types no peer serves (E704), and the types nothing serves or requires.
    coverage: Option<crate::verify::coverage::Coverage>,
    /// At most this many failures are printed in full.
    pub max_failures: usize,
}

impl<W: Write> Terminal<W> {
    pub fn new(out: W) -> Self {
        Terminal {
            out,
            exchanges: Vec::new(),
            peers: Vec::new(),
            cases_per_message: BTreeMap::new(),
            stale: Vec::new(),
            coverage: None,
            max_failures: 25,
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    /// Where the view writes (for views built on this one, such as fuzz's).
    pub fn out_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Every line the terminal view prints passes through the one redaction of secrets.
    fn line(&mut self, s: &str) {
        let _ = writeln!(self.out, "{}", crate::redact::redact(s));
    }
}

impl<W: Write> Sink for Terminal<W> {
    fn event(&mut self, e: &Event) {
        match e {
            Event::Planned { messages, cases, rejects, peers, prefix, manifests } => {
                self.peers = peers.clone();
                let rejects = if *rejects > 0 { format!(" ({rejects} must-reject)") } else { String::new() };
                self.line(&format!(
                    "verify: {messages} messages, {cases} cases{rejects}, peers: {} (subjects {prefix}.*)",
                    peers.join(", ")
                ));
                self.line(&format!("verify: runs the build and run commands of {}", manifests_line(manifests)));
            }
            Event::SetupError { what, message, hint } => {
                let e = SetupError { what: what.clone(), message: message.clone(), hint: hint.clone() };
                self.line(&Diagnostic::from(&e).render_plain());
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
                let d = Diagnostic::without_span(
                    Code::GoldenDrift,
                    format!(
                        "golden vectors differ from the contracts ({} changed, {} added, {} removed)",
                        changed.len(),
                        added.len(),
                        removed.len()
                    ),
                    "review with `cargo test` then `cargo insta review`, or accept with `msgpact golden --write`; \
                     verify runs on reviewed vectors only",
                );
                self.line(&d.render_plain());
            }
            Event::NatsReady { backend, reason, url, startup } => {
                self.line(&format!("nats: {backend} at {url}, ready in {:.2} s ({reason})", startup.as_secs_f64()));
            }
            Event::PeerBuilt { peer, cached, duration, .. } => {
                if *cached {
                    self.line(&format!("peer {peer}: build cached"));
                } else {
                    self.line(&format!("peer {peer}: built in {:.1} s", duration.as_secs_f64()));
                }
            }
            Event::PeerReady { peer, hello, startup } => {
                let nats = if hello.nats_library.is_empty() {
                    String::new()
                } else {
                    format!(", {} {}", hello.nats_library, hello.nats_library_version)
                };
                self.line(&format!(
                    "peer {peer}: ready in {:.2} s: {} {}{nats}, {} types",
                    startup.as_secs_f64(),
                    hello.language,
                    hello.library_line(),
                    hello.types.len()
                ));
            }
            Event::PeerRestarted { peer, reason } => self.line(&format!("peer {peer}: restarted ({reason})")),
            Event::StaleExpectedFailure { peer, file, line, message, case, removed, command } => {
                if *removed {
                    self.line(&format!(
                        "{file}:{line}: removed {message} {case} from peer {peer}'s expected failures: it passes now"
                    ));
                } else {
                    let d = Diagnostic::at(
                        Code::StaleExpectedFailure,
                        format!("{file}:{line}"),
                        format!("{message} {case} is listed as an expected failure of peer {peer}, but it passes now"),
                        format!("remove it (`{command}` does)"),
                    );
                    self.stale.push(d.render_plain());
                }
            }
            Event::BatchDone { peer, phase, exchanges, elapsed } => {
                let what = if *phase == 1 { "golden vectors" } else { "other peers' outputs" };
                let rate = *exchanges as f64 / elapsed.as_secs_f64().max(1e-9);
                self.line(&format!("peer {peer}: {exchanges} {what} in {:.2} s ({rate:.0}/s)", elapsed.as_secs_f64()));
            }
            Event::Coverage(c) => self.coverage = Some(c.clone()),
            // Drawn by the progress view (report::progress).
            Event::Progress(_) => return,
            Event::Exchange(x) => {
                if x.producer == "golden" && x.reject.is_none() {
                    *self.cases_per_message.entry(x.message.clone()).or_default() +=
                        usize::from(x.consumer == self.peers.first().cloned().unwrap_or_default());
                }
                self.exchanges.push(x.clone());
            }
            Event::Finished(sum) => {
                let text = self.finish(sum);
                let _ = write!(self.out, "{}", crate::redact::redact(&text));
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
            s.push_str(&self.strictness_matrix());
            s.push_str(&self.peer_matrix());
            s.push_str(&self.failures());
        }
        for st in &self.stale {
            let _ = writeln!(s, "{st}\n");
        }
        if let Some(c) = &self.coverage {
            for u in &c.required_unserved {
                let d =
                    crate::diag::Diagnostic::at(crate::diag::Code::RequiredNotServed, &u.location, &u.message, &u.hint);
                let _ = writeln!(s, "{}\n", d.render_plain());
            }
            if !c.unserved.is_empty() {
                let _ = writeln!(
                    s,
                    "verify: not exchanged: {} neither required nor served by any peer: {}",
                    crate::diag::plural(c.unserved.len(), "type"),
                    c.unserved.join(", ")
                );
            }
        }
        let status = match sum.exit_code {
            0 => "ok".to_string(),
            1 => "FAILED".to_string(),
            _ => "ERROR".to_string(),
        };
        let mut counts = format!(
            "{} exchanges: {} passed, {} failed, {} warned, {} skipped",
            sum.exchanges, sum.passed, sum.failed, sum.warned, sum.skipped
        );
        if sum.xfailed > 0 {
            let _ = write!(counts, ", {} expected failures", sum.xfailed);
        }
        if sum.stale > 0 {
            let _ = write!(counts, "; {} stale expected failure(s)", sum.stale);
        }
        if sum.required_unserved > 0 {
            let _ =
                write!(counts, "; {} served by no peer", crate::diag::plural(sum.required_unserved, "required type"));
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
        let mut others: Vec<&str> = self
            .exchanges
            .iter()
            .map(|x| x.producer.as_str())
            .filter(|p| *p != "golden" && !self.peers.iter().any(|q| q == p))
            .collect();
        others.sort();
        others.dedup();
        for p in others {
            s.push_str(&self.matrix_from(p));
        }
        s
    }

    /// Per message type and peer: the exchanges whose payloads came from `producer`.
    fn matrix_from(&self, producer: &str) -> String {
        let mut header = vec![format!("{producer} -> peer"), "cases".to_string()];
        header.extend(self.peers.iter().cloned());
        let mut rows = Vec::new();
        for m in self.cases_per_message.keys() {
            let cases: std::collections::BTreeSet<&str> = self
                .exchanges
                .iter()
                .filter(|x| x.producer == producer && &x.message == m && x.reject.is_none())
                .map(|x| x.case.as_str())
                .collect();
            if cases.is_empty() {
                continue;
            }
            let mut row = vec![m.clone(), cases.len().to_string()];
            for p in &self.peers {
                let list: Vec<&Exchange> = self
                    .exchanges
                    .iter()
                    .filter(|x| x.producer == producer && &x.consumer == p && &x.message == m && x.reject.is_none())
                    .collect();
                row.push(Self::cell(&list));
            }
            rows.push(row);
        }
        matrix(header, rows, Some(1))
    }

    /// The strictness matrix ([`super::strictness::table`]).
    fn strictness_matrix(&self) -> String {
        super::strictness::table(&self.exchanges, &self.peers).map_or(String::new(), |(h, r)| matrix(h, r, Some(1)))
    }

    fn peer_matrix(&self) -> String {
        let mut header = vec!["producer -> consumer".to_string()];
        header.extend(self.peers.iter().cloned());
        let mut rows = Vec::new();
        for producer in &self.peers {
            let mut row = vec![format!("{producer} ->")];
            for consumer in &self.peers {
                let list: Vec<&Exchange> =
                    self.exchanges.iter().filter(|x| &x.producer == producer && &x.consumer == consumer).collect();
                row.push(Self::cell(&list));
            }
            rows.push(row);
        }
        matrix(header, rows, None)
    }

    /// The failures, one group per distinct problem: exchanges of the same peers, message type, class, field
    /// and hint are one bug seen in several cases, so the first is shown in full and the others by case id.
    fn failures(&self) -> String {
        let bad: Vec<&Exchange> =
            self.exchanges.iter().filter(|x| !x.reused && matches!(x.outcome, Outcome::Fail | Outcome::Warn)).collect();
        if bad.is_empty() {
            return "\n".into();
        }
        let groups = group_failures(&bad);
        let mut s = String::from("\n");
        for group in groups.iter().take(self.max_failures) {
            s.push_str(&render_exchange(group[0]));
            if group.len() > 1 {
                s.pop();
                let shown: Vec<&str> = group[1..].iter().take(MORE_CASES_SHOWN).map(|x| x.case.as_str()).collect();
                let rest = if group.len() - 1 > shown.len() {
                    format!(", … ({} in all)", group.len())
                } else {
                    String::new()
                };
                let _ = writeln!(s, "     the same in {} more case(s): {}{rest}\n", group.len() - 1, shown.join(", "));
            }
        }
        if groups.len() > self.max_failures {
            let more: usize = groups[self.max_failures..].iter().map(Vec::len).sum();
            let _ = writeln!(
                s,
                "… and {} more problem(s) in {more} exchange(s) (all of them are in --json and --junit)\n",
                groups.len() - self.max_failures
            );
        }
        s
    }
}

/// A matrix laid out by comfy-table: columns as wide as their longest cell (a peer named
/// `mutant-go-fixed-ints` widens its column, it does not push the others), two spaces between columns, the
/// counts (column `right`) right-aligned; preceded by an empty line.
fn matrix(header: Vec<String>, rows: Vec<Vec<String>>, right: Option<usize>) -> String {
    let mut t = Table::new();
    t.load_style(NOTHING).set_content_arrangement(ContentArrangement::Disabled).set_header(header).add_rows(rows);
    for (i, col) in t.column_iter_mut().enumerate() {
        col.set_padding((0, 2));
        if Some(i) == right {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!("\n{}\n", t.trim_fmt())
}

/// `/h/{go,rust}/peer.toml` for manifests in one directory, else the paths separated by commas.
fn manifests_line(manifests: &[String]) -> String {
    let split: Vec<(&str, &str)> =
        manifests.iter().filter_map(|m| m.strip_suffix("/peer.toml")).filter_map(|d| d.rsplit_once('/')).collect();
    match split.first() {
        Some((parent, _)) if split.len() == manifests.len() && split.iter().all(|(p, _)| p == parent) => {
            let names: Vec<&str> = split.iter().map(|(_, n)| *n).collect();
            if names.len() == 1 {
                format!("{parent}/{}/peer.toml", names[0])
            } else {
                format!("{parent}/{{{}}}/peer.toml", names.join(","))
            }
        }
        _ => manifests.join(", "),
    }
}

/// Case ids listed after a group's first failure.
const MORE_CASES_SHOWN: usize = 8;

/// Failed and warned exchanges grouped by distinct problem, in the order of each group's first exchange.
fn group_failures<'a>(bad: &[&'a Exchange]) -> Vec<Vec<&'a Exchange>> {
    let mut groups: Vec<Vec<&Exchange>> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for x in bad {
        let key = match (&x.verdict, x.verdict.detail()) {
            // One kind of must-reject payload accepted is one gap of the peer, whatever the field.
            (Verdict::AcceptsInvalid { reject, .. }, _) => {
                format!("{:?}\u{1f}{}\u{1f}{}\u{1f}{}", x.outcome, x.consumer, x.message, reject.id())
            }
            (_, Some(d)) => format!(
                "{:?}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                x.outcome,
                x.producer,
                x.consumer,
                x.message,
                x.class,
                x.verdict.kind(),
                x.location,
                d.path,
                x.hint
            ),
            // An error is one problem however many cases (and so contract lines) it came with.
            (_, None) => format!(
                "{}\u{1f}{:?}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{}",
                x.reject.is_some(),
                x.outcome,
                x.producer,
                x.consumer,
                x.message,
                x.class,
                x.verdict.summary()
            ),
        };
        match index.get(&key) {
            Some(&i) => groups[i].push(x),
            None => {
                index.insert(key, groups.len());
                groups.push(vec![x]);
            }
        }
    }
    // The golden and matrix findings first: the must-reject ones are summed up by the strictness matrix.
    groups.sort_by_key(|g| g[0].reject.is_some());
    groups
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
            for a in &detail.also {
                let _ = writeln!(s, "     also      {} [{}]: {}", a.path, a.class.id(), a.note);
            }
        }
        Verdict::AcceptsInvalid { decoded, output, .. } => {
            let _ = writeln!(s, "     decoded   {decoded}");
            let _ = writeln!(s, "     wrote     {output}");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classes::Class;
    use std::time::Duration;

    fn decode_failure(case: &str, error: &str) -> Exchange {
        Exchange {
            producer: "golden".into(),
            consumer: "go".into(),
            message: "chat.ChatRequest".into(),
            case: case.into(),
            verdict: Verdict::DecodeError { error: error.into() },
            class: Some(Class::FieldName),
            hint: "tag the struct field `msgpack:\"user_id\"`".into(),
            outcome: Outcome::Fail,
            expected_failure: None,
            location: "contracts/chat.yaml:30:9".into(),
            duration: Duration::ZERO,
            reused: false,
            reject: None,
        }
    }

    fn failures_of(xs: Vec<Exchange>) -> String {
        let mut t = Terminal::new(Vec::new());
        t.exchanges = xs;
        t.failures()
    }

    #[test]
    fn one_bug_in_many_cases_is_shown_once_with_the_other_case_ids() {
        let cases = ["example.minimal", "example.with-audio", "edge.text.len-0"];
        let out = failures_of(cases.iter().map(|c| decode_failure(c, "$.userId: required field is missing")).collect());
        assert_eq!(out.matches("FAIL go chat.ChatRequest").count(), 1, "{out}");
        assert!(out.contains("FAIL go chat.ChatRequest example.minimal (golden -> go) [field-name]"), "{out}");
        assert!(out.contains("the same in 2 more case(s): example.with-audio, edge.text.len-0\n"), "{out}");
        assert_eq!(out.matches("hint:").count(), 1, "{out}");
    }

    #[test]
    fn different_problems_stay_apart_and_long_groups_say_their_size() {
        let mut xs: Vec<Exchange> =
            (0..12).map(|i| decode_failure(&format!("edge.n.{i}"), "$.userId: required field is missing")).collect();
        xs.push(decode_failure("example.other", "$.text: expected str, got bin"));
        let out = failures_of(xs);
        assert_eq!(out.matches("FAIL go chat.ChatRequest").count(), 2, "{out}");
        assert!(out.contains("the same in 11 more case(s): edge.n.1, edge.n.2, edge.n.3, edge.n.4, edge.n.5, edge.n.6, edge.n.7, edge.n.8, … (12 in all)"), "{out}");
        assert!(out.contains("FAIL go chat.ChatRequest example.other"), "{out}");
    }

    #[test]
    fn matrix_columns_fit_long_peer_names() {
        let mut t = Terminal::new(Vec::new());
        t.peers = vec!["go".into(), "mutant-go-fixed-ints".into(), "rust".into()];
        t.cases_per_message.insert("chat.ChatRequest".into(), 1);
        for (i, p) in t.peers.clone().iter().enumerate() {
            let mut x = decode_failure("example.minimal", "x");
            x.consumer = p.clone();
            if i != 1 {
                x.outcome = Outcome::Pass;
                x.verdict = Verdict::Identical;
            }
            t.exchanges.push(x);
        }
        let out = t.matrix_from("golden");
        let lines: Vec<&str> = out.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 2, "{out}");
        // every column starts at the same offset in the header and the row
        for (peer, cell) in [("go", "ok 1"), ("mutant-go-fixed-ints", "FAIL 1/1"), ("rust", "ok 1")] {
            let col = lines[0].find(&format!("  {peer}")).unwrap() + 2;
            let row_rest = &lines[1][col..];
            assert!(row_rest.starts_with(cell), "column of {peer}:\n{out}");
        }
        assert!(lines[1].contains("chat.ChatRequest"), "{out}");
        assert!(lines[0].ends_with("rust"), "no trailing spaces: {out:?}");
    }

    /// Issue 15 part 4: one exception raised on every case is one problem, whatever contract line each case
    /// was located at.
    #[test]
    fn one_error_in_many_cases_at_other_lines_is_one_problem() {
        let xs = (0..10)
            .map(|i| {
                let mut x =
                    decode_failure(&format!("edge.f{i}.x"), "TypeError: can not serialize 'datetime.datetime' object");
                x.location = format!("contracts/chat.yaml:{}:9", 20 + i);
                x
            })
            .collect();
        let out = failures_of(xs);
        assert_eq!(out.matches("FAIL go").count(), 1, "{out}");
        assert!(out.contains("the same in 9 more case(s)"), "{out}");
    }

    /// Must-reject findings come after the others and one kind is one problem, whatever the field.
    #[test]
    fn accepted_invalid_payloads_are_grouped_per_kind_after_the_other_problems() {
        let accepted = |case: &str, field: &str| {
            let mut x = decode_failure(case, "");
            x.verdict = Verdict::AcceptsInvalid {
                reject: crate::classes::RejectKind::MissingKey,
                why: format!("the required key `{field}` is absent"),
                decoded: "{}".into(),
                output: "80".into(),
            };
            x.class = Some(Class::AcceptsInvalid);
            x.hint = format!("check `{field}`");
            x.location = format!("contracts/chat.yaml:{}:9", field.len());
            x.reject = Some(crate::classes::RejectKind::MissingKey);
            x
        };
        let out = failures_of(vec![
            accepted("reject.missing-key.user_id", "user_id"),
            accepted("reject.missing-key.text", "text"),
            decode_failure("example.minimal", "$.userId: required field is missing"),
        ]);
        let first = out.find("FAIL go chat.ChatRequest example.minimal").unwrap();
        let second = out.find("FAIL go chat.ChatRequest reject.missing-key.user_id").unwrap();
        assert!(first < second, "{out}");
        assert!(out.contains("     decoded   {}\n     wrote     80\n"), "{out}");
        assert!(out.contains("the same in 1 more case(s): reject.missing-key.text"), "{out}");
    }

    #[test]
    fn beyond_the_limit_the_remaining_problems_are_counted() {
        let mut t = Terminal::new(Vec::new());
        t.max_failures = 1;
        t.exchanges = vec![
            decode_failure("a", "one"),
            decode_failure("b", "one"),
            decode_failure("c", "two"),
            decode_failure("d", "three"),
        ];
        let out = t.failures();
        assert!(out.contains("… and 2 more problem(s) in 2 exchange(s)"), "{out}");
    }
}
