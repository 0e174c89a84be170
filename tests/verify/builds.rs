//! Builds that cannot lie (issue 11): a peer build recorded as done is rebuilt when what it produced is gone
//! (a deleted Go binary, a deleted Python venv, `cargo clean`), and a Rust peer runs the executable cargo
//! reported, wherever `CARGO_TARGET_DIR` put it. Each case ends with a verify that passes. Long steps show
//! progress on stderr while stdout carries only the JSON report (`--json -`).
use crate::common::*;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Output;

/// `msgpact verify --nats binary ARGS --json -` with progress as lines and a fast heartbeat; the report is
/// read from stdout, which must hold nothing else.
fn verify(args: &[&str], env: &[(&str, &str)]) -> (Output, Json) {
    let nats = nats_server();
    let mut all = vec!["verify", "--nats", "binary", "--progress", "lines", "--json", "-"];
    all.extend_from_slice(args);
    let mut env = env.to_vec();
    env.push(("MSGPACT_NATS_SERVER", nats.to_str().unwrap()));
    env.push(("MSGPACT_PROGRESS_HEARTBEAT", "0.5"));
    let o = msgpact(root(), &all, &env);
    let out = String::from_utf8_lossy(&o.stdout);
    let report: Json = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{out}\nstderr:\n{}", stderr(&o)));
    (o, report)
}

/// The `peer-built` event of `peer`: (cached, outputs).
fn built(report: &Json, peer: &str) -> (bool, Vec<String>) {
    let e = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "peer-built" && e["peer"] == peer)
        .unwrap_or_else(|| panic!("no peer-built event for {peer}: {report}"));
    let outputs = e["outputs"].as_array().unwrap().iter().map(|o| o.as_str().unwrap().to_string()).collect();
    (e["cached"].as_bool().unwrap(), outputs)
}

fn assert_passed(o: &Output, report: &Json) {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    assert_eq!(report["summary"]["failed"], 0);
    assert!(report["summary"]["passed"].as_u64().unwrap() > 300, "{}", report["summary"]);
}

#[test]
fn the_go_peer_is_rebuilt_after_its_binary_is_deleted_and_progress_stays_off_stdout() {
    need(on_path("go"), "go");
    let t = tempfile::tempdir().unwrap();
    let cache = t.path().join("cache");
    let env = [("MSGPACT_CACHE_DIR", cache.to_str().unwrap())];
    let (o, report) = verify(&["--peer", "go"], &env);
    assert_passed(&o, &report);
    let (cached, outputs) = built(&report, "go");
    assert!(!cached);
    let binary = cache.join("peers/go/msgpact-peer-go");
    assert_eq!(outputs, [binary.display().to_string()]);
    let err = stderr(&o);
    assert!(err.contains("peer go: build: started (no earlier build)"), "a start line on stderr:\n{err}");
    assert!(err.contains("peer go: build: built in "), "an end line on stderr:\n{err}");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("peer go: build"), "no progress on stdout");

    let (o, report) = verify(&["--peer", "go"], &env);
    assert_passed(&o, &report);
    assert!(built(&report, "go").0, "nothing changed: the build is reused");
    assert!(!stderr(&o).contains("peer go: build: started"), "{}", stderr(&o));

    std::fs::remove_file(&binary).unwrap();
    let (o, report) = verify(&["--peer", "go"], &env);
    assert_passed(&o, &report);
    assert!(!built(&report, "go").0, "the binary was deleted: built again");
    let why = format!("peer go: build: started ({} is gone since the last build)", binary.display());
    assert!(stderr(&o).contains(&why), "says why it builds again:\n{}", stderr(&o));
    assert!(binary.is_file());
}

#[test]
fn the_python_peer_is_rebuilt_after_its_venv_is_deleted() {
    need(on_path("python3"), "python3 (with venv)");
    let t = tempfile::tempdir().unwrap();
    let cache = t.path().join("cache");
    let env = [("MSGPACT_CACHE_DIR", cache.to_str().unwrap())];
    let (o, report) = verify(&["--peer", "python"], &env);
    assert_passed(&o, &report);
    let venv = cache.join("peers/python/venv");
    assert!(built(&report, "python").1.contains(&venv.join("bin/python").display().to_string()));

    std::fs::remove_dir_all(&venv).unwrap();
    let (o, report) = verify(&["--peer", "python"], &env);
    assert_passed(&o, &report);
    assert!(!built(&report, "python").0, "the venv was deleted: built again\n{}", stderr(&o));
    assert!(stderr(&o).contains("is gone since the last build"), "{}", stderr(&o));
    assert!(venv.join("bin/python").exists());
}

/// A tiny cargo project (no dependencies: it builds in a second) whose binary hands over to the echo peer of
/// harness/rust: a Rust peer whose own executable lives wherever `CARGO_TARGET_DIR` says. The echo peer
/// itself is built in this workspace's target directory (where the tests' peers are built already).
fn launcher_harness(dir: &Path) -> PathBuf {
    let crate_dir = dir.join("harness/launcher");
    std::fs::create_dir_all(crate_dir.join("src")).unwrap();
    std::fs::write(
        crate_dir.join("Cargo.toml"),
        "[package]\nname = \"launcher\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        crate_dir.join("src/main.rs"),
        "use std::os::unix::process::CommandExt;\nfn main() {\n    let peer = std::env::args().nth(1).expect(\"the peer to run\");\n    panic!(\"{}\", std::process::Command::new(peer).exec());\n}\n",
    )
    .unwrap();
    let workspace_target = Path::new(env!("CARGO_BIN_EXE_msgpact")).parent().unwrap().parent().unwrap();
    let echo = rust_peer_build("msgpact-echo-peer")
        .replace("\"--bin\"", &format!("\"--target-dir\", \"{}\", \"--bin\"", workspace_target.display()));
    let echo = echo.strip_prefix('[').and_then(|e| e.strip_suffix(']')).unwrap();
    let toml = format!(
        "name = \"launcher\"\nlanguage = \"rust\"\n[build]\ncommands = [{echo}, [\"cargo\", \"build\", \"--offline\", \"--message-format=json-render-diagnostics\", \"--bin\", \"launcher\"]]\ninputs = [\"src\", \"Cargo.toml\"]\n[run]\ncommand = [\"{{bin:launcher}}\", \"{{bin:msgpact-echo-peer}}\"]\nenv = {{ MSGPACT_ECHO_TYPES = \"common.TokenUsage,chat.ChatTurn\" }}\n"
    );
    std::fs::write(crate_dir.join("peer.toml"), toml).unwrap();
    dir.join("harness")
}

/// The bug of issue 11: with `CARGO_TARGET_DIR` set, or after `cargo clean`, verify said `build cached`
/// and then could not start `.../target/release/msgpact-peer-rust`.
#[test]
fn a_rust_peer_runs_from_cargo_target_dir_elsewhere_and_is_rebuilt_after_cargo_clean() {
    need(on_path("cargo"), "cargo");
    let t = tempfile::tempdir().unwrap();
    let harness = launcher_harness(t.path());
    let elsewhere = t.path().join("elsewhere");
    let cache = t.path().join("cache");
    let env = [("MSGPACT_CACHE_DIR", cache.to_str().unwrap()), ("CARGO_TARGET_DIR", elsewhere.to_str().unwrap())];
    let args = ["--harness", harness.to_str().unwrap()];
    let (o, report) = verify(&args, &env);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (cached, outputs) = built(&report, "launcher");
    assert!(!cached);
    let profile = "debug"; // the tests' msgpact is a debug build: {cargo_profile} is dev
    let launcher = elsewhere.join(profile).join("launcher");
    assert!(outputs.contains(&launcher.display().to_string()), "the executable where cargo put it: {outputs:?}");
    let identical = |x: &&&Json| x["producer"] == "golden" && x["verdict"]["kind"] == "identical";
    assert_eq!(exchanges(&report).iter().filter(identical).count(), 13 + 29, "ChatTurn and TokenUsage, every case");

    let (o, report) = verify(&args, &env);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(built(&report, "launcher").0, "reused while nothing changed");

    let clean = std::process::Command::new("cargo")
        .args(["clean", "--quiet"])
        .env("CARGO_TARGET_DIR", &elsewhere)
        .current_dir(harness.join("launcher"))
        .status()
        .unwrap();
    assert!(clean.success() && !launcher.exists());
    let (o, report) = verify(&args, &env);
    assert_eq!(o.status.code(), Some(0), "after cargo clean verify builds again and passes:\n{}", stderr(&o));
    assert!(!built(&report, "launcher").0);
    assert!(stderr(&o).contains(&format!("{} is gone since the last build", launcher.display())), "{}", stderr(&o));
    assert!(launcher.is_file());
}

/// The Rust peers are built with `-p msgpact -p msgpact-reference-peer` in msgpact's profile and target
/// directory so that the dependencies compiled for `cargo run` are reused (the cold start of issue 11). That
/// holds only while the peers (and the SDK, msgpact-peer, they depend on) ask for no feature of a shared
/// dependency that msgpact does not: then cargo resolves the same features for both, and the same compiled
/// crates serve both.
#[test]
fn the_rust_peer_asks_for_no_feature_msgpact_lacks() {
    let features = |packages: &[&str]| -> std::collections::BTreeMap<String, String> {
        let mut cmd = std::process::Command::new("cargo");
        cmd.args(["tree", "--offline", "-e", "normal", "--prefix", "none", "-f", "{p}|{f}"]).current_dir(root());
        for p in packages {
            cmd.args(["-p", p]);
        }
        let out = cmd.output().expect("cargo tree");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once('|'))
            .map(|(p, f)| (p.trim().to_string(), f.trim_end_matches(" (*)").to_string()))
            .collect()
    };
    let alone = features(&["msgpact"]);
    let together = features(&["msgpact", "msgpact-reference-peer"]);
    assert!(alone.len() > 100, "{} packages", alone.len());
    let differ: Vec<String> = alone
        .iter()
        .filter(|(p, f)| together.get(*p).is_some_and(|g| g != *f))
        .map(|(p, f)| format!("{p}: [{f}] for msgpact, [{}] with msgpact-reference-peer", together[p]))
        .collect();
    assert!(differ.is_empty(), "the Rust peers change the features of shared dependencies:\n{}", differ.join("\n"));
}
