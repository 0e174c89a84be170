//! Policy (which classes fail the gate), expected-failure lists and the checks of a peer's handshake, with the echo peer
//! (harness/rust/src/bin/msgpact-echo-peer.rs) writing every integer at full width (class int-width).
use crate::common::*;
use std::path::Path;

/// verify with the echo peer in `dir`; returns (exit code, stderr, report).
fn run(dir: &Path, contracts: &Path, extra_args: &[&str]) -> (i32, String, serde_json::Value) {
    let bin = nats_server();
    let report = dir.join("report.json");
    let harness = dir.join("harness");
    let mut args = vec![
        "verify",
        "--nats",
        "binary",
        "--contracts",
        contracts.to_str().unwrap(),
        "--harness",
        harness.to_str().unwrap(),
        "--json",
        report.to_str().unwrap(),
    ];
    args.extend_from_slice(extra_args);
    let o = msgpact(root(), &args, &[("MSGPACT_NATS_SERVER", bin.to_str().unwrap())]);
    (o.status.code().unwrap_or(-1), stderr(&o), read_json(&report))
}

fn outcomes(report: &serde_json::Value) -> Vec<(String, String, String)> {
    exchanges(report)
        .into_iter()
        .filter(|x| x["producer"] == "golden" && x["outcome"] != "skip")
        .map(|x| {
            (
                x["case"].as_str().unwrap().into(),
                x["outcome"].as_str().unwrap().into(),
                x["class"].as_str().unwrap_or("").into(),
            )
        })
        .collect()
}

/// The example contracts, with `policy` added to common.yaml when given.
fn contracts_with(dir: &Path, policy: Option<&str>) -> std::path::PathBuf {
    let out = dir.join("contracts");
    std::fs::create_dir_all(&out).unwrap();
    for f in std::fs::read_dir(root().join("contracts")).unwrap() {
        let f = f.unwrap().path();
        let mut text = std::fs::read_to_string(&f).unwrap();
        if let (Some(p), true) = (policy, f.ends_with("common.yaml")) {
            text = text.replace("version: 1.0.0\n", &format!("version: 1.0.0\npolicy: {p}\n"));
        }
        std::fs::write(out.join(f.file_name().unwrap()), text).unwrap();
    }
    out
}

#[test]
fn full_width_integers_fail_by_default_with_class_and_hint() {
    let t = tempfile::tempdir().unwrap();
    echo_harness(t.path(), "widen-ints:all", "common.TokenUsage", "");
    let (code, err, report) = run(t.path(), &root().join("contracts"), &[]);
    assert_eq!(code, 1, "{err}");
    let o = outcomes(&report);
    assert_eq!(o.len(), 29);
    assert!(o.iter().all(|(_, outcome, class)| outcome == "fail" && class == "int-width"), "{o:?}");
    assert!(err.contains("[int-width]"), "{err}");
    assert!(
        err.contains("hint: write integers in their smallest form"),
        "the hint is in the echo peer's language (rust):\n{err}"
    );
}

#[test]
fn a_package_policy_can_accept_integer_widths_and_a_peer_can_override_it() {
    let t = tempfile::tempdir().unwrap();
    let contracts = contracts_with(t.path(), Some("{int-width: warn}"));
    echo_harness(t.path(), "widen-ints:all", "common.TokenUsage", "");
    let (code, err, report) = run(t.path(), &contracts, &[]);
    assert_eq!(code, 0, "the package accepts int-width:\n{err}");
    assert!(outcomes(&report).iter().all(|(_, o, c)| o == "warn" && c == "int-width"));
    // 29 golden vectors, and the echo peer's own (widened) output sent back to it in the matrix.
    assert_eq!(report["summary"]["warned"], 58, "{err}");
    assert_eq!(report["summary"]["failed"], 0, "{err}");

    echo_harness(t.path(), "widen-ints:all", "common.TokenUsage", "[policy]\nint-width = \"fail\"\n");
    let (code, err, report) = run(t.path(), &contracts, &[]);
    assert_eq!(code, 1, "the peer's override wins over the package:\n{err}");
    assert!(outcomes(&report).iter().all(|(_, o, _)| o == "fail"));
}

#[test]
fn a_peer_policy_can_accept_what_the_contracts_fail() {
    let t = tempfile::tempdir().unwrap();
    echo_harness(t.path(), "widen-ints:all", "common.TokenUsage", "[policy]\nint-width = \"warn\"\n");
    let (code, err, _) = run(t.path(), &root().join("contracts"), &[]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn an_unknown_class_in_a_peer_policy_is_a_located_error() {
    let t = tempfile::tempdir().unwrap();
    echo_harness(t.path(), "", "common.TokenUsage", "[policy]\nint-widht = \"warn\"\n");
    let (code, err, _) = run(t.path(), &root().join("contracts"), &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown class `int-widht` (did you mean `int-width`?)"), "{err}");
}

#[test]
fn expected_failures_accept_known_gaps_and_fail_when_stale() {
    let t = tempfile::tempdir().unwrap();
    echo_harness(t.path(), "garbage:example.typical", "common.TokenUsage,chat.ChatTurn", "");
    let list = t.path().join("harness/echo/expected-failures.txt");
    std::fs::write(&list, "# known gaps\ncommon.TokenUsage example.typical: the echo peer garbles it on purpose\nchat.ChatTurn example.minimal: fixed long ago\n").unwrap();
    let (code, err, report) = run(t.path(), &root().join("contracts"), &[]);
    assert_eq!(code, 1, "the stale entry fails the run:\n{err}");
    let o = outcomes(&report);
    assert!(o.iter().any(|(case, outcome, _)| case == "example.typical" && outcome == "xfail"), "{o:?}");
    assert!(!o.iter().any(|(_, outcome, _)| outcome == "fail"), "{o:?}");
    assert!(err.contains("expected-failures.txt:3: error[E703]: chat.ChatTurn example.minimal is listed as an expected failure of peer echo, but it passes now"), "{err}");
    assert!(err.contains("msgpact verify --peer echo --update-expected-failures"), "{err}");

    let (code, err, _) = run(t.path(), &root().join("contracts"), &["--update-expected-failures"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("removed chat.ChatTurn example.minimal"), "{err}");
    let text = std::fs::read_to_string(&list).unwrap();
    assert_eq!(text, "# known gaps\ncommon.TokenUsage example.typical: the echo peer garbles it on purpose\n");
}

/// verify with the echo peer given `fault` and `types`, which must stop at setup (exit 2); its stderr.
fn setup_error(fault: &str, types: &str) -> String {
    let t = tempfile::tempdir().unwrap();
    echo_harness(t.path(), fault, types, "");
    let (code, err, _) = run(t.path(), &root().join("contracts"), &[]);
    assert_eq!(code, 2, "{err}");
    err
}

#[test]
fn a_peer_that_serves_a_type_the_contracts_do_not_have_is_a_setup_error() {
    let err = setup_error("", "common.TokenUsage,chat.ChatReqest");
    assert!(err.contains("serves types the contracts do not have: chat.ChatReqest"), "{err}");
    assert!(err.contains("`chat.ChatReqest` -> `chat.ChatRequest`?"), "{err}");
}

/// A peer whose handshake names other contracts than the ones verified (built before a schema change) is a
/// setup error that says so and how to regenerate, not a wall of confusing value failures.
#[test]
fn a_peer_built_from_other_contracts_is_a_stale_setup_error() {
    let err = setup_error("contracts-hash:0123456789abcdef", "common.TokenUsage");
    assert!(
        err.contains("peer echo: stale: built from contracts 0123456789abcdef, but the contracts are now "),
        "{err}"
    );
    assert!(err.contains("hint: regenerate its types with `msgpact codegen --lang rust --out ...`"), "{err}");
}
