//! The rule table of docs/breaking.md, generated from the registry. `tests/breaking/docs.rs` fails when
//! the file differs and rewrites it with `MSGPACT_UPDATE_DOCS=1`.
use super::rules::{Breaks, Level, RULES};

/// Marks the start of the generated table in docs/breaking.md.
pub const BEGIN: &str =
    "<!-- rules:begin (generated from src/breaking/rules.rs by tests/breaking/docs.rs; do not edit) -->";
/// Marks its end.
pub const END: &str = "<!-- rules:end -->";

/// The Markdown table: ID, purpose, which compatibility it breaks, rollout and fix.
pub fn rules_table() -> String {
    let mut out = String::from(
        "| Rule | Purpose | Breaks backward (new readers, old data) | Breaks forward (old readers, new data) | Rollout | Fix |\n|---|---|---|---|---|---|\n",
    );
    for r in RULES {
        let (bw, fw, rollout) = match r.breaks {
            Breaks::Backward => ("yes", "no", "deploy writers first"),
            Breaks::Forward => ("no", "yes", "deploy readers first"),
            Breaks::Both => ("yes", "yes", "cannot be rolled out safely"),
            Breaks::Source => ("no (bytes unchanged)", "no (bytes unchanged)", "any order; regenerate code everywhere"),
            Breaks::Version => ("-", "-", "-"),
        };
        let level = if r.level == Level::Warning { " (warning)" } else { "" };
        out.push_str(&format!(
            "| `{}`{level} | {} | {bw} | {fw} | {rollout} | {} |\n",
            r.id,
            cell(r.purpose),
            cell(r.fix)
        ));
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// `doc` with the text between [`BEGIN`] and [`END`] replaced by the current table; `None` when the
/// markers are missing.
pub fn update(doc: &str) -> Option<String> {
    let start = doc.find(BEGIN)? + BEGIN.len();
    let end = start + doc[start..].find(END)?;
    Some(format!("{}\n{}{}", &doc[..start], rules_table(), &doc[end..]))
}
