//! `msgpact golden`: write golden vectors, or check that they match the contracts.
use super::*;
use crate::golden::{self, store, twin};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    contracts: ContractArgs,
    /// Directory of golden vectors [default: msgpact.toml's, else golden].
    #[arg(long, value_name = "DIR")]
    golden: Option<PathBuf>,
    /// Fail (exit 1) when golden/ differs from what the contracts generate; write nothing. The default.
    #[arg(long, conflicts_with = "write")]
    check: bool,
    /// Write added and changed cases and remove cases that no longer exist.
    #[arg(long)]
    write: bool,
    /// Output format: text, or github (also a GitHub workflow annotation per drifted case, at its example
    /// or field in the contracts, on stdout).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args) -> i32 {
    let start = Instant::now();
    let flags = project::Flags {
        contracts: args.contracts.contracts.as_deref(),
        golden: args.golden.as_deref(),
        ..project::Flags::default()
    };
    let paths = match project::paths(flags, true) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let Some(c) = load_contracts(&paths.contracts, true) else { return EXIT_INVALID };
    let dir = &paths.golden;
    // With the cases `msgpact fuzz --save` kept (golden::saved): they persist while they fit.
    let cases = golden::saved::all(&c, dir);
    let expected = store::expected(&c, &cases);
    if args.write {
        return match store::write(dir, &expected) {
            Ok(d) => {
                list_changes(dir, &d);
                for k in &d.leftovers {
                    eprintln!("  removed  {}/{k} (left by an interrupted `golden --write`)", dir.display());
                }
                eprintln!(
                    "golden: wrote {} case(s): {} added, {} changed, {} removed; {} unchanged ({:.0?})",
                    d.added.len() + d.changed.len(),
                    d.added.len(),
                    d.changed.len(),
                    d.removed.len(),
                    expected.len() - d.added.len() - d.changed.len(),
                    start.elapsed()
                );
                EXIT_PASS
            }
            Err(e) => fail(&Diagnostic::at(
                Code::WriteFailed,
                dir.display(),
                format!("cannot write golden files: {e}"),
                "check permissions and free space; files already written are complete",
            )),
        };
    }
    let drift = match store::check(dir, &expected) {
        Ok(d) => d,
        Err(e) => {
            return fail(&Diagnostic::at(
                Code::Io,
                dir.display(),
                format!("cannot read golden files: {e}"),
                "run from the repository root, or pass --golden DIR",
            ))
        }
    };
    for k in &drift.pending {
        eprintln!("  pending  {}/{k}.snap.new (left by cargo test for review)", dir.display());
    }
    for k in &drift.leftovers {
        eprintln!("  leftover {}/{k} (a temporary file of an interrupted `golden --write`)", dir.display());
    }
    if drift.is_clean() && !drift.leftovers.is_empty() {
        eprintln!(
            "golden: FAILED, the {} cases match, but {} holds {} temporary file(s) of an interrupted write\n  hint: `msgpact golden --write` removes them",
            expected.len(),
            dir.display(),
            drift.leftovers.len()
        );
        return EXIT_FAIL;
    }
    if drift.is_clean() {
        eprintln!(
            "golden: ok, {} cases of {} messages match {} ({:.0?})",
            expected.len(),
            c.message_ids().count(),
            dir.display(),
            start.elapsed()
        );
        return EXIT_PASS;
    }
    // A few diffs say what kind of change it is; the rest are listed (cargo insta review shows them all).
    const DIFFS: usize = 3;
    let (shown, rest) = drift.changed.split_at(drift.changed.len().min(DIFFS));
    for k in shown {
        eprintln!("  changed  {}/{k}", dir.display());
        if let Some(e) = expected.iter().find(|e| &e.key == k) {
            let old = std::fs::read_to_string(dir.join(format!("{k}.snap"))).unwrap_or_default();
            let old_body = twin::snap_body(&old).unwrap_or("");
            let new_body = twin::snap_body(&e.snap).unwrap_or("");
            for line in crate::golden::diff::lines(old_body, new_body, 12) {
                eprintln!("      {line}");
            }
        }
    }
    list_changes(dir, &store::Drift { changed: rest.to_vec(), ..drift.clone() });
    if args.format == Format::Github {
        annotate_drift(&c, &cases, &expected, &drift);
    }
    eprintln!(
        "golden: FAILED, {} changed, {} added, {} removed in {}\n  hint: review the changes with `cargo test` then `cargo insta review`, or accept them all with `msgpact golden --write`",
        drift.changed.len(),
        drift.added.len(),
        drift.removed.len(),
        dir.display()
    );
    EXIT_FAIL
}

/// One line per added or removed case; per message when there are many (a new message adds dozens).
fn list_changes(dir: &Path, d: &store::Drift) {
    for (label, keys) in [("added", &d.added), ("changed", &d.changed), ("removed", &d.removed)] {
        if keys.len() <= 20 {
            for k in keys {
                eprintln!("  {label:<8} {}/{k}", dir.display());
            }
            continue;
        }
        let mut per_message: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for k in keys {
            *per_message.entry(k.rsplit_once('/').map_or(k.as_str(), |(m, _)| m)).or_default() += 1;
        }
        for (m, n) in per_message {
            eprintln!("  {label:<8} {}/{m}/ ({n} cases)", dir.display());
        }
    }
}

/// One annotation per drifted case, at the example or field of the contracts it comes from (the message for
/// a removed case, when it still exists).
fn annotate_drift(c: &Contracts, cases: &[golden::Case], expected: &[store::Expected], d: &store::Drift) {
    let mut out = String::new();
    for (label, keys) in [("changed", &d.changed), ("added", &d.added), ("removed", &d.removed)] {
        for k in keys {
            let span = match expected.iter().position(|e| &e.key == k) {
                Some(i) => Some(match cases[i].origin {
                    golden::Origin::Example(span) => span,
                    golden::Origin::Edge { field } | golden::Origin::Reject { field: Some(field), .. } => {
                        c.message(cases[i].message).fields[field].span
                    }
                    golden::Origin::Reject { field: None, .. } => c.message(cases[i].message).span,
                    golden::Origin::Drawn => c.message(cases[i].message).span,
                }),
                None => k
                    .rsplit_once('/')
                    .and_then(|(m, _)| c.find_message(&m.replacen('/', ".", 1)).ok())
                    .map(|id| c.message(id).span),
            };
            let location = span.map(|s| c.sources.render(s)).unwrap_or_default();
            let message = format!(
                "{} golden case {k} {label}: review with `cargo insta review`, or accept with `msgpact golden --write`",
                crate::diag::Code::GoldenDrift.id()
            );
            out.push_str(&crate::report::github::annotation("error", &location, &message));
            out.push('\n');
        }
    }
    super::out(&out);
}
