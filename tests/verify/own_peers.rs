//! Issue 4: a team serves its OWN application types as a peer, through the peer SDKs, in about 20 lines.
//! `examples/own-peers/{python,go}` are such peers (hand-written types, the team's own codec calls); here
//! `msgpact verify --harness examples/own-peers` runs them over a real nats-server: they serve two types of
//! the contracts byte-identically, everything else is "not served" (skipped, never failed), and their outputs
//! cross. The same Python peer with a bug switched on must fail at the field it gets wrong. docs/own-peer.md
//! shows these files; a third test keeps its `verbatim` code blocks equal to them.
//!
//! The peers are built into the default cache (`target/msgpact/peers/own-*`, or `$MSGPACT_CACHE_DIR` when
//! set): a fresh venv costs about 15 s and the Go build a few seconds, and their build records rebuild them
//! whenever an input changes, so a temporary cache per run would only make every run pay again. Their names
//! (`own-python`, `own-go`, `own-python-bug`) never share a cache directory with the reference peers, and
//! builds of one peer are serialised by the build lock. Under CI=true a missing tool FAILS these tests.
use crate::common::*;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The message types the example peers serve.
const SERVED: [&str; 2] = ["chat.ChatTurn", "common.TokenUsage"];

/// The tools these peers need: nats-server (found or built, as verify does), Python with venv, Go.
fn tools() -> PathBuf {
    need(on_path("python3"), "python3 (with venv)");
    need(on_path("go"), "go");
    nats_server()
}

/// The case ids of `golden/<package>/<Message>/` a reader must accept, from the files themselves (the
/// must-reject cases `reject.*` left out).
fn golden_cases(message: &str) -> BTreeSet<String> {
    all_cases_of(message).into_iter().filter(|c| !c.starts_with("reject.")).collect()
}

/// Every case id of `golden/<package>/<Message>/`, the must-reject ones included.
fn all_cases_of(message: &str) -> BTreeSet<String> {
    let (pkg, msg) = message.split_once('.').unwrap();
    let dir = root().join("golden").join(pkg).join(msg);
    let cases: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".msgpack")).map(str::to_string))
        .collect();
    assert!(!cases.is_empty(), "no golden vectors in {}", dir.display());
    cases
}

/// `msgpact verify --nats binary --harness HARNESS --json REPORT` from the repository root.
fn verify(nats: &Path, harness: &str, report: &Path) -> (Option<i32>, String, Json) {
    let args = ["verify", "--nats", "binary", "--harness", harness, "--json", report.to_str().unwrap()];
    let o = msgpact(root(), &args, &[("MSGPACT_NATS_SERVER", nats.to_str().unwrap())]);
    let err = stderr(&o);
    assert!(report.is_file(), "verify wrote no JSON report (exit {:?}):\n{err}", o.status.code());
    (o.status.code(), err, read_json(report))
}

fn ready(report: &Json) -> BTreeMap<String, Json> {
    report["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "peer-ready")
        .map(|e| (e["peer"].as_str().unwrap().to_string(), e["hello"].clone()))
        .collect()
}

/// The wire hash of msgpact's contracts: what verify passes its peers as MSGPACT_CONTRACTS_HASH.
fn run_hash() -> String {
    let (contracts, d) = msgpact::contract::Contracts::load_dir(&root().join("contracts"));
    assert!(!d.has_errors(), "{}", d.render_all(&contracts.sources));
    msgpact::contract::hash::wire_hash(&contracts)
}

fn s(v: &Json) -> &str {
    v.as_str().unwrap_or_default()
}

#[test]
fn own_type_peers_serve_their_types_and_agree() {
    let nats = tools();
    let t = tempfile::tempdir().unwrap();
    let (code, err, report) = verify(&nats, "examples/own-peers", &t.path().join("report.json"));
    assert_eq!(code, Some(0), "verify of the own-type peers failed:\n{err}");
    assert!(err.contains("verify: ok"), "{err}");

    // Both peers are up, built from hand-written types, serving exactly the two types. Their types carry no
    // contracts hash of their own, so the SDKs report the run's (MSGPACT_CONTRACTS_HASH): the wire hash of the
    // contracts they were checked against.
    let run_hash = run_hash();
    let hellos = ready(&report);
    assert_eq!(hellos.keys().map(String::as_str).collect::<Vec<_>>(), ["own-go", "own-python"], "{err}");
    for (peer, library) in [("own-go", "github.com/vmihailenco/msgpack/v5"), ("own-python", "msgpack")] {
        let h = &hellos[peer];
        assert_eq!(h["contracts_hash"], run_hash.as_str(), "{peer}: hand-written types report the run's hash: {h}");
        assert_eq!(h["types"], serde_json::json!(SERVED), "{peer}: {h}");
        assert_eq!(h["library"], library, "{peer}: {h}");
        assert!(
            !s(&h["library_version"]).is_empty() && h["library_version"] != "unknown",
            "{peer}: the library version is read at run time: {h}"
        );
    }
    // The SDKs move none of the service's own versions: the examples' own pins are what the peers run with
    // (examples/own-peers/python/requirements.txt: msgpack 1.0.8; examples/own-peers/go/go.mod: v5.4.1).
    assert_eq!(hellos["own-python"]["library_version"], "1.0.8", "{err}");
    assert_eq!(hellos["own-go"]["library_version"], "v5.4.1", "{err}");

    let xs = exchanges(&report);
    let planned =
        report["events"].as_array().unwrap().iter().find(|e| e["event"] == "planned").expect("a planned event");
    let all_cases = planned["cases"].as_u64().unwrap() as usize;
    let served: BTreeMap<&str, BTreeSet<String>> = SERVED.iter().map(|m| (*m, golden_cases(m))).collect();
    let served_cases: usize = served.values().map(BTreeSet::len).sum();
    let served_all: usize = SERVED.iter().map(|m| all_cases_of(m).len()).sum();

    // Every golden case of a served type is byte-identical through both peers.
    for peer in ["own-go", "own-python"] {
        for (message, cases) in &served {
            let got: BTreeMap<&str, &Json> = xs
                .iter()
                .filter(|x| x["producer"] == "golden" && x["consumer"] == peer && x["message"] == *message)
                .filter(|x| x["reject"].is_null())
                .map(|x| (s(&x["case"]), &x["verdict"]))
                .collect();
            assert_eq!(
                got.keys().map(|c| c.to_string()).collect::<BTreeSet<_>>(),
                *cases,
                "{peer} {message}: one golden exchange per case"
            );
            for (case, verdict) in got {
                assert_eq!(verdict["kind"], "identical", "{peer} {message} {case}: {verdict}\n{err}");
            }
        }
        // Every other type of the contracts is served by no peer: never sent, never counted (not even as
        // skipped), named once in the coverage event instead.
        let others = xs.iter().filter(|x| x["consumer"] == peer && !SERVED.contains(&s(&x["message"]))).count();
        assert_eq!(others, 0, "{peer}: a type nobody serves has no exchanges");
        // The must-reject payloads of its types: refused, or accepted with a warning (the examples' policy).
        for x in xs.iter().filter(|x| x["consumer"] == peer && x["reject"].is_string()) {
            let kind = s(&x["verdict"]["kind"]);
            assert!(kind == "refused" || (kind == "accepts-invalid" && x["outcome"] == "warn"), "{peer}: {x}");
        }
    }
    let coverage = report["events"].as_array().unwrap().iter().find(|e| e["event"] == "coverage").expect("coverage");
    let unserved: Vec<&str> = coverage["unserved"].as_array().unwrap().iter().map(s).collect();
    assert_eq!(unserved.len(), 8 - SERVED.len(), "{coverage}");
    assert!(unserved.iter().all(|t| !SERVED.contains(t)), "{coverage}");
    assert!(all_cases > served_cases);

    // The 2 x 2 producer x consumer matrix: every peer's output through every peer (itself included) passes,
    // and only for the served types.
    let cells: Vec<&&Json> = xs.iter().filter(|x| x["producer"] != "golden").collect();
    let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    for x in &cells {
        assert!(SERVED.contains(&s(&x["message"])), "a type nobody serves crossed peers: {x}");
        assert_eq!(x["outcome"], "pass", "{x}\n{err}");
        *pairs.entry((s(&x["producer"]).to_string(), s(&x["consumer"]).to_string())).or_default() += 1;
    }
    let want: BTreeMap<(String, String), usize> =
        [("own-go", "own-go"), ("own-go", "own-python"), ("own-python", "own-go"), ("own-python", "own-python")]
            .iter()
            .map(|(p, c)| ((p.to_string(), c.to_string()), served_cases))
            .collect();
    assert_eq!(pairs, want, "every served case in every cell of the 2 x 2 matrix");

    let summary = &report["summary"];
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["skipped"], 0, "types nobody serves are not counted as skipped: {summary}");
    // Golden vectors (and must-reject ones) through both peers; the matrix cells whose input was the golden
    // vector itself reuse those verdicts and are not counted again.
    assert_eq!(summary["exchanges"].as_u64().unwrap() as usize, 2 * served_all, "{summary}");
    assert!(
        err.contains("own-go ->") && err.contains("own-python ->"),
        "the terminal matrix shows both producers:\n{err}"
    );
}

/// The example's manifest, turned into a variant in another directory: another name (its own build cache),
/// absolute paths for what was relative to the example, and `OWN_PEER_BUG` switched on.
fn buggy_python_manifest(bug: &str) -> String {
    let example = root().join("examples/own-peers/python");
    let text = std::fs::read_to_string(example.join("peer.toml")).unwrap();
    let mut m: toml::Table = toml::from_str(&text).unwrap();
    m.insert("name".into(), "own-python-bug".into());
    m.insert(
        "description".into(),
        format!("examples/own-peers/python with OWN_PEER_BUG={bug} (written by tests/verify/own_peers.rs)").into(),
    );
    let build = m["build"].as_table_mut().unwrap();
    let inputs: Vec<toml::Value> = build["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| example.join(i.as_str().unwrap()).display().to_string().into())
        .collect();
    build.insert("inputs".into(), inputs.into());
    let run = m["run"].as_table_mut().unwrap();
    let command = run["command"].as_array_mut().unwrap();
    assert_eq!(command[1].as_str(), Some("peer.py"), "the example's run command changed: update this test");
    command[1] = "{root}/examples/own-peers/python/peer.py".into();
    run["env"].as_table_mut().unwrap().insert("OWN_PEER_BUG".into(), bug.into());
    toml::to_string(&m).unwrap()
}

#[test]
fn an_own_peer_with_a_float_for_a_uint32_fails_at_that_field() {
    let nats = tools();
    let t = tempfile::tempdir().unwrap();
    let harness = t.path().join("harness");
    std::fs::create_dir_all(harness.join("python-bug")).unwrap();
    std::fs::write(harness.join("python-bug/peer.toml"), buggy_python_manifest("float-tokens")).unwrap();
    // The service's own pins, which the example's build command installs from the manifest's directory.
    let requirements = root().join("examples/own-peers/python/requirements.txt");
    std::fs::copy(requirements, harness.join("python-bug/requirements.txt")).unwrap();
    let (code, err, report) = verify(&nats, harness.to_str().unwrap(), &t.path().join("report.json"));
    assert_eq!(code, Some(1), "a contract failure exits 1:\n{err}");
    assert!(err.contains("different value at $.completion_tokens"), "the failure names the field path:\n{err}");
    assert_eq!(ready(&report)["own-python-bug"]["contracts_hash"], run_hash().as_str());

    let xs = exchanges(&report);
    let golden = |message: &str| -> Vec<&&Json> {
        xs.iter().filter(|x| x["producer"] == "golden" && x["message"] == message).collect()
    };
    // Every TokenUsage vector comes back with completion_tokens as a float64: a different value, located.
    let usage: Vec<&&Json> = golden("common.TokenUsage").into_iter().filter(|x| x["reject"].is_null()).collect();
    assert_eq!(usage.len(), golden_cases("common.TokenUsage").len());
    for x in &usage {
        let v = &x["verdict"];
        assert_eq!(v["kind"], "different-value", "{x}");
        assert_eq!(v["detail"]["path"], "$.completion_tokens", "{x}");
        assert!(s(&v["detail"]["note"]).contains("float64") && s(&v["detail"]["actual"]).starts_with("cb "), "{x}");
        assert_eq!(x["outcome"], "fail", "{x}");
        assert!(s(&x["location"]).starts_with("contracts/common.yaml:"), "{x}");
    }
    // The bug is one field of one type: ChatTurn still passes.
    let turns: Vec<&&Json> = golden("chat.ChatTurn").into_iter().filter(|x| x["reject"].is_null()).collect();
    assert_eq!(turns.len(), golden_cases("chat.ChatTurn").len());
    assert!(turns.iter().all(|x| x["verdict"]["kind"] == "identical"), "{turns:?}");
    // The peer's own strict decoder refuses its buggy output when it comes back as a consumer.
    let own: Vec<&&Json> =
        xs.iter().filter(|x| x["producer"] == "own-python-bug" && x["message"] == "common.TokenUsage").collect();
    assert!(
        !own.is_empty()
            && own
                .iter()
                .all(|x| x["verdict"]["kind"] == "decode-error" && s(&x["verdict"]["error"]).contains("not a uint32")),
        "{own:?}"
    );
    assert_eq!(
        report["summary"]["failed"].as_u64().unwrap() as usize,
        usage.len() + own.len(),
        "{}",
        report["summary"]
    );
}

/// docs/own-peer.md shows the example files in code blocks preceded by `<!-- verbatim: PATH -->`; each block
/// must be a part of that file as it is, so the page never shows a peer that is not the one the test runs.
#[test]
fn the_doc_shows_the_example_peers_verbatim() {
    let doc = std::fs::read_to_string(root().join("docs/own-peer.md")).unwrap();
    let mut checked = BTreeSet::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let Some(path) = line.trim().strip_prefix("<!-- verbatim:").and_then(|r| r.strip_suffix("-->")).map(str::trim)
        else {
            continue;
        };
        let fence = lines.next().unwrap_or_default();
        assert!(fence.starts_with("```"), "docs/own-peer.md: a code block must follow `verbatim: {path}`");
        let block: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
        let file =
            std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("docs/own-peer.md shows {path}: {e}"));
        let text = block.join("\n") + "\n";
        assert!(
            block.len() > 3 && file.contains(&text),
            "docs/own-peer.md: the block marked `verbatim: {path}` is not that file's text; copy it again"
        );
        checked.insert(path.to_string());
    }
    let want: BTreeSet<String> = [
        "examples/own-peers/python/peer.py",
        "examples/own-peers/python/peer.toml",
        "examples/own-peers/go/main.go",
        "examples/own-peers/go/peer.toml",
    ]
    .map(String::from)
    .into();
    assert_eq!(checked, want, "docs/own-peer.md shows each example file once, verbatim");
}
