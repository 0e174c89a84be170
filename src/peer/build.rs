//! Building peers once, and never trusting a build whose results are gone.
//!
//! A peer is built again when there is no record of an earlier build, when its manifest, its commands (as
//! expanded) or its inputs changed (a hash of them is the record's key), or when anything the earlier build
//! produced is gone or was replaced since (the record lists every output with its size and modification
//! time, taken right after the build). The outputs are the manifest's `[build] outputs`, the program of
//! `[run] command` when it is a path, and the executables cargo names: a build command with
//! `--message-format=json` reports every artifact cargo wrote, and `{bin:NAME}` in the run command is the
//! executable NAME wherever `CARGO_TARGET_DIR`, `CARGO_BUILD_TARGET_DIR` or a `build.target-dir` in
//! `.cargo/config.toml` put it. `{cargo_profile}` in a build command is `dev` when msgpact itself is a debug
//! build and `release` otherwise, so that a peer in msgpact's workspace reuses the dependencies msgpact
//! was just compiled with.
//!
//! The record is `<cache>/build.json`, written after a successful build; the build's output goes to
//! `<cache>/build.log`, and its last lines into the error when it fails. A lock file serialises builds of one
//! peer across processes. While a build runs, a [`Progress`] step says which command runs and its last line.
use super::error::{BuildError, PeerError};
use super::Manifest;
use crate::progress::{Progress, Step};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The record of the last successful build, in the peer's cache directory.
pub const RECORD: &str = "build.json";

pub struct Built {
    pub cached: bool,
    pub duration: Duration,
    /// Everything the build produced that the record checks (files, executables).
    pub outputs: Vec<PathBuf>,
    /// The executables cargo reported, by target name (for `{bin:NAME}`).
    pub bins: BTreeMap<String, PathBuf>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    key: String,
    outputs: Vec<Stamp>,
    bins: BTreeMap<String, PathBuf>,
}

/// An output as the build left it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    path: PathBuf,
    len: u64,
    modified_ns: u128,
}

impl Stamp {
    /// `None` when the file is not there (a dangling symlink counts as not there).
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(Stamp { path: path.to_path_buf(), len: meta.len(), modified_ns: modified.as_nanos() })
    }
}

pub fn cache_dir(cache_root: &Path, m: &Manifest) -> PathBuf {
    cache_root.join("peers").join(&m.name)
}

/// `dev` when this msgpact is a debug build, else `release`: `{cargo_profile}` in build commands.
pub fn cargo_profile() -> &'static str {
    if cfg!(debug_assertions) {
        "dev"
    } else {
        "release"
    }
}

fn expand(m: &Manifest, arg: &str, root: &Path, cache: &Path) -> String {
    m.expand(arg, root, cache).replace("{cargo_profile}", cargo_profile())
}

/// Replaces `{bin:NAME}` with the executable NAME that the build's cargo command reported; an error naming
/// NAME when it reported none.
pub fn expand_bins(arg: &str, bins: &BTreeMap<String, PathBuf>) -> Result<String, PeerError> {
    let mut out = String::new();
    let mut rest = arg;
    while let Some(i) = rest.find("{bin:") {
        let Some(len) = rest[i..].find('}') else { break };
        let name = &rest[i + 5..i + len];
        let path = bins.get(name).ok_or_else(|| PeerError::UnknownBin(name.to_string()))?;
        out.push_str(&rest[..i]);
        out.push_str(&path.display().to_string());
        rest = &rest[i + len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Builds `m` unless its last build is still good (see the module docs); `progress` hears about a build
/// that runs.
pub fn build(m: &Manifest, root: &Path, cache: &Path, progress: &Progress) -> Result<Built, BuildError> {
    let start = Instant::now();
    let none = || Built { cached: true, duration: start.elapsed(), outputs: Vec::new(), bins: BTreeMap::new() };
    let Some(b) = &m.build else { return Ok(none()) };
    let error = |message: String, log: &Path| BuildError { message, log_tail: String::new(), log: log.to_path_buf() };
    std::fs::create_dir_all(cache)
        .map_err(|e| error(format!("cannot create {}: {e}", cache.display()), Path::new("")))?;
    // One build of a peer at a time, also across processes (two verify runs, parallel tests).
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(cache.join("build.lock"));
    let _guard = match lock {
        Ok(f) => f.lock().map(|_| f).ok(),
        Err(_) => None,
    };
    let commands: Vec<Vec<String>> =
        b.commands.iter().map(|c| c.iter().map(|a| expand(m, a, root, cache)).collect()).collect();
    let key = cache_key(m, b, &commands, root, cache);
    let record_path = cache.join(RECORD);
    let record: Option<Record> = std::fs::read(&record_path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let why = match &record {
        None => "no earlier build".to_string(),
        Some(r) => match still_good(r, &key) {
            Ok(()) => {
                let outputs = r.outputs.iter().map(|s| s.path.clone()).collect();
                return Ok(Built { cached: true, duration: start.elapsed(), outputs, bins: r.bins.clone() });
            }
            Err(why) => why,
        },
    };
    let _ = std::fs::remove_file(&record_path);
    let _ = std::fs::remove_file(cache.join("build.stamp")); // the record of msgpact 0.1's first builds
    let log = cache.join("build.log");
    let step = progress.start(format!("peer {}: build", m.name), why);
    let mut log_text = String::new();
    let mut bins = BTreeMap::new();
    let fail = |message: String, log_text: &str, step: Step| {
        step.finish(false, "failed");
        let _ = crate::fsx::write_atomic(&log, log_text.as_bytes());
        let tail: Vec<&str> = log_text.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
        BuildError { message, log_tail: tail.join("\n"), log: log.clone() }
    };
    for (i, args) in commands.iter().enumerate() {
        log_text.push_str(&format!("$ {}\n", args.join(" ")));
        let json = args.iter().any(|a| a.starts_with("--message-format=json"));
        let what = match commands.len() {
            1 => short(args),
            n => format!("{}/{n} {}", i + 1, short(args)),
        };
        step.detail(what.clone());
        let mut built = 0usize;
        let status = run_command(args, &m.dir, &mut |stream, line| {
            if json && stream == Stream::Out {
                if let Some(a) = cargo_artifact(line) {
                    if !a.fresh {
                        built += 1;
                        step.detail(format!("{what}: {built} crates compiled, last {}", a.target));
                    }
                    if let Some(exe) = a.executable {
                        bins.insert(a.target, exe);
                    }
                    return;
                }
            }
            log_text.push_str(line);
            log_text.push('\n');
            // A JSON line that is not an artifact (a build-script message, the final `build-finished`) is not
            // something a person reads as progress.
            let line = line.trim();
            let readable = !(json && stream == Stream::Out);
            if readable && !line.is_empty() {
                step.detail(format!("{what}: {}", clip(line, 80)));
            }
        });
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => return Err(fail(format!("`{}` failed ({s})", args.join(" ")), &log_text, step)),
            Err(e) => return Err(fail(format!("cannot run `{}`: {e}", args[0]), &log_text, step)),
        }
    }
    let _ = crate::fsx::write_atomic(&log, log_text.as_bytes());
    let mut expected: Vec<PathBuf> = b.outputs.iter().map(|o| m.dir.join(expand(m, o, root, cache))).collect();
    expected.extend(bins.values().cloned());
    if let Some(program) = run_program(m, root, cache) {
        expected.push(program);
    }
    expected.sort();
    expected.dedup();
    let mut outputs = Vec::new();
    for path in &expected {
        match Stamp::of(path) {
            Some(s) => outputs.push(s),
            None => {
                let message = format!(
                    "the build finished but {} is not there: the manifest's [build] outputs or [run] command \
                     do not match what its commands produce",
                    path.display()
                );
                return Err(fail(message, &log_text, step));
            }
        }
    }
    let record = Record { key, outputs, bins: bins.clone() };
    let bytes = serde_json::to_vec_pretty(&record).unwrap_or_default();
    if let Err(e) = crate::fsx::write_atomic(&record_path, &bytes) {
        return Err(fail(format!("cannot record the build in {}: {e}", record_path.display()), &log_text, step));
    }
    step.finish(true, "built");
    Ok(Built { cached: false, duration: start.elapsed(), outputs: expected, bins })
}

/// Whether the recorded build can be used: same key, and every output still the file the build left.
fn still_good(r: &Record, key: &str) -> Result<(), String> {
    if r.key != key {
        return Err("its manifest, commands or inputs changed since the last build".into());
    }
    for s in &r.outputs {
        match Stamp::of(&s.path) {
            None => return Err(format!("{} is gone since the last build", s.path.display())),
            Some(now) if now != *s => return Err(format!("{} was replaced since the last build", s.path.display())),
            Some(_) => {}
        }
    }
    Ok(())
}

/// The run command's program when it is a path (`{cache}/venv/bin/python`, `./peer`), not a name looked up
/// on PATH or a `{bin:NAME}` (which cargo's report covers).
fn run_program(m: &Manifest, root: &Path, cache: &Path) -> Option<PathBuf> {
    let first = m.run.command.first()?;
    if first.contains("{bin:") {
        return None;
    }
    let program = expand(m, first, root, cache);
    program.contains('/').then(|| m.dir.join(program))
}

fn cache_key(m: &Manifest, b: &super::manifest::Build, commands: &[Vec<String>], root: &Path, cache: &Path) -> String {
    let mut h = Sha256::new();
    h.update(std::fs::read(m.dir.join("peer.toml")).unwrap_or_default());
    for c in commands {
        h.update(c.join("\0").as_bytes());
        h.update(b"\n");
    }
    for input in &b.inputs {
        let mut files = Vec::new();
        collect(&m.dir.join(expand(m, input, root, cache)), &mut files);
        files.sort();
        for f in files {
            h.update(f.to_string_lossy().as_bytes());
            h.update(std::fs::read(&f).unwrap_or_default());
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn collect(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        if let Ok(entries) = std::fs::read_dir(p) {
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if name.starts_with('.') || name == "__pycache__" || name == "target" {
                    continue;
                }
                collect(&e.path(), out);
            }
        }
    } else if p.is_file() {
        out.push(p.to_path_buf());
    }
}

/// One `compiler-artifact` message of `cargo build --message-format=json`.
struct Artifact {
    target: String,
    executable: Option<PathBuf>,
    fresh: bool,
}

fn cargo_artifact(line: &str) -> Option<Artifact> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    if v["reason"] != "compiler-artifact" {
        return None;
    }
    Some(Artifact {
        target: v["target"]["name"].as_str()?.to_string(),
        executable: v["executable"].as_str().map(PathBuf::from),
        fresh: v["fresh"].as_bool().unwrap_or(false),
    })
}

/// `cargo build`, `pip install`: a command as people name it.
fn short(args: &[String]) -> String {
    let name = |a: &String| Path::new(a).file_name().map_or(a.clone(), |n| n.to_string_lossy().into_owned());
    clip(&args.iter().take(2).map(name).collect::<Vec<_>>().join(" "), 40)
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    format!("{}…", s.chars().take(max).collect::<String>())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stream {
    Out,
    Err,
}

/// What `cargo run` and `cargo test` set for the program they run (msgpact, or a test binary that runs it),
/// describing msgpact's own package. A build must not see them: a nested `cargo build` would take them for a
/// change of environment (ring's build script declares `rerun-if-env-changed=CARGO_PKG_NAME`, for one) and
/// rebuild ring, rustls and async-nats, then the next plain `cargo build` would rebuild them back.
const CARGO_RUN_ENV: [&str; 9] = [
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_MANIFEST_LINKS",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
    "OUT_DIR",
];

fn is_cargo_run_env(name: &str) -> bool {
    name.starts_with("CARGO_PKG_") || CARGO_RUN_ENV.contains(&name)
}

/// Runs one build command in `dir` and hands every line of its output to `line` as it comes (secrets
/// redacted): the one place where a build spawns a process. The command runs in its own process group,
/// registered with [`crate::signals`], so that a signal to msgpact stops it and every compiler it started at
/// once.
fn run_command(
    args: &[String],
    dir: &Path,
    line: &mut dyn FnMut(Stream, &str),
) -> std::io::Result<std::process::ExitStatus> {
    use std::io::BufRead;
    use std::process::Stdio;
    let mut cmd = std::process::Command::new(&args[0]);
    cmd.args(&args[1..]).current_dir(dir).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_cargo_run_env) {
            cmd.env_remove(name);
        }
    }
    crate::signals::isolate(&mut cmd);
    let spawning = crate::signals::spawn_lock();
    let mut child = cmd.spawn()?;
    let _registration = crate::signals::register_group(child.id(), format!("the build command `{}`", args.join(" ")));
    drop(spawning);
    let (tx, rx) = std::sync::mpsc::channel::<(Stream, String)>();
    let pipes: [(Stream, Option<Box<dyn std::io::Read + Send>>); 2] = [
        (Stream::Out, child.stdout.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>)),
        (Stream::Err, child.stderr.take().map(|p| Box::new(p) as Box<dyn std::io::Read + Send>)),
    ];
    let readers: Vec<_> = pipes
        .into_iter()
        .filter_map(|(which, pipe)| pipe.map(|p| (which, p)))
        .map(|(which, pipe)| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for l in std::io::BufReader::new(pipe).split(b'\n').map_while(Result::ok) {
                    let _ = tx.send((which, String::from_utf8_lossy(&l).trim_end_matches('\r').to_string()));
                }
            })
        })
        .collect();
    drop(tx);
    // Its output goes to build.log, into errors and into progress lines: through the one redaction of
    // secrets (an index URL with a token in a pip or cargo message, say).
    for (which, l) in rx {
        line(which, &crate::redact::redact(&l));
    }
    for r in readers {
        let _ = r.join();
    }
    child.wait()
}

#[cfg(test)]
mod tests;
