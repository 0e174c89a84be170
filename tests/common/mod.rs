//! Helpers shared by the verify integration tests: the built binary, real servers, reports.
#![allow(dead_code)]
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A tool a test needs. Under CI its absence fails the test; elsewhere the test says loudly that it did
/// not run and returns false.
pub fn require(ok: bool, what: &str) -> bool {
    if ok {
        return true;
    }
    if in_ci() {
        panic!("CI=true but {what} is missing: this test must run in CI (install it, see .ci/run)");
    }
    eprintln!("SKIPPED (not in CI): {what} is missing");
    false
}

/// Whether `tool` is an executable file in a directory of PATH.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
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

pub fn nats_server() -> Option<PathBuf> {
    let candidates =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default();
    candidates
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/bin")])
        .map(|d| d.join("nats-server"))
        .find(|p| p.is_file())
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

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
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

/// A harness dir `DIR/harness/echo` with one echo peer (harness/rust/src/bin/msgpact-echo-peer.rs) that
/// serves `types` with these faults; `extra` is appended to its peer.toml (e.g. a `[policy]` table).
pub fn echo_harness(dir: &Path, fault: &str, types: &str, extra: &str) {
    let p = dir.join("harness/echo");
    std::fs::create_dir_all(&p).unwrap();
    let toml = format!(
        "name = \"echo\"\nlanguage = \"rust\"\n[build]\ncommands = [[\"cargo\", \"build\", \"--quiet\", \"--release\", \"--manifest-path\", \"{{root}}/Cargo.toml\", \"-p\", \"msgpact-peer\", \"--bin\", \"msgpact-echo-peer\"]]\n[run]\ncommand = [\"{{root}}/target/release/msgpact-echo-peer\"]\nenv = {{ MSGPACT_FAULT = \"{fault}\", MSGPACT_ECHO_TYPES = \"{types}\" }}\n{extra}"
    );
    std::fs::write(p.join("peer.toml"), toml).unwrap();
}
