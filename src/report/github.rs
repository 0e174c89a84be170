//! GitHub workflow annotations (`::error file=...,line=...,col=...::message`) for every command's findings,
//! so that a CI job shows them at their line of the contracts (or of msgpact.toml).
//!
//! [`Annotations`] is verify's reporter: one annotation per distinct problem (the terminal view's groups),
//! at the contract location of the field or message it is about.
use crate::verify::verdict::Outcome;
use crate::verify::{Event, Exchange, Sink};

/// Escapes workflow command data (`%`, CR, LF).
pub fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command property (also `:` and `,`).
pub fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::LEVEL file=F,line=L,col=C::MESSAGE` for a location `path:line:col` (or `::LEVEL::MESSAGE` when the
/// location has no line).
pub fn annotation(level: &str, location: &str, message: &str) -> String {
    match split_location(location) {
        Some((file, line, col)) => format!("::{level} file={},line={line},col={col}::{}", prop(file), data(message)),
        None => format!("::{level}::{}", data(message)),
    }
}

/// `contracts/chat.yaml:31:9` -> (`contracts/chat.yaml`, 31, 9); a file alone or a line alone also parse.
pub fn split_location(location: &str) -> Option<(&str, u32, u32)> {
    let mut parts = location.rsplitn(3, ':');
    let last = parts.next()?;
    let middle = parts.next();
    let first = parts.next();
    match (first, middle.and_then(|m| m.parse().ok()), last.parse().ok()) {
        (Some(file), Some(line), Some(col)) if !file.is_empty() => Some((file, line, col)),
        _ => None,
    }
}

/// verify's annotations, written to stdout when the run ends.
#[derive(Default)]
pub struct Annotations {
    exchanges: Vec<Exchange>,
    lines: Vec<String>,
}

impl Annotations {
    pub fn new() -> Self {
        Self::default()
    }

    /// The annotations of the run so far.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for l in &self.lines {
            out.push_str(l);
            out.push('\n');
        }
        let bad: Vec<&Exchange> =
            self.exchanges.iter().filter(|x| !x.reused && matches!(x.outcome, Outcome::Fail | Outcome::Warn)).collect();
        // One annotation per distinct problem: same consumer, message, class, location and hint.
        let key = |x: &Exchange| (x.consumer.clone(), x.message.clone(), x.class, x.location.clone(), x.hint.clone());
        let mut groups: Vec<(&Exchange, usize)> = Vec::new();
        for x in &bad {
            match groups.iter_mut().find(|(first, _)| key(first) == key(x)) {
                Some(g) => g.1 += 1,
                None => groups.push((x, 1)),
            }
        }
        for (x, n) in groups {
            let level = if x.outcome == Outcome::Fail { "error" } else { "warning" };
            let class = x.class.map_or(String::new(), |c| format!(" [{}]", c.id()));
            let more = if n > 1 { format!(" (and {} more case(s))", n - 1) } else { String::new() };
            let hint = if x.hint.is_empty() { String::new() } else { format!("\nhint: {}", x.hint) };
            let msg = format!(
                "{} {} {} ({} -> {}){class}: {}{more}{hint}",
                if x.outcome == Outcome::Fail { "FAIL" } else { "WARN" },
                x.message,
                x.case,
                x.producer,
                x.consumer,
                x.verdict.summary()
            );
            out.push_str(&annotation(level, &x.location, &msg));
            out.push('\n');
        }
        out
    }
}

impl Sink for Annotations {
    fn event(&mut self, e: &Event) {
        match e {
            Event::Exchange(x) => self.exchanges.push(x.clone()),
            Event::Coverage(c) => {
                for u in &c.required_unserved {
                    let code = crate::diag::Code::RequiredNotServed.id();
                    self.lines.push(annotation("error", &u.location, &format!("{code} {}\nhint: {}", u.message, u.hint)));
                }
            }
            Event::SetupError { what, message, hint } => {
                let first = message.lines().next().unwrap_or("");
                self.lines.push(annotation("error", first, &format!("{what}: {message}\nhint: {hint}")));
            }
            Event::GoldenDrift { added, removed, changed } => self.lines.push(annotation(
                "error",
                "",
                &format!(
                    "golden vectors differ from the contracts: {} changed, {} added, {} removed; `msgpact golden --check` lists them",
                    changed.len(),
                    added.len(),
                    removed.len()
                ),
            )),
            Event::StaleExpectedFailure { file, line, message, case, removed: false, command, .. } => {
                self.lines.push(annotation(
                    "error",
                    &format!("{file}:{line}:1"),
                    &format!("{message} {case} no longer fails; update the list with `{command}`"),
                ));
            }
            Event::Finished(_) => {
                use std::io::Write;
                let mut stdout = std::io::stdout().lock();
                let _ = stdout.write_all(crate::redact::redact(&self.render()).as_bytes()).and_then(|()| stdout.flush());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_split_and_annotations_escape() {
        assert_eq!(split_location("contracts/chat.yaml:31:9"), Some(("contracts/chat.yaml", 31, 9)));
        assert_eq!(split_location("v1.0.0:contracts/chat.yaml:3:5"), Some(("v1.0.0:contracts/chat.yaml", 3, 5)));
        assert_eq!(split_location("contracts/chat.yaml"), None);
        assert_eq!(split_location(""), None);
        assert_eq!(
            annotation("error", "a,b.yaml:2:3", "x\ny 100%"),
            "::error file=a%2Cb.yaml,line=2,col=3::x%0Ay 100%25"
        );
        assert_eq!(annotation("warning", "", "m"), "::warning::m");
    }
}
