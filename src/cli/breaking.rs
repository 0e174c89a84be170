//! `msgpact breaking`: compare the contracts with an earlier version (a git ref or a directory), or with
//! every released version (`--transitive`), and report each breaking change with its rollout order.
//! Exit 0 compatible (warnings allowed), 1 breaking, 2 invalid input (bad contracts, bad ref, corrupt or
//! missing earlier version).
use super::*;
use crate::breaking::{self, Mode, Report};
use crate::report::breaking as report;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ModeArg {
    /// New readers must read old data (report what breaks backward compatibility).
    Backward,
    /// Old readers must read new data (report what breaks forward compatibility).
    Forward,
    /// Both directions.
    Full,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// `path:line:col: RULE_ID message`, with the compatibility it breaks and the rollout order.
    Text,
    /// One JSON document (schema msgpact.breaking/v1, see docs/breaking.md).
    Json,
    /// JUnit XML: one testcase per rule per message, enum and package.
    Junit,
    /// GitHub workflow annotations (`::error file=...,line=...,col=...::RULE_ID message`).
    Github,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    contracts: ContractArgs,
    /// The earlier version: a directory of contracts, or a git ref (tag, branch, commit) whose contracts
    /// directory is read from git without touching the work tree. With --transitive: a directory of
    /// version subdirectories, or the ref whose version tags (vX.Y.Z, PACKAGE/vX.Y.Z) are compared.
    #[arg(long, value_name = "REF|DIR")]
    against: String,
    /// Which compatibility to require: backward (new readers, old data), forward (old readers, new data),
    /// or full (both).
    #[arg(long, value_enum, default_value_t = ModeArg::Full)]
    mode: ModeArg,
    /// Compare with every released version, not only --against itself.
    #[arg(long)]
    transitive: bool,
    /// Output format (findings go to stdout, the summary to stderr).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args) -> i32 {
    let dir = &match args.contracts.dir() {
        Ok(d) => d,
        Err(code) => return code,
    };
    let Some(current) = load_contracts(dir, true) else { return EXIT_INVALID };
    let previous = if args.transitive {
        breaking::load_versions(&args.against, dir)
    } else {
        breaking::load_previous(&args.against, dir).map(|p| vec![p])
    };
    let previous = match previous {
        Ok(p) => p,
        Err(e) => {
            eprint!("{}", crate::redact::redact(&e.render()));
            eprintln!();
            return e.code.exit_code();
        }
    };
    let mode = match args.mode {
        ModeArg::Backward => Mode::Backward,
        ModeArg::Forward => Mode::Forward,
        ModeArg::Full => Mode::Full,
    };
    let report = Report::new(&current, &previous, mode);
    let out = match args.format {
        Format::Text => report::text(&report),
        Format::Json => report::json(&report),
        Format::Junit => report::junit(&report),
        Format::Github => report::github(&report),
    };
    super::out(&out);
    eprintln!("{}", crate::redact::redact(&report::summary(&report)));
    if report.is_compatible() {
        EXIT_PASS
    } else {
        EXIT_FAIL
    }
}
