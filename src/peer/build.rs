//! Building peers once: a build runs only when the manifest, its inputs or its commands changed.
//!
//! The cache key is a hash of the manifest text and of every input file (path and content); it is
//! recorded in `<cache>/build.stamp` after a successful build. The build's output goes to
//! `<cache>/build.log`, and its last lines into the error when it fails. A lock file serialises builds of
//! one peer across processes.
use super::Manifest;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct Built {
    pub cached: bool,
    pub duration: Duration,
}

/// A failed build: which command, and the end of its output.
#[derive(Debug)]
pub struct BuildError {
    pub message: String,
    pub log_tail: String,
    pub log: PathBuf,
}

pub fn cache_dir(cache_root: &Path, m: &Manifest) -> PathBuf {
    cache_root.join("peers").join(&m.name)
}

pub fn build(m: &Manifest, root: &Path, cache: &Path) -> Result<Built, BuildError> {
    let start = Instant::now();
    let Some(b) = &m.build else { return Ok(Built { cached: true, duration: start.elapsed() }) };
    std::fs::create_dir_all(cache).map_err(|e| BuildError {
        message: format!("cannot create {}: {e}", cache.display()),
        log_tail: String::new(),
        log: PathBuf::new(),
    })?;
    // One build of a peer at a time, also across processes (two verify runs, parallel tests).
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(cache.join("build.lock"));
    let _guard = match lock {
        Ok(f) => f.lock().map(|_| f).ok(),
        Err(_) => None,
    };
    let key = cache_key(m, b, root, cache);
    let stamp = cache.join("build.stamp");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(key.as_str()) {
        return Ok(Built { cached: true, duration: start.elapsed() });
    }
    let _ = std::fs::remove_file(&stamp);
    let log = cache.join("build.log");
    let mut log_text = String::new();
    for cmd in &b.commands {
        let args: Vec<String> = cmd.iter().map(|a| m.expand(a, root, cache)).collect();
        log_text.push_str(&format!("$ {}\n", args.join(" ")));
        let out = run_command(&args, &m.dir);
        let fail = |message: String, log_text: &str| {
            let _ = crate::fsx::write_atomic(&log, log_text.as_bytes());
            let tail: Vec<&str> = log_text.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
            BuildError { message, log_tail: tail.join("\n"), log: log.clone() }
        };
        match out {
            Ok(o) => {
                log_text.push_str(&String::from_utf8_lossy(&o.stdout));
                log_text.push_str(&String::from_utf8_lossy(&o.stderr));
                if !o.status.success() {
                    return Err(fail(format!("`{}` failed ({})", args.join(" "), o.status), &log_text));
                }
            }
            Err(e) => return Err(fail(format!("cannot run `{}`: {e}", args[0]), &log_text)),
        }
    }
    let _ = crate::fsx::write_atomic(&log, log_text.as_bytes());
    crate::fsx::write_atomic(&stamp, key.as_bytes()).map_err(|e| BuildError {
        message: format!("cannot record the build: {e}"),
        log_tail: String::new(),
        log: log.clone(),
    })?;
    Ok(Built { cached: false, duration: start.elapsed() })
}

/// Runs one build command and collects its output (secrets redacted). The command runs in its own process
/// group, registered with [`crate::signals`], so that a signal to msgpact stops it and every compiler it
/// started at once.
fn run_command(args: &[String], dir: &Path) -> std::io::Result<std::process::Output> {
    use std::process::Stdio;
    let mut cmd = std::process::Command::new(&args[0]);
    // No terminal input: a command in another process group that read it would be stopped (SIGTTIN).
    cmd.args(&args[1..]).current_dir(dir).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    crate::signals::isolate(&mut cmd);
    let spawning = crate::signals::spawn_lock();
    let child = cmd.spawn()?;
    let _registration = crate::signals::register_group(child.id(), format!("the build command `{}`", args.join(" ")));
    drop(spawning);
    // Its output goes to build.log and into errors: through the one redaction of secrets (an index URL
    // with a token in a pip or cargo message, say).
    let mut out = child.wait_with_output()?;
    for text in [&mut out.stdout, &mut out.stderr] {
        *text = crate::redact::redact(&String::from_utf8_lossy(text)).into_owned().into_bytes();
    }
    Ok(out)
}

fn cache_key(m: &Manifest, b: &super::manifest::Build, root: &Path, cache: &Path) -> String {
    let mut h = Sha256::new();
    h.update(std::fs::read(m.dir.join("peer.toml")).unwrap_or_default());
    for input in &b.inputs {
        let mut files = Vec::new();
        collect(&m.dir.join(m.expand(input, root, cache)), &mut files);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_once_then_caches_until_an_input_changes() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("p");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("src.txt"), "v1").unwrap();
        std::fs::write(dir.join("peer.toml"), "name = \"p\"\n[build]\ncommands = [[\"sh\", \"-c\", \"echo built >> {cache}/count\"]]\ninputs = [\"src.txt\"]\n[run]\ncommand = [\"true\"]\n").unwrap();
        let m = Manifest::load(&dir.join("peer.toml")).unwrap();
        let cache = t.path().join("cache");
        assert!(!build(&m, t.path(), &cache).unwrap().cached);
        assert!(build(&m, t.path(), &cache).unwrap().cached);
        std::fs::write(dir.join("src.txt"), "v2").unwrap();
        assert!(!build(&m, t.path(), &cache).unwrap().cached);
        assert_eq!(std::fs::read_to_string(cache.join("count")).unwrap().lines().count(), 2);
    }

    #[test]
    fn a_failed_build_says_which_command_and_shows_its_output() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("peer.toml"), "name = \"p\"\n[build]\ncommands = [[\"sh\", \"-c\", \"echo boom >&2; exit 3\"]]\n[run]\ncommand = [\"true\"]\n").unwrap();
        let m = Manifest::load(&t.path().join("peer.toml")).unwrap();
        let e = build(&m, t.path(), &t.path().join("c")).err().unwrap();
        assert!(e.message.contains("exit status: 3"), "{}", e.message);
        assert!(e.log_tail.contains("boom"));
        assert!(!t.path().join("c/build.stamp").exists());
    }
}
