//! JUnit XML: one testcase per message, case and peer, loadable by CI systems.
use crate::verify::verdict::{Outcome, Verdict};
use crate::verify::{Event, Exchange, Sink};
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
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"msgpact verify\">\n");
        if !self.setup.is_empty() {
            let _ = writeln!(
                s,
                "  <testsuite name=\"setup\" tests=\"{0}\" failures=\"0\" errors=\"{0}\" skipped=\"0\">",
                self.setup.len()
            );
            for (what, message) in &self.setup {
                let _ = writeln!(s, "    <testcase classname=\"setup\" name=\"{}\">\n      <error message=\"{}\">{}</error>\n    </testcase>", esc(what), esc(first_line(message)), esc(message));
            }
            s.push_str("  </testsuite>\n");
        }
        if let Some(cov) = &self.coverage {
            // One testcase per required type (failing when no peer serves it); the types nothing serves or
            // requires are one line, not skipped testcases.
            let n = cov.required_served.len() + cov.required_unserved.len();
            let _ = writeln!(
                s,
                "  <testsuite name=\"required types\" tests=\"{n}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
                cov.required_unserved.len()
            );
            for t in &cov.required_served {
                let _ = writeln!(s, "    <testcase classname=\"required\" name=\"{}\"/>", esc(t));
            }
            for u in &cov.required_unserved {
                let _ = writeln!(
                    s,
                    "    <testcase classname=\"required\" name=\"{}\">\n      <failure type=\"E704\" message=\"{}\">{}: {}\nhint: {}</failure>\n    </testcase>",
                    esc(&u.name),
                    esc(&u.message),
                    esc(&u.location),
                    esc(&u.message),
                    esc(&u.hint)
                );
            }
            if !cov.unserved.is_empty() {
                let _ = writeln!(
                    s,
                    "    <system-out>not exchanged: {} neither required nor served by any peer: {}</system-out>",
                    crate::diag::plural(cov.unserved.len(), "type"),
                    esc(&cov.unserved.join(", "))
                );
            }
            s.push_str("  </testsuite>\n");
        }
        for c in consumers {
            let list: Vec<&Exchange> = self.exchanges.iter().filter(|x| x.consumer == c && !x.reused).collect();
            let failures = list.iter().filter(|x| x.outcome == Outcome::Fail).count();
            let skipped = list.iter().filter(|x| x.outcome == Outcome::Skip).count();
            let time: f64 = list.iter().map(|x| x.duration.as_secs_f64()).sum();
            let _ = writeln!(s, "  <testsuite name=\"peer {}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{time:.3}\">", esc(c), list.len());
            for x in list {
                let name =
                    if x.producer == "golden" { x.case.clone() } else { format!("{} [from {}]", x.case, x.producer) };
                let _ = write!(
                    s,
                    "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.4}\"",
                    esc(&x.message),
                    esc(&name),
                    x.duration.as_secs_f64()
                );
                match x.outcome {
                    Outcome::Pass => s.push_str("/>\n"),
                    Outcome::Skip => {
                        let _ = writeln!(
                            s,
                            ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                            esc(&x.verdict.summary())
                        );
                    }
                    Outcome::Xfail => {
                        let reason = x.expected_failure.clone().unwrap_or_default();
                        let _ = writeln!(s, ">\n      <skipped message=\"expected failure: {}\"/>\n      <system-out>{}</system-out>\n    </testcase>", esc(&reason), esc(&body(x)));
                    }
                    Outcome::Warn => {
                        let _ =
                            writeln!(s, ">\n      <system-out>WARN {}</system-out>\n    </testcase>", esc(&body(x)));
                    }
                    Outcome::Fail => {
                        let _ = writeln!(
                            s,
                            ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                            x.verdict.kind(),
                            esc(&x.verdict.summary()),
                            esc(&body(x))
                        );
                    }
                }
            }
            s.push_str("  </testsuite>\n");
        }
        s.push_str("</testsuites>\n");
        crate::redact::redact(&s).into_owned()
    }
}

fn body(x: &Exchange) -> String {
    let mut s = format!("{}\n{}\n", x.location, x.verdict.summary());
    if let Some(c) = x.class {
        let _ = writeln!(s, "class: {} ({})", c.id(), c.title());
    }
    if let Verdict::SameValue { detail } | Verdict::DifferentValue { detail } = &x.verdict {
        let _ = write!(s, "path: {}\nexpected: {}\nactual: {}\n", detail.path, detail.expected, detail.actual);
    }
    if !x.hint.is_empty() {
        let _ = writeln!(s, "hint: {}", x.hint);
    }
    s
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// XML text and attribute escaping; control characters other than tab and newline are dropped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(ch),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
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
                    eprintln!("{}: error[E702]: cannot write the JUnit report: {e}", self.path.display());
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_xml() {
        assert_eq!(super::esc("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
