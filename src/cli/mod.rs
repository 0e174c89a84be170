//! The `msgpact` command line: one subcommand per file, all sharing exit codes and contract loading.
//!
//! Exit codes: 0 pass, 1 contract failures (golden drift, peers disagree, breaking changes), 2 invalid input
//! or setup (bad contracts, bad arguments, NATS or a peer cannot start).
mod breaking;
mod codegen;
mod contracts;
mod format;
mod golden;
mod init;
mod inspect;
mod lint;
mod project;
mod verify;

use crate::contract::Contracts;
use crate::diag::{plural, Code, Diagnostic, Diagnostics};
use clap::{Parser, Subcommand};
use format::{annotate_diags, Format};
use std::path::{Path, PathBuf};

pub const EXIT_PASS: i32 = 0;
pub const EXIT_FAIL: i32 = 1;
pub const EXIT_INVALID: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "msgpact",
    version = VERSION,
    about = "Executable MessagePack contracts between Rust, Python and Go services, verified over NATS"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The main job: every golden vector through every peer over NATS, and the producer x consumer matrix.
    Verify(verify::Args),
    /// Validate the contracts and report every problem.
    Lint(lint::Args),
    /// Generate golden vectors (--write) or check them against the contracts (--check, the default).
    Golden(golden::Args),
    /// Annotate a MessagePack payload against a message type.
    Inspect(inspect::Args),
    /// Generate Rust, Python or Go types from the contracts (--check: fail when they are stale).
    Codegen(codegen::Args),
    /// Compare the contracts with an earlier version (git ref or directory): breaking changes and rollout order.
    Breaking(breaking::Args),
    /// The pinned contracts of msgpact.toml: `status` (newer releases, and whether they break this
    /// repository's types) and `update` (move the pin).
    #[command(subcommand)]
    Contracts(contracts::Command),
    /// Scaffold a service repository: msgpact.toml, a peer of its language, CI templates.
    Init(init::Args),
}

/// `msgpact --version`: the version and the commit it was built from (build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("MSGPACT_BUILD_COMMIT"), ")");

/// Where the contracts are; shared by every command.
#[derive(clap::Args, Debug, Clone)]
pub struct ContractArgs {
    /// Directory of contract files (*.yaml) [default: msgpact.toml's, else contracts].
    #[arg(long, value_name = "DIR")]
    pub contracts: Option<PathBuf>,
}

impl ContractArgs {
    /// The directory: the flag, else msgpact.toml's (fetched into the cache when pinned), else `contracts`.
    pub fn dir(&self) -> Result<PathBuf, i32> {
        project::contracts_dir(self.contracts.as_deref())
    }
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_INVALID } else { EXIT_PASS };
        }
    };
    let code = match cli.command {
        Command::Lint(a) => lint::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Golden(a) => golden::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Codegen(a) => codegen::run(a),
        Command::Breaking(a) => breaking::run(a),
        Command::Contracts(c) => contracts::run(c),
        Command::Init(a) => init::run(a),
    };
    crate::signals::wait_if_stopping();
    code
}

/// Loads and checks the contracts; prints problems. `None` when there are errors (the caller exits 2).
pub fn load_contracts(dir: &Path, quiet_warnings: bool) -> Option<Contracts> {
    let (c, diags) = load_checked(dir);
    print_diags(&c, &diags, quiet_warnings);
    if diags.has_errors() {
        eprintln!(
            "msgpact: {} in the contracts under {}; run `msgpact lint` for the full list",
            plural(diags.errors(), "error"),
            dir.display()
        );
        return None;
    }
    Some(c)
}

/// The contracts under `dir`, checked, and (when they load) their golden cases weighed against the bounds
/// of docs/limits.md before anything is generated: what lint accepts, every command can handle.
pub fn load_checked(dir: &Path) -> (Contracts, Diagnostics) {
    let (c, mut diags) = Contracts::load_dir(dir);
    if !diags.has_errors() {
        diags.items.extend(crate::golden::budget::check(&c).items);
    }
    (c, diags)
}

fn print_diags(c: &Contracts, diags: &Diagnostics, quiet_warnings: bool) {
    for d in diags.sorted() {
        if quiet_warnings && d.severity() == crate::diag::Severity::Warning {
            continue;
        }
        eprintln!("{}", d.render(&c.sources));
    }
}

/// Prints `d` on standard error (through the redaction of secrets) and returns its exit code: the one way
/// a command stops on an error.
pub(crate) fn fail(d: &Diagnostic) -> i32 {
    eprintln!("{}", crate::redact::redact(&d.render_plain()));
    d.exit_code()
}

/// Writes `text` to standard output (through the redaction of secrets, like every output). A reader that
/// went away (`msgpact inspect ... | head -1`) is not an error: the rest of the output is dropped quietly and
/// the command ends with its own exit code, never a panic.
pub(crate) fn out(text: &str) {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    static CLOSED: AtomicBool = AtomicBool::new(false);
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_all(crate::redact::redact(text).as_bytes()).and_then(|()| stdout.flush());
    if let Err(e) = written {
        CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("msgpact: cannot write to standard output: {e}");
        }
    }
}

/// `eprintln!` through the redaction of secrets (a git URL of msgpact.toml may carry a token).
macro_rules! errln {
    ($($arg:tt)*) => { eprintln!("{}", $crate::redact::redact(&format!($($arg)*))) };
}
pub(crate) use errln;

/// `println!` through [`out`].
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::out(&format!("{}\n", format_args!($($arg)*))) };
}
pub(crate) use outln;
