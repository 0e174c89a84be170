//! `msgpact init --lang rust` writes a peer crate that compiles against the Rust SDK (harness/rust/peer) as it
//! is, before the team writes a line: regression test for the skeleton's `std::process::exit(peer.run())`,
//! which no longer compiled once `Peer::run` returned nothing (the SDK exits by itself when it cannot start).
//!
//! Cost: one `cargo check` of the skeleton with the SDK's dependencies (tokio, async-nats), with the workspace's
//! Cargo.lock (so the versions are the ones already fetched: no download) into `target/msgpact/init-rust`, kept
//! between runs. The Go and Python skeletons are built and run by tests/adopt_e2e.rs.
use crate::common::*;
use std::process::Command;

#[test]
fn the_rust_skeleton_compiles_against_the_sdk() {
    let t = tempfile::tempdir().unwrap();
    let svc = t.path().join("ledger");
    std::fs::create_dir(&svc).unwrap();
    let contracts = root().join("contracts");
    let sdk = root().display().to_string();
    let init = msgpact(
        &svc,
        &[
            "init",
            "--lang",
            "rust",
            "--contracts",
            contracts.to_str().unwrap(),
            "--types",
            "chat.ChatTurn,common.TokenUsage",
            "--sdk",
            &sdk,
        ],
        &[],
    );
    assert!(init.status.success(), "{}", stderr(&init));
    let peer = svc.join("peers/ledger-rust");
    let main = std::fs::read_to_string(peer.join("src/main.rs")).unwrap();
    assert!(main.contains("peer.register(\"common.TokenUsage\", codec::decode_common_token_usage"), "{main}");
    std::fs::copy(root().join("Cargo.lock"), peer.join("Cargo.lock")).unwrap();

    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(["check", "--message-format=short"])
        .env("CARGO_TARGET_DIR", root().join("target/msgpact/init-rust"))
        .current_dir(&peer);
    // What `cargo test` sets for this test binary is not for the skeleton's own build.
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy();
        if k.starts_with("CARGO_") && k != "CARGO_HOME" {
            cargo.env_remove(k.as_ref());
        }
    }
    let out = cargo.output().expect("run cargo check");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the skeleton of `msgpact init --lang rust` does not compile:\n{text}");
    assert!(text.contains("Checking ledger-rust"), "cargo checked something else:\n{text}");
}
