//! Issue 5, item 4: the mutation suite. msgpact is worth the bugs it catches, so here are the bugs.
//!
//! Every directory of `tests/mutants/peers/` is a *mutant*: a peer written the way a team would naively write
//! it with its MessagePack library's defaults (not msgpact's generated code), with one interop bug of
//! INTEROP.md. One program per language holds them, `MSGPACT_MUTANT` (set in each manifest) picks the bug:
//! `harness/rust/src/bin/msgpact-mutant-peer.rs` (rmp-serde), `tests/mutants/go` (vmihailenco/msgpack/v5),
//! `tests/mutants/python/mutant_peer.py` (msgpack-python). docs/mutation-suite.md has the table.
//!
//! One `msgpact verify --harness tests/mutants/peers` runs them all over a real nats-server. For each entry of
//! [`MUTANTS`] the golden exchange of its representative case must FAIL (WARN for a map<K,V> key order, the
//! only class that only warns by default) with the expected verdict kind, bug class, field path, and a fix
//! hint. The suite prints its catch rate, `mutation suite: caught N of M mutants with the right class and
//! field`, straight to the terminal (not through the test's captured output), and fails unless N == M.
//!
//! Builds go to the default cache (`target/msgpact/peers/mutant-*`, or `$MSGPACT_CACHE_DIR`): the Rust mutants
//! share one release binary, the Go mutants one module, the Python mutants one venv (built once under a lock
//! by tests/mutants/python/shared_venv.py). Under CI=true a missing nats-server, Go or Python fails the test.
use crate::common::*;
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

/// One bug of one mutant peer, and what verify must say about it on one representative golden case.
struct Mutant {
    /// `peer/bug`, as docs/mutation-suite.md lists it.
    id: &'static str,
    /// The manifest name (`tests/mutants/peers/<dir>/peer.toml`).
    peer: &'static str,
    message: &'static str,
    case: &'static str,
    /// `different-value`, `same-value`, `decode-error`...
    kind: &'static str,
    class: &'static str,
    /// The field path of `verdict.detail.path`; `None` for an error verdict, which has no detail.
    path: Option<&'static str>,
    /// `fail`, or `warn` for map key order.
    outcome: &'static str,
    /// The public report of the bug it reproduces (`3Hren/msgpack-rust#249`), where one exists.
    upstream: Option<&'static str>,
    /// What the fix hint must say, where a generic hint was wrong or thin (issue 15 part 4).
    hint_has: Option<&'static str>,
}

const fn m(
    id: &'static str,
    peer: &'static str,
    message: &'static str,
    case: &'static str,
    kind: &'static str,
    class: &'static str,
    path: Option<&'static str>,
) -> Mutant {
    Mutant { id, peer, message, case, kind, class, path, outcome: "fail", upstream: None, hint_has: None }
}

/// A mutant whose fix hint must say `text`.
const fn hinted(text: &'static str, m: Mutant) -> Mutant {
    Mutant { hint_has: Some(text), ..m }
}

/// A mutant that reproduces a public report.
const fn up(upstream: &'static str, m: Mutant) -> Mutant {
    Mutant { upstream: Some(upstream), ..m }
}

/// A mutant that accepts a must-reject payload (`reject.*` cases): golden -> mutant answered ok.
const fn accepts(id: &'static str, peer: &'static str, message: &'static str, case: &'static str) -> Mutant {
    m(id, peer, message, case, "accepts-invalid", "accepts-invalid", None)
}

const DV: &str = "different-value";
const SV: &str = "same-value";

/// The mutants, in the order of docs/mutation-suite.md.
const MUTANTS: &[Mutant] = &[
    // Rust: serde + rmp-serde.
    up(
        "3Hren/msgpack-rust#114",
        m("rust-to-vec", "mutant-rust-to-vec", "common.TokenUsage", "example.typical", DV, "array-vs-map", Some("$")),
    ),
    m(
        "rust-skip-none",
        "mutant-rust-skip-none",
        "stream.ResponseChunk",
        "example.minimal",
        DV,
        "array-vs-map",
        Some("$"),
    ),
    m(
        "rust-option-nil",
        "mutant-rust-option-nil",
        "stream.ResponseChunk",
        "example.minimal",
        DV,
        "nil-vs-absent",
        Some("$.usage"),
    ),
    m(
        "rust-no-usage",
        "mutant-rust-no-usage",
        "stream.ResponseChunk",
        "example.last",
        DV,
        "field-missing",
        Some("$.usage"),
    ),
    up(
        "3Hren/msgpack-rust#249",
        m(
            "rust-vec-u8",
            "mutant-rust-vec-u8",
            "voice.AudioChunk",
            "example.opus-frame",
            DV,
            "bytes-as-array",
            Some("$.audio"),
        ),
    ),
    m(
        "rust-enum-name",
        "mutant-rust-enum-name",
        "voice.AudioChunk",
        "example.opus-frame",
        DV,
        "enum-repr",
        Some("$.format"),
    ),
    up(
        "3Hren/msgpack-rust#172",
        m(
            "rust-enum-name/index",
            "mutant-rust-enum-name",
            "voice.AudioChunk",
            "edge.format.flac",
            "decode-error",
            "enum-repr",
            None,
        ),
    ),
    // Go: vmihailenco/msgpack/v5.
    m(
        "go-fixed-ints",
        "mutant-go-fixed-ints",
        "pipeline.PipelineParams",
        "example.typical",
        SV,
        "int-width",
        Some("$.max_tokens"),
    ),
    m(
        "go-untagged",
        "mutant-go-untagged",
        "chat.ChatRequest",
        "example.with-audio",
        DV,
        "field-name",
        Some("$.UserID"),
    ),
    hinted(
        // both findings of the case, each with the remedy that fits it (premium required, locale nullable)
        "remove `omitempty` from `premium`'s tag: it drops the zero value of a required field; and `locale` is nullable, not optional: remove `omitempty`",
        up(
            "vmihailenco/msgpack#390",
            m(
                "go-omitempty",
                "mutant-go-omitempty",
                "chat.ChatRequest",
                "example.minimal",
                DV,
                "nil-vs-absent",
                Some("$.premium"),
            ),
        ),
    ),
    hinted(
        "initialise the slice",
        m(
            "go-nil-slice",
            "mutant-go-nil-slice",
            "pipeline.PipelineParams",
            "example.minimal",
            DV,
            "nil-vs-absent",
            Some("$.stop"),
        ),
    ),
    m(
        "go-wrap-int32",
        "mutant-go-wrap-int32",
        "common.TokenUsage",
        "edge.total_tokens.4294967295",
        DV,
        "int-range",
        Some("$.total_tokens"),
    ),
    Mutant {
        outcome: "warn",
        ..m(
            "go-map-order",
            "mutant-go-map-order",
            "pipeline.PipelineParams",
            "edge.metadata.len-16",
            SV,
            "map-key-order",
            Some("$.metadata"),
        )
    },
    m(
        "go-extra-field",
        "mutant-go-extra-field",
        "common.TokenUsage",
        "example.typical",
        DV,
        "unknown-field",
        Some("$.cached_tokens"),
    ),
    // Python: msgpack-python.
    m(
        "py-no-bin-type",
        "mutant-py-no-bin-type",
        "voice.AudioChunk",
        "example.opus-frame",
        DV,
        "bin-vs-str",
        Some("$.audio"),
    ),
    m(
        "py-no-bin-type/binary-audio",
        "mutant-py-no-bin-type",
        "voice.AudioChunk",
        "edge.audio.len-255",
        DV,
        "bin-vs-str",
        Some("$.audio"),
    ),
    m(
        "py-no-bin-type/str16",
        "mutant-py-no-bin-type",
        "chat.ChatTurn",
        "edge.text.len-32",
        SV,
        "length-format",
        Some("$.text"),
    ),
    m(
        "py-float-tokens",
        "mutant-py-float-tokens",
        "common.TokenUsage",
        "example.typical",
        DV,
        "int-vs-float",
        Some("$.total_tokens"),
    ),
    m(
        "py-sorted-keys",
        "mutant-py-sorted-keys",
        "common.TokenUsage",
        "example.typical",
        SV,
        "field-order",
        Some("$.prompt_tokens"),
    ),
    m(
        "py-enum-index",
        "mutant-py-enum-index",
        "stream.ResponseChunk",
        "example.last",
        DV,
        "enum-repr",
        Some("$.finish_reason"),
    ),
    hinted(
        "optional, not nullable: leave the key out",
        m(
            "py-asdict-none",
            "mutant-py-asdict-none",
            "stream.ResponseChunk",
            "example.minimal",
            DV,
            "nil-vs-absent",
            Some("$.usage"),
        ),
    ),
    m(
        "py-isoformat",
        "mutant-py-isoformat",
        "chat.ChatRequest",
        "example.minimal",
        DV,
        "timestamp-form",
        Some("$.sent_at"),
    ),
    hinted(
        "timestamp=0",
        m(
            "py-datetime-us",
            "mutant-py-datetime-us",
            "chat.ChatRequest",
            "example.with-audio",
            DV,
            "value-changed",
            Some("$.sent_at"),
        ),
    ),
    m(
        "py-float64",
        "mutant-py-float64",
        "pipeline.PipelineParams",
        "edge.temperature.tenth",
        SV,
        "float-width",
        Some("$.temperature"),
    ),
    up(
        "msgpack/msgpack-python#474",
        m(
            "py-float64/int-keys",
            "mutant-py-float64",
            "pipeline.PipelineParams",
            "example.typical",
            "decode-error",
            "map-key-type",
            None,
        ),
    ),
    // Issue 15 part 4: hints that were wrong or thin for a service team.
    hinted(
        "nullable, not optional: keep the key and pack None",
        m(
            "py-drop-none",
            "mutant-py-drop-none",
            "chat.ChatRequest",
            "example.minimal",
            DV,
            "nil-vs-absent",
            Some("$.locale"),
        ),
    ),
    hinted(
        "datetime=True",
        m(
            "py-no-datetime-flag",
            "mutant-py-no-datetime-flag",
            "chat.ChatRequest",
            "example.minimal",
            "encode-error",
            "timestamp-form",
            None,
        ),
    ),
];

/// The mutants that accept payloads the contract forbids, caught by golden's must-reject vectors.
const REJECT_MUTANTS: &[Mutant] = &[
    // Go: msgpack.Unmarshal alone, without the checks of the SDK's generated decoders.
    accepts("go-no-checks", "mutant-go-no-checks", "common.TokenUsage", "reject.out-of-range.total_tokens.type"),
    up(
        "msgpack/msgpack#150",
        accepts("go-no-checks/invalid-utf8", "mutant-go-no-checks", "chat.ChatTurn", "reject.invalid-utf8.text"),
    ),
    accepts("go-no-checks/trailing-bytes", "mutant-go-no-checks", "common.TokenUsage", "reject.trailing-bytes"),
    accepts("go-no-checks/duplicate-key", "mutant-go-no-checks", "chat.ChatTurn", "reject.duplicate-key"),
    // Python: a dict read and packed back, without range checks.
    accepts("py-no-range", "mutant-py-no-range", "common.TokenUsage", "reject.out-of-range.total_tokens.type"),
    accepts("py-no-range/duplicate-key", "mutant-py-no-range", "common.TokenUsage", "reject.duplicate-key"),
    // Rust: serde's defaults with rmp_serde::from_slice.
    accepts("rust-bin-as-str", "mutant-rust-bin-as-str", "chat.ChatTurn", "reject.wrong-type.text"),
    accepts("rust-bin-as-str/trailing-bytes", "mutant-rust-bin-as-str", "chat.ChatTurn", "reject.trailing-bytes"),
];

/// Every mutant of the catch rate: those of the golden vectors, then those of the must-reject vectors.
fn all_mutants() -> impl Iterator<Item = &'static Mutant> {
    MUTANTS.iter().chain(REJECT_MUTANTS)
}

const HARNESS: &str = "tests/mutants/peers";

/// The tools these peers need: nats-server (found or built, as verify does), Python with venv, Go, cargo.
pub(super) fn tools() -> PathBuf {
    need(on_path("python3"), "python3 (with venv)");
    need(on_path("go"), "go");
    need(on_path("cargo"), "cargo");
    nats_server()
}

/// Straight to the terminal: libtest captures `eprintln!` of a passing test, and the catch rate is always shown.
pub(super) fn say(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

pub(super) fn s(v: &Json) -> &str {
    v.as_str().unwrap_or_default()
}

/// The class of a verdict: `verdict.detail.class` for a same/different value, `verdict.class` for an error
/// verdict (the exchange event repeats it as `class`).
fn class_of(x: &Json) -> &str {
    let v = &x["verdict"];
    [&v["detail"]["class"], &v["class"], &x["class"]].into_iter().map(s).find(|c| !c.is_empty()).unwrap_or("")
}

fn hint_of(x: &Json) -> &str {
    let v = &x["verdict"];
    [&x["hint"], &v["hint"], &v["detail"]["hint"]].into_iter().map(s).find(|h| !h.is_empty()).unwrap_or("")
}

/// What verify said about one mutant, and whether that is the right diagnosis.
fn judge(mutant: &Mutant, xs: &[&Json]) -> (bool, String) {
    let found: Vec<&&Json> = xs
        .iter()
        .filter(|x| {
            x["producer"] == "golden"
                && x["consumer"] == mutant.peer
                && x["message"] == mutant.message
                && x["case"] == mutant.case
        })
        .collect();
    let [x] = found.as_slice() else {
        return (
            false,
            format!("{} exchanges of golden -> {} {} {}", found.len(), mutant.peer, mutant.message, mutant.case),
        );
    };
    let v = &x["verdict"];
    let (kind, outcome, class, path, hint) =
        (s(&v["kind"]), s(&x["outcome"]), class_of(x), s(&v["detail"]["path"]), hint_of(x));
    let text = v["detail"]["note"].as_str().or(v["error"].as_str()).or(v["why"].as_str()).unwrap_or_default();
    let mut wrong = Vec::new();
    if kind != mutant.kind {
        wrong.push(format!("kind {kind}, expected {}", mutant.kind));
    }
    if outcome != mutant.outcome {
        wrong.push(format!("outcome {outcome}, expected {}", mutant.outcome));
    }
    if class != mutant.class {
        wrong.push(format!("class `{class}`, expected `{}`", mutant.class));
    }
    if let Some(want) = mutant.path {
        if path != want {
            wrong.push(format!("path `{path}`, expected `{want}`"));
        }
    }
    if hint.is_empty() {
        wrong.push("no hint".into());
    }
    if let Some(want) = mutant.hint_has {
        if !hint.contains(want) {
            wrong.push(format!("hint `{hint}` does not say `{want}`"));
        }
    }
    // A field-order finding shows two different lines: the declared order and the written one.
    let (expected, actual) = (s(&v["detail"]["expected"]), s(&v["detail"]["actual"]));
    if class == "field-order" && (expected == actual || !expected.contains("keys in declared order")) {
        wrong.push(format!("expected `{expected}` and actual `{actual}` do not show the two orders"));
    }
    let said = format!(
        "{kind} [{}] at {}: {text}",
        if class.is_empty() { "no class" } else { class },
        if path.is_empty() { "-" } else { path }
    );
    if wrong.is_empty() {
        (true, said)
    } else {
        (false, format!("{said}\n        WRONG: {}", wrong.join("; ")))
    }
}

#[test]
fn every_mutant_is_caught_with_the_right_class_and_field() {
    let nats = tools();
    let start = std::time::Instant::now();
    let t = tempfile::tempdir().unwrap();
    let report = t.path().join("report.json");
    let args = ["verify", "--nats", "binary", "--harness", HARNESS, "--json", report.to_str().unwrap()];
    let o = msgpact(root(), &args, &[("MSGPACT_NATS_SERVER", nats.to_str().unwrap())]);
    let err = stderr(&o);
    assert!(report.is_file(), "verify wrote no JSON report (exit {:?}):\n{err}", o.status.code());
    let report = read_json(&report);
    let events = report["events"].as_array().unwrap();

    // Every mutant peer built, started and answered: a mutant that is not running catches nothing.
    let setup: Vec<&Json> = events.iter().filter(|e| e["event"] == "setup-error").collect();
    assert!(setup.is_empty(), "mutant peers failed to build or start: {setup:#?}\n{err}");
    let ready: BTreeSet<&str> = events.iter().filter(|e| e["event"] == "peer-ready").map(|e| s(&e["peer"])).collect();
    let peers: BTreeSet<&str> = all_mutants().map(|m| m.peer).collect();
    assert_eq!(ready, peers, "every mutant peer is ready:\n{err}");
    assert_eq!(o.status.code(), Some(1), "contract failures exit 1:\n{err}");

    let xs = exchanges(&report);
    let mut lines = Vec::new();
    let mut caught = 0;
    for mutant in all_mutants() {
        let (ok, said) = judge(mutant, &xs);
        caught += usize::from(ok);
        lines.push(format!(
            "  {} {:<30} {} {}: {said}",
            if ok { "caught" } else { "MISSED" },
            mutant.id,
            mutant.message,
            mutant.case
        ));
    }
    let total = all_mutants().count();
    let rate = format!("mutation suite: caught {caught} of {total} mutants with the right class and field");
    say(&format!("{}\n{rate} ({:.1} s)", lines.join("\n"), start.elapsed().as_secs_f64()));
    assert_eq!(caught, total, "{rate}:\n{}", lines.join("\n"));
}

/// Without tools: the mutants, their manifests and the page agree, and every class has a mutant.
#[test]
fn the_suite_covers_every_class_and_the_doc_lists_every_mutant() {
    // Every bug class a verdict can carry (src/classes.rs) has at least one mutant.
    let all: Vec<&str> = msgpact::classes::Class::ALL.iter().map(|c| c.id()).collect();
    let classes: BTreeSet<&str> = all_mutants().map(|m| m.class).collect();
    let missing: Vec<&str> = all.iter().copied().filter(|c| !classes.contains(c)).collect();
    assert!(missing.is_empty(), "no mutant for the classes {missing:?}");
    assert!(classes.iter().all(|c| all.contains(c)), "a mutant expects a class that does not exist: {classes:?}");

    // One manifest per mutant peer, named after its directory, and no manifest without a mutant.
    let dir = root().join(HARNESS);
    let mut manifests = BTreeSet::new();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path().join("peer.toml"))
            .unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
        let m: toml::Table = toml::from_str(&text).unwrap();
        let name = m["name"].as_str().unwrap().to_string();
        assert_eq!(
            name,
            format!("mutant-{}", e.file_name().to_string_lossy()),
            "{}: the peer is named after its directory",
            e.path().display()
        );
        assert!(
            m["run"]["env"]["MSGPACT_MUTANT"].as_str().is_some_and(|v| !v.is_empty()),
            "{name}: [run] env sets MSGPACT_MUTANT"
        );
        manifests.insert(name);
    }
    let peers: BTreeSet<String> = all_mutants().map(|m| m.peer.to_string()).collect();
    assert_eq!(manifests, peers, "tests/mutants/peers/* and MUTANTS name the same peers");

    // docs/mutation-suite.md has a table row per mutant with its class and field.
    let doc = std::fs::read_to_string(root().join("docs/mutation-suite.md")).unwrap();
    for m in all_mutants() {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", m.id)))
            .unwrap_or_else(|| panic!("docs/mutation-suite.md: no table row for `{}`", m.id));
        assert!(
            row.contains(&format!("`{}`", m.class)),
            "docs/mutation-suite.md: the row of `{}` names its class `{}`:\n{row}",
            m.id,
            m.class
        );
        assert!(
            row.contains(m.case),
            "docs/mutation-suite.md: the row of `{}` names its case `{}`:\n{row}",
            m.id,
            m.case
        );
        if let Some(p) = m.path {
            assert!(
                row.contains(&format!("`{p}`")),
                "docs/mutation-suite.md: the row of `{}` names its field `{p}`:\n{row}",
                m.id
            );
        }
        // The public report it reproduces is linked from its row, and every report is named once in MUTANTS.
        if let Some(u) = m.upstream {
            let (repo, n) = u.split_once('#').unwrap();
            let link = format!("[{u}](https://github.com/{repo}/issues/{n})");
            assert!(row.contains(&link), "docs/mutation-suite.md: the row of `{}` links {link}:\n{row}", m.id);
        }
    }
    // The README's catch figure is the suite's size.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let n = all_mutants().count();
    let figure = format!("mutation suite: caught {n} of {n} mutants with the right class and field");
    assert!(readme.contains(&figure), "README.md shows the catch figure `{figure}`");
}

/// Issue 15 part 4: one TypeError raised by a peer on every case of a message is one problem, with its class
/// and the contract line of the field it is about, not one group per case at the line of each case's field.
#[test]
fn one_exception_in_every_case_is_one_problem_at_its_field() {
    let nats = tools();
    let t = tempfile::tempdir().unwrap();
    let args = ["verify", "--nats", "binary", "--harness", HARNESS, "--peer", "mutant-py-no-datetime-flag"];
    let o = msgpact(root(), &args, &[("MSGPACT_NATS_SERVER", nats.to_str().unwrap())]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let heads: Vec<&str> = err.lines().filter(|l| l.starts_with("FAIL ") && !l.contains(" reject.")).collect();
    assert_eq!(heads.len(), 1, "one problem:\n{err}");
    assert!(heads[0].ends_with("(golden -> mutant-py-no-datetime-flag) [timestamp-form]"), "{err}");
    let sent_at = std::fs::read_to_string(root().join("contracts/chat.yaml"))
        .unwrap()
        .lines()
        .position(|l| l.contains("name: sent_at"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("contracts/chat.yaml:{sent_at}:9: encode error: TypeError")), "{err}");
    assert!(err.contains("hint: pack datetimes with `msgpack.packb(..., datetime=True)`"), "{err}");
    assert!(err.contains("the same in 61 more case(s)"), "every valid case of chat.ChatRequest:\n{err}");
    drop(t);
}
