//! The main job end to end: the Rust, Python and Go reference peers agree on every golden vector, and on
//! each other's output, through a real NATS server from the container backend and from the binary backend.
use crate::common::*;

fn check_agreement(backend: &str, env: &[(&str, &str)]) {
    let t = tempfile::tempdir().unwrap();
    let report = t.path().join("report.json");
    let junit = t.path().join("junit.xml");
    let args = ["verify", "--nats", backend, "--json", report.to_str().unwrap(), "--junit", junit.to_str().unwrap()];
    let o = msgpact(root(), &args, env);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "verify through the {backend} backend failed:\n{err}");
    assert!(err.contains(&format!("nats: {backend} at ")), "{err}");
    let report = read_json(&report);
    let events = report["events"].as_array().unwrap();
    let ready: Vec<&str> =
        events.iter().filter(|e| e["event"] == "peer-ready").map(|e| e["peer"].as_str().unwrap()).collect();
    assert_eq!(ready, ["go", "python", "rust"], "{err}");
    for e in events.iter().filter(|e| e["event"] == "peer-ready") {
        assert!(!e["hello"]["library_version"].as_str().unwrap().is_empty());
        assert_eq!(e["hello"]["types"].as_array().unwrap().len(), 8, "{e}");
    }
    let xs = exchanges(&report);
    let (valid, rejects) = (golden_cases(false), golden_cases(true));
    assert!(valid > 300 && rejects > 150, "{valid} golden and {rejects} must-reject cases");
    let golden = xs.iter().filter(|x| x["producer"] == "golden").count();
    assert_eq!(golden, 3 * (valid + rejects), "every vector through every peer");
    // The reference peers refuse every must-reject payload, but an unknown key, which they ignore on purpose
    // (`accepts-unknown-key = "allow"` in their peer.toml).
    for x in xs.iter().filter(|x| x["reject"].is_string()) {
        let want = if x["reject"] == "unknown-key" { "accepts-invalid" } else { "refused" };
        assert_eq!(x["verdict"]["kind"], want, "{x}");
        assert_eq!(x["outcome"], "pass", "{x}");
    }
    let strictness = report["strictness"].as_array().unwrap();
    assert_eq!(strictness.len(), 3 * msgpact::classes::RejectKind::ALL.len(), "a cell per peer and kind");
    for cell in strictness {
        let accepted = cell["accepted"].as_array().unwrap().len();
        let sent = cell["sent"].as_u64().unwrap() as usize;
        match cell["kind"].as_str().unwrap() {
            "unknown-key" => assert_eq!(accepted, sent, "{cell}"),
            _ => assert_eq!((accepted, cell["refused"].as_u64().unwrap() as usize), (0, sent), "{cell}"),
        }
    }
    assert!(err.contains("must-reject -> peer"), "the strictness matrix is shown:\n{err}");
    let pairs: std::collections::BTreeSet<(String, String)> = xs
        .iter()
        .filter(|x| x["producer"] != "golden")
        .map(|x| (x["producer"].as_str().unwrap().into(), x["consumer"].as_str().unwrap().into()))
        .collect();
    assert_eq!(pairs.len(), 9, "the 3 x 3 producer x consumer matrix: {pairs:?}");
    let valid_xs = xs.iter().filter(|x| x["reject"].is_null());
    assert!(valid_xs.clone().all(|x| x["verdict"]["kind"] == "identical"), "every exchange is byte-identical");
    assert_eq!(valid_xs.filter(|x| x["producer"] == "golden").count(), 3 * valid);
    assert_eq!(report["summary"]["failed"], 0);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let cells = strictness.len();
    assert_eq!(
        xml.matches("<testcase ").count(),
        3 * (valid + rejects) + cells,
        "one JUnit testcase per message, case and peer, and one per strictness cell"
    );
    assert!(xml.contains("<testsuite name=\"strictness\" tests=\"39\""), "{xml}");
    assert!(err.contains("verify: ok"), "{err}");
}

#[test]
fn three_peers_agree_through_the_binary_backend() {
    check_agreement("binary", &[("MSGPACT_NATS_SERVER", nats_server().to_str().unwrap())]);
}

#[test]
fn three_peers_agree_through_the_container_backend() {
    if !container_backend_or_skip("three_peers_agree_through_the_container_backend") {
        return;
    }
    check_agreement("container", &[]);
}

/// Issue 4, "done when": one Go struct tag changed by hand in the Go peer makes verify fail and name the
/// field. A copy of harness/go with `user_id` tagged `userId` is rebuilt (its build inputs changed) and must
/// fail every ChatRequest case as a field-name bug located at the contract's `user_id`, with the tag to write,
/// shown once with the other cases listed, not 62 times; every other message type still passes.
#[test]
fn a_hand_edited_go_struct_tag_fails_verify_and_names_the_field() {
    let nats = nats_server();
    need(on_path("go"), "go");
    let t = tempfile::tempdir().unwrap();
    let peer = t.path().join("harness").join("go");
    copy_dir(&root().join("harness/go"), &peer);
    let file = peer.join("generated/chat/chat.go");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text.matches("`msgpack:\"user_id\"`").count(), 1, "the generated ChatRequest has one user_id tag");
    std::fs::write(&file, text.replace("`msgpack:\"user_id\"`", "`msgpack:\"userId\"`")).unwrap();

    let report = t.path().join("report.json");
    let (harness, cache) = (t.path().join("harness"), t.path().join("cache"));
    let args =
        ["verify", "--nats", "binary", "--harness", harness.to_str().unwrap(), "--json", report.to_str().unwrap()];
    let env = [("MSGPACT_NATS_SERVER", nats.to_str().unwrap()), ("MSGPACT_CACHE_DIR", cache.to_str().unwrap())];
    let o = msgpact(root(), &args, &env);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "a renamed tag must fail the gate:\n{err}");

    let report = read_json(&report);
    let failed: Vec<&serde_json::Value> = exchanges(&report).into_iter().filter(|x| x["outcome"] == "fail").collect();
    let chat = golden_case_count("chat/ChatRequest");
    assert_eq!(failed.len(), chat, "every ChatRequest case and nothing else fails:\n{err}");
    for x in &failed {
        assert_eq!(x["message"], "chat.ChatRequest", "{x}");
        assert_eq!(x["class"], "field-name", "{x}");
        assert!(x["location"].as_str().unwrap().starts_with("contracts/chat.yaml:"), "{x}");
        assert!(x["hint"].as_str().unwrap().contains("msgpack:\"user_id\""), "the hint says which tag to write: {x}");
    }
    let line: usize = failed[0]["location"].as_str().unwrap().split(':').nth(1).unwrap().parse().unwrap();
    let declared = std::fs::read_to_string(root().join("contracts/chat.yaml")).unwrap();
    assert!(
        declared.lines().nth(line - 1).unwrap().contains("user_id"),
        "the location is the contract line of `user_id`"
    );
    assert_eq!(err.matches("FAIL go chat.ChatRequest").count(), 1, "one bug is shown once:\n{err}");
    assert!(err.contains(&format!("the same in {} more case(s)", chat - 1)), "{err}");
}

/// The number of golden cases of `package/Message` a reader must accept (the must-reject ones left out).
fn golden_case_count(dir: &str) -> usize {
    let files = std::fs::read_dir(root().join("golden").join(dir)).unwrap().flatten();
    let name = |e: &std::fs::DirEntry| e.file_name().to_string_lossy().into_owned();
    files.filter(|e| name(e).ends_with(".msgpack") && !name(e).starts_with("reject.")).count()
}

/// The number of golden cases (`reject`: of must-reject cases) of every message.
fn golden_cases(reject: bool) -> usize {
    let mut n = 0;
    for pkg in std::fs::read_dir(root().join("golden")).unwrap().flatten() {
        for msg in std::fs::read_dir(pkg.path()).unwrap().flatten() {
            for e in std::fs::read_dir(msg.path()).unwrap().flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                n += usize::from(name.ends_with(".msgpack") && name.starts_with("reject.") == reject);
            }
        }
    }
    n
}
