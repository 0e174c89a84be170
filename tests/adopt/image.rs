//! The container image of docs/adopt.md (Containerfile, ci/image.sh), built FROM scratch around the binaries
//! this test run already has, and used as a CI system without Rust would: `msgpact --version`, `lint`,
//! `golden --check`, and one real `verify` inside it (nats-server from the image, the Rust reference peer as
//! an executable mounted into it), all through Podman's (or Docker's) command line.
//!
//! Without a container engine the test is skipped outside CI and fails under CI=true.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn engine() -> Option<&'static str> {
    ["podman", "docker"].into_iter().find(|e| on_path(e))
}

/// The Rust reference peer, built as harness/rust/peer.toml builds it (up to date in CI: `.ci/run` builds
/// it before the tests), found from cargo's own report of what it wrote.
fn reference_rust_peer() -> PathBuf {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args([
        "build",
        "--message-format=json",
        "-p",
        "msgpact",
        "-p",
        "msgpact-reference-peer",
        "--bin",
        "msgpact-peer-rust",
    ])
    .current_dir(root());
    // What `cargo test` sets for this test binary would make that cargo rebuild msgpact (as peer builds do,
    // src/peer/build.rs leaves them out).
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if k.starts_with("CARGO_PKG_")
            || k.starts_with("CARGO_MANIFEST")
            || k.starts_with("CARGO_CRATE")
            || ["CARGO_BIN_NAME", "CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "CARGO_RUSTC_CURRENT_DIR", "OUT_DIR"]
                .contains(&k.as_ref())
        {
            cmd.env_remove(k.as_ref());
        }
    }
    let out = cmd.output().expect("run cargo");
    assert!(out.status.success(), "cargo build of the Rust peer failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["reason"] == "compiler-artifact" && v["target"]["name"] == "msgpact-peer-rust")
        .find_map(|v| v["executable"].as_str().map(PathBuf::from))
        .expect("cargo reported the peer's executable")
}

fn run(engine: &str, args: &[&str]) -> std::process::Output {
    Command::new(engine).args(args).output().expect("run the container engine")
}

fn text(o: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn the_image_runs_lint_golden_and_a_real_verify_without_rust() {
    let Some(engine) = engine() else {
        assert!(!in_ci(), "CI=true and neither podman nor docker is installed: the image must be tested in CI");
        // The reason starts like the container backend's skips: ci/fresh-machine.sh (no podman, no docker)
        // allows those and no other.
        skip(
            "the_image_runs_lint_golden_and_a_real_verify_without_rust",
            "container backend: no podman or docker to build and run the image, and CI is unset",
        );
        return;
    };
    let image = format!("localhost/msgpact-test:{}", std::process::id());
    let nats = nats_server();
    let build = Command::new("bash")
        .arg(root().join("ci/image.sh"))
        .env("MSGPACT_BINARY", env!("CARGO_BIN_EXE_msgpact"))
        .env("NATS_SERVER_BINARY", &nats)
        .env("MSGPACT_IMAGE", &image)
        .env("CONTAINER_ENGINE", engine)
        .output()
        .expect("run ci/image.sh");
    assert!(build.status.success(), "ci/image.sh failed:\n{}", text(&build));
    assert_eq!(String::from_utf8_lossy(&build.stdout).trim(), image, "ci/image.sh prints the tag");
    let _cleanup = RemoveImage(engine, image.clone());

    // What msgpact is in there, and that it is nothing but what ci/image.sh put there (no shell, FROM scratch).
    let version = run(engine, &["run", "--rm", &image, "msgpact", "--version"]);
    let ours = msgpact(root(), &["--version"], &[]);
    assert!(version.status.success(), "{}", text(&version));
    assert_eq!(String::from_utf8_lossy(&version.stdout), String::from_utf8_lossy(&ours.stdout));
    assert!(String::from_utf8_lossy(&ours.stdout).contains(" ("), "--version names a commit: {}", text(&ours));
    let shell = run(engine, &["run", "--rm", &image, "sh", "-c", "true"]);
    assert!(!shell.status.success(), "the image built FROM scratch has a shell: {}", text(&shell));

    let repo = root().display().to_string();
    let lint =
        run(engine, &["run", "--rm", "-v", &format!("{repo}:/repo:ro"), "-w", "/repo", &image, "msgpact", "lint"]);
    assert!(lint.status.success() && text(&lint).contains("lint: ok, 5 packages"), "{}", text(&lint));
    let golden = run(
        engine,
        &["run", "--rm", "-v", &format!("{repo}:/repo:ro"), "-w", "/repo", &image, "msgpact", "golden", "--check"],
    );
    assert!(golden.status.success() && text(&golden).contains("golden: ok,"), "{}", text(&golden));

    // verify: the repository's contracts and golden vectors, a harness whose one peer is the reference Rust
    // peer's executable, nats-server from the image.
    let harness = tempfile::tempdir().unwrap();
    std::fs::create_dir(harness.path().join("rust")).unwrap();
    std::fs::write(
        harness.path().join("rust/peer.toml"),
        // with the reference peer's policy: it ignores unknown keys on purpose (harness/rust/peer.toml)
        "name = \"rust\"\nlanguage = \"rust\"\n[run]\ncommand = [\"/peer/msgpact-peer-rust\"]\n\
         [policy]\naccepts-unknown-key = \"allow\"\n",
    )
    .unwrap();
    let peer = reference_rust_peer();
    let mount = |from: &Path, to: &str| format!("{}:{to}:ro", from.display());
    let verify = run(
        engine,
        &[
            "run",
            "--rm",
            "-v",
            &mount(&root().join("contracts"), "/w/contracts"),
            "-v",
            &mount(&root().join("golden"), "/w/golden"),
            "-v",
            &mount(harness.path(), "/w/harness"),
            "-v",
            &mount(&peer, "/peer/msgpact-peer-rust"),
            "-w",
            "/w",
            "-e",
            "MSGPACT_CACHE_DIR=/tmp/msgpact",
            &image,
            "msgpact",
            "verify",
            "--nats",
            "binary",
            "--json",
            "-",
        ],
    );
    assert!(verify.status.success(), "verify in the image failed:\n{}", text(&verify));
    let report: serde_json::Value = serde_json::from_slice(&verify.stdout).expect("a JSON report on stdout");
    let summary = &report["summary"];
    let exchanges = summary["exchanges"].as_u64().unwrap();
    assert!(exchanges >= 300, "{summary}");
    assert_eq!(summary["passed"].as_u64(), Some(exchanges), "{summary}");
    let nats_event = report["events"].as_array().unwrap().iter().find(|e| e["event"] == "nats-ready").unwrap();
    assert_eq!(nats_event["backend"], "binary", "{nats_event}");
    assert!(String::from_utf8_lossy(&verify.stderr).contains("/usr/local/bin/nats-server"), "{}", text(&verify));
}

/// Removes the test's image when the test ends, however it ends.
struct RemoveImage(&'static str, String);

impl Drop for RemoveImage {
    fn drop(&mut self) {
        let _ = Command::new(self.0).args(["rmi", "-f", &self.1]).output();
    }
}
