//! JUnit XML: one testcase per message, case and peer, loadable by CI systems. The XML is quick-junit's
//! (nextest's writer), so its escaping is the same as breaking's report (`report::breaking`).
use crate::diag::{Code, Diagnostic};
use crate::verify::verdict::{Outcome, Verdict};
use crate::verify::{Event, Exchange, Sink};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::fmt::Write;
use std::path::PathBuf;

pub struct Junit {
    path: PathBuf,
    exchanges: Vec<Exchange>,
    setup: Vec<(String, String)>,
    coverage: Option<crate::verify::coverage::Coverage>,
}

impl Junit {
    pub fn new(path: PathBuf) -> Self {
        Junit { path, exchanges: Vec::new(), setup: Vec::new(), coverage: None }
    }

    pub fn render(&self) -> String {
        let mut consumers: Vec<&str> = self.exchanges.iter().map(|x| x.consumer.as_str()).collect();
        consumers.sort();
        consumers.dedup();
        let mut report = Report::new("msgpact verify");
        if !self.setup.is_empty() {
            let mut suite = TestSuite::new("setup");
            for (what, message) in &self.setup {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                status.set_message(first_line(message)).set_description(message.as_str());
                let mut case = TestCase::new(what.as_str(), status);
                case.set_classname("setup");
                suite.add_test_case(case);
            }
            report.add_test_suite(suite);
        }
        let cells = super::strictness::cells(&self.exchanges);
        if !cells.is_empty() {
            let mut suite = TestSuite::new("strictness");
            for cell in &cells {
                suite.add_test_case(strictness_case(cell));
            }
            report.add_test_suite(suite);
        }
        if let Some(cov) = &self.coverage {
            // One testcase per required type (failing when no peer serves it); the types nothing serves or
            // requires are one line of the suite's output, not skipped testcases.
            if !cov.required_served.is_empty() || !cov.required_unserved.is_empty() || !cov.unserved.is_empty() {
                let mut suite = TestSuite::new("required types");
                for t in &cov.required_served {
                    let mut case = TestCase::new(t.as_str(), TestCaseStatus::success());
                    case.set_classname("required");
                    suite.add_test_case(case);
                }
                for u in &cov.required_unserved {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    status
                        .set_type(Code::RequiredNotServed.id())
                        .set_message(u.message.as_str())
                        .set_description(format!("{}: {}\nhint: {}", u.location, u.message, u.hint));
                    let mut case = TestCase::new(u.name.as_str(), status);
                    case.set_classname("required");
                    suite.add_test_case(case);
                }
                if !cov.unserved.is_empty() {
                    suite.set_system_out(format!(
                        "not exchanged: {} neither required nor served by any peer: {}",
                        crate::diag::plural(cov.unserved.len(), "type"),
                        cov.unserved.join(", ")
                    ));
                }
                report.add_test_suite(suite);
            }
        }
        for c in consumers {
            let list: Vec<&Exchange> = self.exchanges.iter().filter(|x| x.consumer == c && !x.reused).collect();
            let mut suite = TestSuite::new(format!("peer {c}"));
            suite.set_time(list.iter().map(|x| x.duration).sum());
            for x in list {
                suite.add_test_case(test_case(x));
            }
            report.add_test_suite(suite);
        }
        let xml = report.to_string().unwrap_or_default();
        crate::redact::redact(&xml).into_owned()
    }
}

/// One exchange: passed, skipped (not served, or an expected failure), warned (passed, with the warning in
/// its output) or failed.
fn test_case(x: &Exchange) -> TestCase {
    let name = if x.producer == "golden" { x.case.clone() } else { format!("{} [from {}]", x.case, x.producer) };
    let (status, out) = match x.outcome {
        Outcome::Pass => (TestCaseStatus::success(), None),
        Outcome::Warn => (TestCaseStatus::success(), Some(format!("WARN {}", body(x)))),
        Outcome::Skip => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(x.verdict.summary());
            (s, None)
        }
        Outcome::Xfail => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("expected failure: {}", x.expected_failure.clone().unwrap_or_default()));
            (s, Some(body(x)))
        }
        Outcome::Fail => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_type(x.verdict.kind()).set_message(x.verdict.summary()).set_description(body(x));
            (s, None)
        }
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(x.message.as_str()).set_time(x.duration);
    if let Some(out) = out {
        case.set_system_out(out);
    }
    case
}

/// One cell of the strictness matrix: a peer and a kind of must-reject payload; it fails when the peer
/// accepted one and the policy of that kind fails the gate.
fn strictness_case(cell: &super::strictness::Cell) -> TestCase {
    let summary = format!(
        "{} accepted {} of {} must-reject payload(s) of kind {} ({})",
        cell.peer,
        cell.accepted.len(),
        cell.sent,
        cell.kind.id(),
        cell.kind.title()
    );
    let list = cell.accepted.join("\n");
    let status = match cell.outcome {
        Outcome::Fail => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_type("accepts-invalid").set_message(summary.as_str()).set_description(list.as_str());
            s
        }
        Outcome::Xfail => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("expected failure: {summary}"));
            s
        }
        _ => TestCaseStatus::success(),
    };
    let mut case = TestCase::new(format!("{} {}", cell.peer, cell.kind.id()), status);
    case.set_classname("strictness");
    if cell.outcome == Outcome::Warn || (cell.outcome == Outcome::Pass && !cell.accepted.is_empty()) {
        case.set_system_out(format!("{summary}\n{list}"));
    }
    case
}

fn body(x: &Exchange) -> String {
    let mut s = format!("{}\n{}\n", x.location, x.verdict.summary());
    if let Some(c) = x.class {
        let _ = writeln!(s, "class: {} ({})", c.id(), c.title());
    }
    if let Verdict::SameValue { detail } | Verdict::DifferentValue { detail } = &x.verdict {
        let _ = write!(s, "path: {}\nexpected: {}\nactual: {}\n", detail.path, detail.expected, detail.actual);
        for a in &detail.also {
            let _ = writeln!(s, "also: {} [{}]: {}", a.path, a.class.id(), a.note);
        }
    }
    if let Verdict::AcceptsInvalid { decoded, output, .. } = &x.verdict {
        let _ = write!(s, "decoded: {decoded}\nwrote: {output}\n");
    }
    if !x.hint.is_empty() {
        let _ = writeln!(s, "hint: {}", x.hint);
    }
    s
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

impl Sink for Junit {
    fn event(&mut self, e: &Event) {
        match e {
            Event::Exchange(x) => self.exchanges.push(x.clone()),
            Event::Coverage(c) => self.coverage = Some(c.clone()),
            Event::SetupError { what, message, .. } => self.setup.push((what.clone(), message.clone())),
            Event::StaleExpectedFailure { peer, file, line, message, case, removed: false, command } => {
                self.setup.push((
                    format!("peer {peer} expected failures"),
                    format!("{file}:{line}: {message} {case} no longer fails; update the list with `{command}`"),
                ));
            }
            Event::GoldenDrift { changed, added, removed } => {
                self.setup.push((
                    "golden".into(),
                    format!(
                        "golden vectors differ from the contracts: {} changed, {} added, {} removed",
                        changed.len(),
                        added.len(),
                        removed.len()
                    ),
                ));
            }
            Event::Finished(_) => {
                if let Err(e) = super::write_report(&self.path, self.render().as_bytes()) {
                    let at = self.path.display();
                    let d = Diagnostic::at(Code::WriteFailed, at, format!("cannot write the JUnit report: {e}"), "");
                    eprintln!("{}", d.render_plain());
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classes::Class;
    use std::time::Duration;

    fn exchange(outcome: Outcome, verdict: Verdict) -> Exchange {
        Exchange {
            producer: "golden".into(),
            consumer: "mutant-go-fixed-ints".into(),
            message: "chat.ChatRequest".into(),
            case: "example.minimal".into(),
            verdict,
            class: Some(Class::FieldName),
            hint: "tag it <msgpack:\"user_id\">".into(),
            outcome,
            expected_failure: Some("known & accepted".into()),
            location: "contracts/chat.yaml:30:9".into(),
            duration: Duration::from_millis(3),
            reused: false,
            reject: None,
        }
    }

    #[test]
    fn every_outcome_keeps_its_fields_escaped() {
        let mut j = Junit::new("-".into());
        let bad = Verdict::DecodeError { error: "$.user_id: missing\r\u{85}\u{1}field".into() };
        j.exchanges.push(exchange(Outcome::Fail, bad.clone()));
        j.exchanges.push(exchange(Outcome::Xfail, bad));
        j.exchanges.push(exchange(Outcome::Pass, Verdict::Identical));
        j.exchanges.push(exchange(Outcome::Skip, Verdict::NotServed));
        j.setup.push(("peer x".into(), "build failed: <boom>\nline 2".into()));
        let xml = j.render();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"msgpact verify\""));
        assert!(xml.contains("<testsuite name=\"peer mutant-go-fixed-ints\" tests=\"4\""), "{xml}");
        assert!(xml.contains("failures=\"1\""), "{xml}");
        assert!(xml.contains("<failure message=\"decode error: $.user_id: missing"), "{xml}");
        assert!(xml.contains("type=\"decode-error\">contracts/chat.yaml:30:9\n"), "{xml}");
        assert!(xml.contains("class: field-name"), "{xml}");
        assert!(xml.contains("hint: tag it &lt;msgpack:&quot;user_id&quot;&gt;"), "{xml}");
        assert!(xml.contains("message=\"expected failure: known &amp; accepted\""), "{xml}");
        assert!(xml.contains("<skipped message=\"not served by this peer\"/>"), "{xml}");
        assert!(
            xml.contains("<error message=\"build failed: &lt;boom&gt;\">build failed: &lt;boom&gt;\nline 2</error>"),
            "{xml}"
        );
        assert!(!xml.contains('\u{1}'), "control characters are not XML");
    }
}
