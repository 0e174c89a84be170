//! Skips that cannot go unnoticed.
//!
//! libtest has no "skipped" outcome: a test that returns early counts as passed. So a skip here is three
//! things: a loud line when it happens; a marker file under `<target>/tmp/msgpact-test-skips/<run>/`, where
//! `<run>` is the `cargo test` process (parent pid and its start time), so that every test binary of one run
//! writes to the same place; and, when the test binary exits (after libtest's own result line), a summary
//! of the skips of the whole run so far, grouped by reason. cargo offers no hook after its last test binary,
//! so the last binary that skipped prints the run's total; `.ci/run` reads the markers and prints the total
//! after `cargo test` itself.
use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;

/// Records that `test` did not run, and why.
pub fn skip(test: &str, reason: &str) {
    let _ = writeln!(std::io::stderr(), "\n!!!!!!!! SKIPPED {test}: {reason} !!!!!!!!\n");
    let dir = run_dir();
    let _ = std::fs::create_dir_all(&dir);
    let marker = dir.join(format!("{}--{test}", binary()));
    let _ = std::fs::write(marker, format!("{test}\t{reason}\n"));
    static AT_EXIT: Once = Once::new();
    AT_EXIT.call_once(|| unsafe {
        libc::atexit(summary_at_exit);
    });
}

/// Where this `cargo test` run's markers go.
pub fn run_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("msgpact-test-skips").join(run_id())
}

/// The parent process (`cargo test`, for every test binary of a run) and its start time, so that a reused
/// pid is another run.
fn run_id() -> String {
    let ppid = std::os::unix::process::parent_id();
    let stat = std::fs::read_to_string(format!("/proc/{ppid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) in parentheses; the start time is field 22.
    let start = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(19)).unwrap_or("0");
    format!("{ppid}-{start}")
}

/// This test binary's name without cargo's hash (`nats_provider`).
fn binary() -> String {
    let exe = std::env::current_exe().ok().and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()));
    let exe = exe.unwrap_or_else(|| "tests".into());
    match exe.rsplit_once('-') {
        Some((name, hash)) if hash.chars().all(|c| c.is_ascii_hexdigit()) => name.to_string(),
        _ => exe,
    }
}

/// The summary printed when the test binary exits: this binary's skips and the run's so far, by reason.
extern "C" fn summary_at_exit() {
    let me = binary();
    let mut mine = 0;
    let mut by_reason: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for entry in std::fs::read_dir(run_dir()).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        let Some((test, reason)) = text.trim_end().split_once('\t') else { continue };
        if name.starts_with(&format!("{me}--")) {
            mine += 1;
        }
        by_reason.entry(reason.to_string()).or_default().push(test.to_string());
    }
    let total: usize = by_reason.values().map(Vec::len).sum();
    let mut text = format!(
        "\n==== {mine} test(s) of {me} SKIPPED; {total} in this `cargo test` run so far (markers in {}):\n",
        run_dir().display()
    );
    for (reason, tests) in &by_reason {
        text.push_str(&format!("  {} skipped: {reason}\n    {}\n", tests.len(), tests.join(", ")));
    }
    // Straight to fd 2: the process is exiting, std's stderr handle may already be gone.
    unsafe {
        libc::write(2, text.as_ptr().cast(), text.len());
    }
}
