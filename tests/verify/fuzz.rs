//! `msgpact fuzz` end to end: the reference peers agree on drawn values (and a seed repeats its run), a
//! failure saved with `--save` becomes a golden case that `golden --check` accepts and verify sends, and bad
//! budgets are refused before anything starts. The fuzz-only mutants are in tests/mutation_suite.rs.
use crate::common::*;

fn nats_env(nats: &std::path::Path) -> [(&'static str, String); 1] {
    [("MSGPACT_NATS_SERVER", nats.display().to_string())]
}

fn run(args: &[&str], env: &[(&'static str, String)]) -> (Option<i32>, String) {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let o = msgpact(root(), args, &env);
    (o.status.code(), stderr(&o))
}

#[test]
fn the_reference_peers_agree_on_drawn_values_and_a_seed_repeats_its_run() {
    need(on_path("python3"), "python3 (with venv)");
    need(on_path("go"), "go");
    let env = nats_env(&nats_server());
    let t = tempfile::tempdir().unwrap();
    let mut drawn = Vec::new();
    for name in ["a", "b"] {
        let json = t.path().join(format!("{name}.json"));
        let args = ["fuzz", "--nats", "binary", "--seed", "7", "--cases", "40", "--json", json.to_str().unwrap()];
        let (code, err) = run(&args, &env);
        assert_eq!(code, Some(0), "fuzz passes the reference peers:\n{err}");
        assert!(
            err.contains(
                "fuzz: seed 7 (repeat with --seed 7), 40 cases per message type, 8 messages, peers: go, python, rust"
            ),
            "{err}"
        );
        assert!(err.contains("fuzz: ok, 320 cases, "), "{err}");
        let doc = read_json(&json);
        assert_eq!(doc["schema"], "msgpact-fuzz/1");
        assert_eq!((doc["seed"].as_u64(), doc["cases"].as_u64()), (Some(7), Some(320)));
        let sum = &doc["summary"];
        // Every case through the three peers; outputs that differ from the canonical bytes would add the
        // matrix, and there are none.
        assert_eq!((sum["exchanges"].as_u64(), sum["failed"].as_u64()), (Some(960), Some(0)), "{sum}");
        assert!(doc["findings"].as_array().unwrap().is_empty());
        drawn.push(sum["exchanges"].clone());
    }
    assert_eq!(drawn[0], drawn[1]);
}

/// Regression: `--time` counted from msgpact's start, so a first run, whose peer builds took longer than the
/// budget, drew nothing and said "fuzz: ok, 0 cases". The time now starts once the peers are up.
#[test]
fn a_time_budget_shorter_than_the_peer_builds_still_fuzzes() {
    need(on_path("go"), "go");
    let env = nats_env(&nats_server());
    let t = tempfile::tempdir().unwrap();
    let cache = t.path().join("cache");
    let json = t.path().join("fuzz.json");
    let args =
        ["fuzz", "--nats", "binary", "--peer", "go", "--seed", "3", "--time", "0.1", "--json", json.to_str().unwrap()];
    let o = msgpact(root(), &args, &[(env[0].0, env[0].1.as_str()), ("MSGPACT_CACHE_DIR", cache.to_str().unwrap())]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("peer go: build"), "the peer was built in this run: {err}");
    let doc = read_json(&json);
    let cases = doc["cases"].as_u64().unwrap();
    assert!(cases >= 8, "at least one round of every message type was drawn ({cases}):\n{err}");
    assert!(doc["summary"]["exchanges"].as_u64().unwrap() >= cases, "{}", doc["summary"]);
}

#[test]
fn a_saved_failure_is_a_golden_case_that_golden_keeps_and_verify_sends() {
    need(on_path("python3"), "python3 (with venv)");
    let env = nats_env(&nats_server());
    let t = tempfile::tempdir().unwrap();
    let golden = t.path().join("golden");
    copy_dir(&root().join("golden"), &golden);
    let g = golden.to_str().unwrap();
    let harness = "tests/mutants/fuzz-peers";
    let peer = "mutant-py-nul-cstring";
    let args = [
        "fuzz",
        "--nats",
        "binary",
        "--harness",
        harness,
        "--peer",
        peer,
        "--seed",
        "20261130",
        "--save",
        "--golden",
        g,
    ];
    let (code, err) = run(&args, &env);
    assert_eq!(code, Some(1), "{err}");
    // The shrunk value, `{role: "user", text: "\0"}`, saved under the name of its bytes.
    let bytes = b"\x82\xa4role\xa4user\xa4text\xa1\x00";
    let id = format!("fuzz.{}", &msgpact::golden::twin::sha256_hex(bytes)[..12]);
    let base = golden.join("chat/ChatTurn").join(&id);
    assert!(err.contains(&format!("saved:    {}", base.display())), "{err}");
    assert_eq!(std::fs::read(golden.join("chat/ChatTurn").join(format!("{id}.msgpack"))).unwrap(), bytes);
    let snap = std::fs::read_to_string(golden.join("chat/ChatTurn").join(format!("{id}.snap"))).unwrap();
    assert!(snap.contains("value:  {role: \"user\", text: \"\\0\"}"), "{snap}");

    // golden --check accepts it (it is not derived from the contracts, and not drift); --write keeps it.
    let (code, err) = run(&["golden", "--check", "--golden", g], &[]);
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = run(&["golden", "--write", "--golden", g], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(golden.join("chat/ChatTurn").join(format!("{id}.msgpack")).is_file(), "golden --write kept it: {err}");

    // verify now sends it: the bug fuzz found fails verify too, on the saved case.
    let json = t.path().join("verify.json");
    let args = [
        "verify",
        "--nats",
        "binary",
        "--harness",
        harness,
        "--peer",
        peer,
        "--golden",
        g,
        "--json",
        json.to_str().unwrap(),
    ];
    let (code, err) = run(&args, &env);
    assert_eq!(code, Some(1), "{err}");
    let report = read_json(&json);
    let failed: Vec<&serde_json::Value> = exchanges(&report).into_iter().filter(|x| x["outcome"] == "fail").collect();
    assert!(
        !failed.is_empty() && failed.iter().all(|x| x["case"] == id.as_str()),
        "only the saved case fails: {failed:#?}"
    );
}

#[test]
fn bad_budgets_and_verify_only_options_are_refused_before_anything_starts() {
    for (args, says) in [
        (&["fuzz", "--time", "0"][..], "0 seconds is not between 0.1 and 604800"),
        (&["fuzz", "--cases", "0"][..], "--cases"),
        (&["fuzz", "--seed=-1"][..], "--seed"),
        // verify's options that mean nothing to fuzz are refused, not ignored.
        (&["fuzz", "--junit", "x.xml"][..], "`msgpact fuzz` does not take --junit"),
        (&["fuzz", "--against", "v1.0.0"][..], "`msgpact fuzz` does not take --against"),
    ] {
        let (code, err) = run(args, &[]);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
