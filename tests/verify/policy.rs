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
        .filter(|x| x["producer"] == "golden" && x["outcome"] != "skip" && x["reject"].is_null())
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

/// Issue 15 part 2: a peer that answers ok to payloads the contract forbids is `accepts-invalid`, with what it
/// decoded and wrote back; each kind of must-reject payload follows its own policy (unknown keys warn by
/// default; a package and a peer may allow or warn on a kind), and the strictness matrix shows it all in the
/// terminal, the JSON report and JUnit. The echo peer's `accept-invalid:all` answers every payload with its bytes.
#[test]
fn a_peer_that_accepts_invalid_payloads_is_reported_per_kind_under_its_policy() {
    let t = tempfile::tempdir().unwrap();
    let contracts = contracts_with(t.path(), Some("{accepts-duplicate-key: warn}"));
    echo_harness(t.path(), "accept-invalid:all", "common.TokenUsage", "[policy]\naccepts-truncated = \"allow\"\n");
    let junit = t.path().join("junit.xml");
    let (code, err, report) = run(t.path(), &contracts, &["--junit", junit.to_str().unwrap()]);
    assert_eq!(code, 1, "accepting invalid payloads fails the gate:\n{err}");
    let xs: Vec<&serde_json::Value> =
        exchanges(&report).into_iter().filter(|x| x["reject"].is_string() && x["outcome"] != "skip").collect();
    assert_eq!(xs.len(), 16, "the must-reject cases of common.TokenUsage:\n{err}");
    for x in &xs {
        let v = &x["verdict"];
        assert_eq!(v["kind"], "accepts-invalid", "{x}");
        assert_eq!(x["class"], "accepts-invalid", "{x}");
        assert!(!v["why"].as_str().unwrap().is_empty() && !v["output"].as_str().unwrap().is_empty(), "{x}");
        assert!(!x["hint"].as_str().unwrap().is_empty(), "{x}");
        let want = match x["reject"].as_str().unwrap() {
            "unknown-key" | "duplicate-key" => "warn",
            "truncated" => "pass",
            _ => "fail",
        };
        assert_eq!(x["outcome"], want, "{x}");
    }
    let wrap = xs.iter().find(|x| x["case"] == "reject.out-of-range.total_tokens.type").unwrap();
    assert_eq!(wrap["verdict"]["decoded"], "{prompt_tokens: 0, completion_tokens: 0, total_tokens: 4294967296}");
    assert!(
        wrap["location"].as_str().unwrap().ends_with("common.yaml:19:9"),
        "total_tokens, below the policy line: {wrap}"
    );

    // The terminal: one matrix row per kind, the failures with what the peer decoded and wrote.
    for row in [
        ["missing-key", "3", "FAIL 3/3"],
        ["out-of-range", "3", "FAIL 3/3"],
        ["duplicate-key", "1", "warn 1/1"],
        ["truncated", "1", "allowed 1/1"],
        ["unknown-key", "1", "warn 1/1"],
    ] {
        assert!(
            err.lines().any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == row.join(" ")),
            "strictness row {row:?}:\n{err}"
        );
    }
    // One kind accepted is one problem, whatever the field: the first in full, the others by case id.
    assert!(
        err.contains(
            "FAIL echo common.TokenUsage reject.out-of-range.prompt_tokens.type (golden -> echo) [accepts-invalid]"
        ),
        "{err}"
    );
    assert!(err.contains("     decoded   {prompt_tokens: 4294967296, completion_tokens: 0"), "{err}");
    assert!(
        err.contains(
            "the same in 2 more case(s): reject.out-of-range.completion_tokens.type, reject.out-of-range.total_tokens.type"
        ),
        "{err}"
    );

    // JSON: a strictness cell per kind; JUnit: a strictness suite whose cells fail where the policy fails.
    let cells = report["strictness"].as_array().unwrap();
    let cell = |k: &str| cells.iter().find(|c| c["kind"] == k).unwrap_or_else(|| panic!("no cell {k}: {cells:?}"));
    assert_eq!(cell("wrong-type")["accepted"].as_array().unwrap().len(), 3);
    assert_eq!(
        (cell("wrong-type")["outcome"].as_str(), cell("truncated")["outcome"].as_str()),
        (Some("fail"), Some("pass"))
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<testsuite name=\"strictness\""), "{xml}");
    assert!(xml.contains("<testcase name=\"echo missing-key\" classname=\"strictness\""), "{xml}");
    assert!(xml.contains("message=\"echo accepted 3 of 3 must-reject payload(s) of kind missing-key"), "{xml}");
}
