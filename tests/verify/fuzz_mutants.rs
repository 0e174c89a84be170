//! Issue 15 part 5: the fuzz-only mutants (`tests/mutants/fuzz-peers/`), bugs no golden vector triggers:
//! verify passes them, `msgpact fuzz` finds each within its default budget, shrinks it and prints a command
//! that repeats it. The golden and must-reject mutants are in mutation_suite.rs, whose tools this shares.
use super::mutation_suite::{s, say, tools};
use crate::common::*;
use serde_json::Value as Json;
use std::collections::BTreeSet;

/// The fuzz-only mutants (`tests/mutants/fuzz-peers/`): bugs no golden vector triggers. Each entry: the
/// peer, the message it serves, and the largest shrunk value (encoded bytes) the suite accepts.
const FUZZ_HARNESS: &str = "tests/mutants/fuzz-peers";

struct FuzzMutant {
    id: &'static str,
    peer: &'static str,
    message: &'static str,
    /// The shrunk value is at most this many bytes.
    max_size: u64,
    /// What the hint of its finding must say.
    hint_has: &'static str,
}

const FUZZ_MUTANTS: &[FuzzMutant] = &[
    // 32 bytes in fewer than 32 characters is the least that breaks it: 16 bytes of keys and role, 2 of
    // header, 32 of text.
    // Its output is not well-formed (the header claims other lengths than follow): the hint says so instead of
    // the remedy of whatever the misplaced header reads as (it read as nil: "leave an absent key out").
    FuzzMutant {
        id: "py-str-chars",
        peer: "mutant-py-str-chars",
        message: "chat.ChatTurn",
        max_size: 52,
        hint_has: "not well-formed MessagePack at text: a header does not fit the bytes after it (a str or bin length \
                   counts bytes, not characters",
    },
    // One NUL: `{role: "user", text: "\0"}`.
    FuzzMutant {
        id: "py-nul-cstring",
        peer: "mutant-py-nul-cstring",
        message: "chat.ChatTurn",
        max_size: 18,
        hint_has: "the peer changed the value of text",
    },
];

/// The seed the suite fuzzes with (any seed finds these within the default budget; this one is printed
/// and repeated below).
const FUZZ_SEED: &str = "20261130";

#[test]
fn fuzz_only_mutants_pass_verify_and_fuzz_finds_them_shrunk_and_repeatable() {
    let nats = tools();
    let env = [("MSGPACT_NATS_SERVER", nats.to_str().unwrap())];
    let t = tempfile::tempdir().unwrap();

    // verify (golden vectors only) does not catch them: every exchange passes.
    let report = t.path().join("verify.json");
    let args = ["verify", "--nats", "binary", "--harness", FUZZ_HARNESS, "--json", report.to_str().unwrap()];
    let o = msgpact(root(), &args, &env);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "verify passes the fuzz-only mutants:\n{err}");
    let report = read_json(&report);
    let events = report["events"].as_array().unwrap();
    let ready: BTreeSet<&str> = events.iter().filter(|e| e["event"] == "peer-ready").map(|e| s(&e["peer"])).collect();
    let peers: BTreeSet<&str> = FUZZ_MUTANTS.iter().map(|m| m.peer).collect();
    assert_eq!(ready, peers, "every fuzz-only mutant is ready:\n{err}");
    let xs = exchanges(&report);
    for m in FUZZ_MUTANTS {
        let theirs: Vec<&Json> = xs.iter().filter(|x| x["consumer"] == m.peer).copied().collect();
        let golden = theirs.iter().filter(|x| x["producer"] == "golden" && x["message"] == m.message).count();
        assert!(golden >= 10, "{}: verify sent it the golden vectors of {} ({golden})", m.id, m.message);
        assert!(theirs.iter().all(|x| x["outcome"] != "fail"), "{}: verify failed it:\n{err}", m.id);
    }

    // fuzz, with its default budget, finds each one, shrinks it, and says how to repeat it.
    let mut lines = Vec::new();
    for m in FUZZ_MUTANTS {
        let json = t.path().join(format!("{}.json", m.id));
        let args = [
            "fuzz",
            "--nats",
            "binary",
            "--harness",
            FUZZ_HARNESS,
            "--peer",
            m.peer,
            "--seed",
            FUZZ_SEED,
            "--json",
            json.to_str().unwrap(),
        ];
        let o = msgpact(root(), &args, &env);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{}: fuzz fails the mutant:\n{err}", m.id);
        assert!(err.contains(&format!("fuzz: seed {FUZZ_SEED} (repeat with --seed {FUZZ_SEED})")), "{err}");
        let doc = read_json(&json);
        assert_eq!(doc["schema"], "msgpact-fuzz/1");
        assert_eq!(doc["seed"].as_u64(), Some(FUZZ_SEED.parse().unwrap()));
        let findings = doc["findings"].as_array().unwrap();
        assert!(!findings.is_empty(), "{}: a finding:\n{err}", m.id);
        let smallest = findings.iter().min_by_key(|f| f["size"].as_u64().unwrap()).unwrap();
        let x = &smallest["exchange"];
        assert_eq!((s(&x["consumer"]), s(&x["message"]), s(&x["outcome"])), (m.peer, m.message, "fail"), "{x}");
        let size = smallest["size"].as_u64().unwrap();
        assert!(
            size <= m.max_size,
            "{}: shrunk to {size} bytes, more than {}: {}",
            m.id,
            m.max_size,
            smallest["value"]
        );
        assert!(size <= smallest["found_size"].as_u64().unwrap(), "{}: shrinking never grows a value", m.id);
        assert!(smallest["checks"].as_u64().unwrap() > 0, "{}: it was shrunk through the peer", m.id);
        assert!(s(&x["hint"]).contains(m.hint_has), "{}: the hint says `{}`: {}", m.id, m.hint_has, x["hint"]);
        assert!(err.contains(&format!("repeat:   {}", s(&smallest["repeat"]))), "{err}");

        // The printed command repeats it exactly: the same finding, the same shrunk value.
        let repeat: Vec<&str> = s(&smallest["repeat"]).split(' ').skip(1).collect();
        let again = t.path().join(format!("{}-again.json", m.id));
        let mut args = repeat.clone();
        args.extend([
            "--nats",
            "binary",
            "--harness",
            FUZZ_HARNESS,
            "--peer",
            m.peer,
            "--json",
            again.to_str().unwrap(),
        ]);
        let o = msgpact(root(), &args, &env);
        assert_eq!(o.status.code(), Some(1), "{}: the repeat fails again:\n{}", m.id, stderr(&o));
        let again = read_json(&again);
        let values: Vec<&Json> = again["findings"].as_array().unwrap().iter().map(|f| &f["value"]).collect();
        assert!(values.contains(&&smallest["value"]), "{}: the repeat shrinks to the same value: {values:?}", m.id);
        lines.push(format!("  caught {:<16} shrunk to {size} bytes: {}", m.id, s(&smallest["value"])));
    }
    say(&format!(
        "mutation suite (fuzz only): caught {} of {} with `msgpact fuzz --seed {FUZZ_SEED}`\n{}",
        FUZZ_MUTANTS.len(),
        FUZZ_MUTANTS.len(),
        lines.join("\n")
    ));
}

/// Without tools: the fuzz-only mutants, their manifests and the page agree.
#[test]
fn the_doc_lists_every_fuzz_only_mutant() {
    let dir = root().join(FUZZ_HARNESS);
    let mut manifests = BTreeSet::new();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let m: toml::Table = toml::from_str(&std::fs::read_to_string(e.path().join("peer.toml")).unwrap()).unwrap();
        let name = m["name"].as_str().unwrap().to_string();
        assert_eq!(name, format!("mutant-{}", e.file_name().to_string_lossy()));
        manifests.insert(name);
    }
    let peers: BTreeSet<String> = FUZZ_MUTANTS.iter().map(|m| m.peer.to_string()).collect();
    assert_eq!(manifests, peers, "tests/mutants/fuzz-peers/* and FUZZ_MUTANTS name the same peers");
    let doc = std::fs::read_to_string(root().join("docs/mutation-suite.md")).unwrap();
    for m in FUZZ_MUTANTS {
        assert!(
            doc.lines().any(|l| l.starts_with(&format!("| `{}` |", m.id))),
            "docs/mutation-suite.md: no row for `{}`",
            m.id
        );
    }
}
