//! msgpact.toml's `[peers] required` and `[policy]` in `msgpact verify`, with the echo peer
//! (harness/rust/src/bin/msgpact-echo-peer.rs) serving the types it is told: a required type no peer serves
//! fails the gate, named and located; the types nothing serves or requires are one line, not skipped cases.
use crate::common::*;
use std::path::Path;

/// A service repository in `dir`: msgpact's contracts and golden vectors (linked), msgpact.toml with
/// `required` and `extra`, and one echo peer serving `types` with `fault`.
fn repository(dir: &Path, required: &[&str], types: &str, fault: &str, extra: &str) {
    std::os::unix::fs::symlink(root().join("contracts"), dir.join("contracts")).unwrap();
    std::os::unix::fs::symlink(root().join("golden"), dir.join("golden")).unwrap();
    let required: Vec<String> = required.iter().map(|r| format!("\"{r}\"")).collect();
    std::fs::write(
        dir.join("msgpact.toml"),
        format!(
            "[contracts]\ndir = \"contracts\"\n\n[peers]\ndir = \"peers\"\nrequired = [{}]\n{extra}",
            required.join(", ")
        ),
    )
    .unwrap();
    let peer = dir.join("peers/echo");
    std::fs::create_dir_all(&peer).unwrap();
    // The echo peer is built in msgpact's own workspace, wherever this repository is.
    let build = rust_peer_build("msgpact-echo-peer").replace("{root}", root().to_str().unwrap());
    std::fs::write(
        peer.join("peer.toml"),
        format!(
            "name = \"echo\"\nlanguage = \"rust\"\n[build]\ncommands = {build}\n[run]\ncommand = [\"{{bin:msgpact-echo-peer}}\"]\nenv = {{ MSGPACT_FAULT = \"{fault}\", MSGPACT_ECHO_TYPES = \"{types}\" }}\n"
        ),
    )
    .unwrap();
}

/// `msgpact verify` in `dir` with reports; (exit code, stdout + stderr, JSON report, JUnit report).
fn verify(dir: &Path, extra: &[&str]) -> (i32, String, serde_json::Value, String) {
    let bin = nats_server();
    let mut args = vec!["verify", "--nats", "binary", "--json", "report.json", "--junit", "report.xml"];
    args.extend_from_slice(extra);
    let o = msgpact(dir, &args, &[("MSGPACT_NATS_SERVER", bin.to_str().unwrap())]);
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    let junit = std::fs::read_to_string(dir.join("report.xml")).unwrap_or_default();
    (o.status.code().unwrap_or(-1), text, read_json(&dir.join("report.json")), junit)
}

/// The `tests` and `failures` attributes of the JUnit suite "required types", whatever their order.
fn required_suite(junit: &str) -> (&str, &str) {
    let line =
        junit.lines().find(|l| l.contains("<testsuite name=\"required types\"")).expect("a required types suite");
    let attr = |name: &str| {
        let start = line.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("no {name} in {line}")) + name.len() + 3;
        &line[start..start + line[start..].find('"').unwrap()]
    };
    (attr("tests"), attr("failures"))
}

#[test]
fn a_required_type_no_peer_serves_fails_the_gate_and_the_rest_is_one_line() {
    let t = tempfile::tempdir().unwrap();
    repository(t.path(), &["common.TokenUsage", "chat.ChatTurn"], "common.TokenUsage", "", "");
    let (code, out, report, junit) = verify(t.path(), &["--format", "github"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "msgpact.toml:6:34: error[E704]: chat.ChatTurn is required, but no peer serves it\n  hint: register it"
        ),
        "{out}"
    );
    assert!(
        out.contains("::error file=msgpact.toml,line=6,col=34::E704 chat.ChatTurn is required, but no peer serves it"),
        "{out}"
    );
    assert!(
        out.contains("verify: not exchanged: 6 types neither required nor served by any peer: chat.ChatRequest, pipeline.PipelineParams, stream.ResponseChunk, stream.StreamError, voice.AudioChunk, voice.VoiceActivity"),
        "{out}"
    );
    assert!(out.contains("0 skipped; 1 required type served by no peer"), "{out}");
    // TokenUsage itself passed: 29 golden vectors (the echo peer's own output reuses their verdicts) and 16
    // must-reject ones, which the echo peer refuses by their case id.
    assert_eq!(report["summary"]["passed"], 29 + 16, "{out}");
    assert_eq!(report["summary"]["skipped"], 0, "{out}");
    assert!(
        exchanges(&report).iter().all(|x| x["message"] == "common.TokenUsage"),
        "only the served type is exchanged"
    );
    let coverage =
        report["events"].as_array().unwrap().iter().find(|e| e["event"] == "coverage").expect("a coverage event");
    assert_eq!(coverage["required_served"], serde_json::json!(["common.TokenUsage"]));
    assert_eq!(coverage["required_unserved"][0]["name"], "chat.ChatTurn");
    // JUnit: the required types as testcases, the rest as one line, no skipped testcases.
    assert_eq!(required_suite(&junit), ("2", "1"), "{junit}");
    assert!(junit.contains("<testcase name=\"common.TokenUsage\" classname=\"required\"/>"), "{junit}");
    let turn = junit.split("<testcase name=\"chat.ChatTurn\" classname=\"required\">").nth(1).expect("chat.ChatTurn");
    let failure = turn.split("</testcase>").next().unwrap();
    assert!(failure.contains("<failure ") && failure.contains("type=\"E704\""), "{junit}");
    assert!(failure.contains("msgpact.toml:6:34: chat.ChatTurn is required, but no peer serves it"), "{junit}");
    assert!(junit.contains("<system-out>not exchanged: 6 types neither required nor served by any peer:"), "{junit}");
    assert!(!junit.contains("<skipped"), "{junit}");

    // With --peer, only part of the peers runs: the required types are not checked, and verify says so.
    let (code, out, _, _) = verify(t.path(), &["--peer", "echo"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("verify: msgpact.toml's 2 required types are not checked: --peer runs part of the peers"),
        "{out}"
    );
}

#[test]
fn a_required_type_that_is_not_in_the_contracts_says_what_was_meant() {
    let t = tempfile::tempdir().unwrap();
    repository(t.path(), &["common.TokenUsag"], "common.TokenUsage", "", "");
    let (code, out, _, _) = verify(t.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("msgpact.toml:6:13: error[E704]: common.TokenUsag is required, but it is not a message of the contracts\n  hint: did you mean `common.TokenUsage`?"),
        "{out}"
    );
}

#[test]
fn every_required_type_served_passes_and_the_repository_policy_applies_to_every_peer() {
    let t = tempfile::tempdir().unwrap();
    // The echo peer writes every integer at full width (int-width), which fails by default; the
    // repository's policy makes it a warning for all of its peers.
    repository(
        t.path(),
        &["common.TokenUsage"],
        "common.TokenUsage",
        "widen-ints:all",
        "\n[policy]\nint-width = \"warn\"\n",
    );
    let (code, out, report, junit) = verify(t.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(report["summary"]["warned"], 58, "{out}");
    assert_eq!(report["summary"]["failed"], 0, "{out}");
    assert_eq!(required_suite(&junit), ("1", "0"), "{junit}");
    // The peer's own policy still wins over the repository's.
    std::fs::write(
        t.path().join("peers/echo/peer.toml"),
        std::fs::read_to_string(t.path().join("peers/echo/peer.toml")).unwrap() + "[policy]\nint-width = \"fail\"\n",
    )
    .unwrap();
    let (code, out, _, _) = verify(t.path(), &["--format", "github"]);
    assert_eq!(code, 1, "{out}");
    // --format github: one annotation per distinct problem, at the field's line of the contracts.
    let annotations: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    let line = std::fs::read_to_string(root().join("contracts/common.yaml"))
        .unwrap()
        .lines()
        .position(|l| l.trim() == "- name: prompt_tokens")
        .unwrap()
        + 1;
    let want = format!("::error file=contracts/common.yaml,line={line},col=");
    assert!(
        annotations
            .iter()
            .any(|a| a.starts_with(&want) && a.contains("FAIL common.TokenUsage ") && a.contains("[int-width]")),
        "{annotations:?}"
    );
    assert!(annotations.len() < 10, "grouped, not one per case: {annotations:?}");
}
