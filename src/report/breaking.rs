//! The findings as people and tools read them: text, JSON (schema below and in docs/breaking.md), JUnit
//! (one testcase per rule per message, enum and package) and GitHub workflow annotations.
use crate::breaking::rules::{Level, RULES};
use crate::breaking::{Comparison, Finding, Location, Origin, Report, Side};
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// The JSON schema's name and version; bumped on any incompatible change of the JSON output.
pub const JSON_SCHEMA: &str = "msgpact.breaking/v1";

/// `path:line:col: RULE_ID message`, then the compatibility it breaks and the rollout order.
pub fn text(report: &Report) -> String {
    let many = report.comparisons.len() > 1;
    let mut out = String::new();
    for f in report.findings() {
        let warn = if f.is_error() { "" } else { "warning: " };
        let against = if many { format!(" [against {}]", f.against) } else { String::new() };
        let _ = writeln!(out, "{}: {} {warn}{}{against}", f.location, f.rule.id(), f.message);
        if f.is_error() {
            let _ = writeln!(out, "  breaks: {}", f.info().breaks.describe());
        }
        let _ = writeln!(out, "  rollout: {}", f.rule.rollout());
    }
    out
}

/// One line for the end of a run: compatible or not, how many findings, against what.
pub fn summary(report: &Report) -> String {
    let against: Vec<&str> = report.comparisons.iter().map(|c| c.against.label.as_str()).collect();
    let verdict = if report.is_compatible() { "compatible" } else { "BREAKING" };
    format!(
        "breaking: {verdict} (mode {}) against {}: {}, {}",
        report.mode.id(),
        if against.is_empty() { "nothing".to_string() } else { against.join(", ") },
        crate::diag::plural(report.errors(), "breaking change"),
        crate::diag::plural(report.warnings(), "warning")
    )
}

fn location_json(l: &Location) -> Value {
    json!({"file": l.path, "line": l.line, "col": l.col})
}

/// One finding as JSON.
pub fn finding_json(f: &Finding) -> Value {
    let info = f.info();
    json!({
        "rule": info.id,
        "level": if info.level == Level::Error { "error" } else { "warning" },
        "breaks": info.breaks.id(),
        "backward": info.breaks.backward(),
        "forward": info.breaks.forward(),
        "rollout": f.rule.rollout(),
        "message": f.message,
        "file": f.location.path,
        "line": f.location.line,
        "col": f.location.col,
        "side": match f.location.side { Side::Current => "current", Side::Previous => "previous" },
        "anchor": f.anchor.as_ref().map(location_json),
        "package": f.package,
        "subject": f.subject,
        "field": f.field,
        "against": f.against,
    })
}

fn against_json(c: &Comparison) -> Value {
    let t = &c.against;
    let (origin, commit, path) = match &t.origin {
        Origin::Git { commit, .. } => ("git", Some(commit.clone()), None),
        Origin::Dir(p) => ("dir", None, Some(p.display().to_string())),
    };
    json!({
        "label": t.label,
        "origin": origin,
        "commit": commit,
        "path": path,
        "package": t.package,
        "version": t.version.map(|v| v.to_string()),
        "errors": c.findings.iter().filter(|f| f.is_error()).count(),
        "warnings": c.findings.iter().filter(|f| !f.is_error()).count(),
    })
}

/// The whole report as JSON (pretty-printed, keys sorted).
pub fn json(report: &Report) -> String {
    let v = json!({
        "schema": JSON_SCHEMA,
        "mode": report.mode.id(),
        "compatible": report.is_compatible(),
        "errors": report.errors(),
        "warnings": report.warnings(),
        "against": report.comparisons.iter().map(against_json).collect::<Vec<_>>(),
        "findings": report.findings().map(finding_json).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values serialize");
    s.push('\n');
    s
}

/// JUnit XML (quick-junit, like verify's report): a testsuite per earlier version, a testcase per rule (of
/// the mode) per message, enum and package; a testcase fails with its findings. Warnings go to the
/// testcase's system-out.
pub fn junit(report: &Report) -> String {
    let mut out = quick_junit::Report::new(format!("msgpact breaking (mode {})", report.mode.id()));
    for c in &report.comparisons {
        let mut suite = TestSuite::new(format!("msgpact breaking against {}", c.against.label));
        for (scope, subject) in &c.subjects {
            for rule in RULES.iter().filter(|r| r.scope == *scope && r.breaks.in_mode(report.mode)) {
                let found: Vec<&Finding> =
                    c.findings.iter().filter(|f| f.rule == rule.rule && &f.subject == subject).collect();
                let body: String = found
                    .iter()
                    .map(|f| format!("{}: {} {}\nrollout: {}\n", f.location, f.rule.id(), f.message, f.rule.rollout()))
                    .collect();
                let status = match found.first() {
                    Some(first) if rule.level == Level::Error => {
                        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                        s.set_type(rule.id).set_message(first.message.as_str()).set_description(body.as_str());
                        s
                    }
                    _ => TestCaseStatus::success(),
                };
                let mut case = TestCase::new(rule.id, status);
                case.set_classname(subject.as_str());
                if !found.is_empty() && rule.level != Level::Error {
                    case.set_system_out(body);
                }
                suite.add_test_case(case);
            }
        }
        out.add_test_suite(suite);
    }
    out.to_string().unwrap_or_default()
}

/// Escapes workflow command data (`%`, CR, LF).
fn gh_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command property (also `:` and `,`).
fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub workflow annotations: `::error file=...,line=...,col=...::RULE_ID message`. Findings located in
/// the previous version point at their anchor in the work tree and name the old position in the message.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings() {
        let cmd = if f.is_error() { "error" } else { "warning" };
        let old = match f.location.side {
            Side::Previous => format!(" (was at {})", f.location),
            Side::Current => String::new(),
        };
        let msg = gh_data(&format!("{} {}{old}. Rollout: {}", f.rule.id(), f.message, f.rule.rollout()));
        match f.work_tree_location() {
            Some(l) => {
                let _ = writeln!(out, "::{cmd} file={},line={},col={}::{msg}", gh_prop(&l.path), l.line, l.col);
            }
            None => {
                let _ = writeln!(out, "::{cmd}::{msg}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes() {
        assert_eq!(gh_prop("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(gh_data("x\ny"), "x%0Ay");
    }
}
