//! `--format text|github` of lint, golden --check and verify: GitHub workflow annotations besides the text,
//! at the contract location of each finding (`crate::report::github` writes them).
use crate::contract::Contracts;
use crate::diag::{Diagnostics, Severity};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `path:line:col: error[CODE]: message` lines for people.
    Text,
    /// The same, and a GitHub workflow annotation per finding on stdout
    /// (`::error file=...,line=...,col=...::message`).
    Github,
}

/// One annotation per diagnostic, at its position in the contracts.
pub fn annotate_diags(c: &Contracts, diags: &Diagnostics) {
    let mut out = String::new();
    for d in diags.sorted() {
        let level = if d.severity() == Severity::Error { "error" } else { "warning" };
        let location = d.span.map(|s| c.sources.render(s)).unwrap_or_default();
        let mut message = format!("{} {}", d.code.id(), d.message);
        if !d.hint.is_empty() {
            message.push_str(&format!("\nhint: {}", d.hint));
        }
        out.push_str(&crate::report::github::annotation(level, &location, &message));
        out.push('\n');
    }
    super::out(&out);
}
