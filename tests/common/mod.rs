//! Helpers shared by the integration tests: the built binary, the NATS server every test gets, the one kind
//! of skip there is, reports.
//!
//! The README promises that Rust, Go and Python 3 are all a machine needs for `cargo test --workspace`, so
//! every test that needs NATS runs: [`nats_server`] finds nats-server the way `msgpact verify` does, or
//! builds it once with `go install` into the user's cache (under a lock, so parallel tests build it once).
//! A missing Go or Python fails the tests that need them ([`need`]). Only tests whose subject is the
//! container backend may skip, only when no Docker API answers and CI is unset
//! ([`container_backend_or_skip`]); each skip is recorded, and the test binary ends with a summary of the
//! run's skips so far (see [`skip`]).
#![allow(dead_code)]
pub mod contracts_repo;
mod skips;

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

#[allow(unused_imports)] // not every test binary runs git
pub use contracts_repo::git;
pub use skips::skip;

/// The repository (the workspace root: contracts, golden files, harness).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A tool the test needs (Go, Python, cargo): its absence fails the test, in CI and everywhere else, since
/// the README names them as what a machine needs.
pub fn need(ok: bool, what: &str) {
    assert!(ok, "{what} is missing: the tests need Rust, Go and Python 3 (see the README's quick start)");
}

/// For tests written as `if !require(ok, what) { return; }`: like [`need`], a missing tool fails the test;
/// it never returns `false`, so no test passes by returning early.
pub fn require(ok: bool, what: &str) -> bool {
    need(ok, what);
    true
}

/// Whether `tool` is an executable file in a directory of PATH.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| is_executable(&d.join(tool))))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Copies the directory `from` to `to`, files and subdirectories.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

/// The nats-server for every test, the one `msgpact verify` would use: `MSGPACT_NATS_SERVER`, else PATH (and
/// /usr/sbin, /usr/local/sbin), else the one built earlier in the user's cache, else built now with
/// `go install` into that cache (once: the build takes a lock, so parallel tests and test binaries wait for
/// the first one's build). Never missing: a machine that cannot build one fails the test with the reason.
pub fn nats_server() -> PathBuf {
    static FOUND: OnceLock<PathBuf> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            // On a thread of its own: the caller may be inside a tokio runtime already.
            std::thread::spawn(|| {
                let explicit = std::env::var("MSGPACT_NATS_SERVER").ok();
                let opts = msgpact::nats::NatsOptions::from_vars(msgpact::nats::default_cache_dir(), |k| {
                    (k == "MSGPACT_NATS_SERVER").then(|| explicit.clone()).flatten()
                });
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                match rt.block_on(msgpact::nats::find_nats_server(&opts)) {
                    Ok((path, _how)) => path,
                    Err(e) => panic!("the tests need a nats-server and none could be found or built: {e}"),
                }
            })
            .join()
            .unwrap_or_else(|_| panic!("finding a nats-server failed (see above)"))
        })
        .clone()
}

/// For tests whose subject is the container backend itself: `true` when a Docker API answers. Otherwise
/// the test fails under CI, and elsewhere is recorded as skipped (`test` is its name) and must return.
pub fn container_backend_or_skip(test: &str) -> bool {
    let host = std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty());
    let probe = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(msgpact::nats::docker_api(host.as_deref()))
    });
    match probe.join().expect("probe for a Docker API") {
        Ok(_) => true,
        Err(tried) => {
            assert!(
                !in_ci(),
                "CI=true and no Docker API answered (tried {tried}): the container backend must be tested in CI \
                 (bash ci/setup-nats.sh starts Podman's)"
            );
            skip(test, &format!("container backend: no Docker API answered (tried {tried}) and CI is unset"));
            false
        }
    }
}

/// Runs `msgpact ARGS` in `cwd` with extra environment variables.
pub fn msgpact(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_msgpact"));
    cmd.args(args).current_dir(cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.env_remove("NATS_URL");
    cmd.output().expect("run msgpact")
}

/// Runs `msgpact ARGS` in the repository.
pub fn msgpact_here(args: &[&str]) -> Output {
    msgpact(root(), args, &[])
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A run of msgpact that ended by itself with an exit code of its own: no panic message, no exit code 101
/// (Rust's panic), no death by a signal.
pub fn assert_no_panic(o: &Output) {
    let err = stderr(o);
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "panic:\n{err}");
    assert!(o.status.code().is_some_and(|c| c != 101), "crashed ({:?}):\n{err}", o.status);
}

/// Runs a tool that must succeed: its stdout and stderr together, or a failure that shows them.
pub fn run_ok(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot {what}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed ({}):\n{text}", out.status);
    text
}

/// The MessagePack fixstr of `s` (at most 31 bytes).
pub fn fixstr(s: &str) -> Vec<u8> {
    assert!(s.len() < 32, "a fixstr holds at most 31 bytes");
    let mut v = vec![0xa0 | s.len() as u8];
    v.extend_from_slice(s.as_bytes());
    v
}

/// The exchanges of a JSON report.
pub fn exchanges(report: &Json) -> Vec<&Json> {
    report["events"].as_array().unwrap().iter().filter(|e| e["event"] == "exchange").collect()
}

pub fn read_json(path: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(path).expect("report written")).expect("report is JSON")
}

/// A nats-server on a free loopback port, killed on drop.
pub struct NatsServer {
    pub child: std::process::Child,
    pub url: String,
}

impl NatsServer {
    pub fn start(bin: &Path) -> NatsServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = Command::new(bin)
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start nats-server");
        let url = format!("nats://127.0.0.1:{port}");
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return NatsServer { child, url };
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("nats-server did not start on port {port}");
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The build command of a Rust peer binary of `harness/rust` (crate msgpact-reference-peer) in msgpact's
/// workspace, as harness/rust/peer.toml builds the reference peer (profile, features and target directory
/// shared with msgpact), in TOML.
pub fn rust_peer_build(bin: &str) -> String {
    format!(
        "[[\"cargo\", \"build\", \"--message-format=json-render-diagnostics\", \"--profile\", \"{{cargo_profile}}\", \"--manifest-path\", \"{{root}}/Cargo.toml\", \"-p\", \"msgpact\", \"-p\", \"msgpact-reference-peer\", \"--bin\", \"{bin}\"]]"
    )
}

/// A harness dir `DIR/harness/echo` with one echo peer (harness/rust/src/bin/msgpact-echo-peer.rs) that
/// serves `types` with these faults; `extra` is appended to its peer.toml (e.g. a `[policy]` table).
pub fn echo_harness(dir: &Path, fault: &str, types: &str, extra: &str) {
    let p = dir.join("harness/echo");
    std::fs::create_dir_all(&p).unwrap();
    let toml = format!(
        "name = \"echo\"\nlanguage = \"rust\"\n[build]\ncommands = {}\n[run]\ncommand = [\"{{bin:msgpact-echo-peer}}\"]\nenv = {{ MSGPACT_FAULT = \"{fault}\", MSGPACT_ECHO_TYPES = \"{types}\" }}\n{extra}",
        rust_peer_build("msgpact-echo-peer")
    );
    std::fs::write(p.join("peer.toml"), toml).unwrap();
}
