//! Issue 15, part 3: every name `lint` accepts gives generated code that compiles and round-trips in Rust,
//! Python and Go, and what no generator can escape is a `lint` error with a hint.
//!
//! tests/fixtures/torture/contracts holds names of every kind the generators must escape: packages named
//! like keywords, builtins, standard modules, the generated runtimes and registries, the go tool's special
//! directories and file suffixes (`type`, `self`, `rt`, `class`, `annotations`, `main`, `init`, `time`,
//! `msgpactrt`, `registry`, `internal`, `x_test`...); fields named like every keyword, soft keyword,
//! builtin, dunder, generated method, local variable and import of the three languages; types named like
//! the Rust prelude, serde, the generated impls' generics and Python builtins; enum values and fields that
//! meet after case conversion (`a_b`/`aB`, `user_id`/`userId`); a Go enum constant that is also a message
//! name (`RoleUser`); names that an escape produces (`typepkg`, `class_`); 64-character names.
//!
//! The main test does what a team would: `msgpact golden --write` and `msgpact codegen` for the three
//! languages into a temporary harness, the three reference peers built from that code as harness/rust,
//! harness/python and harness/go build theirs (the Rust crate with the workspace's target directory and
//! release profile, so its dependencies are the ones already compiled; the Python peer on the mutation
//! suite's shared venv; the Go module with the SDK of harness/go replaced in), then `msgpact verify` over a
//! real nats-server: every case through every peer and the 3 x 3 producer x consumer matrix, all identical.
//!
//! Under CI=true a missing nats-server, cargo, Go or Python fails these tests instead of skipping them.
use crate::common::*;
use msgpact::contract::Contracts;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

const PEERS: [&str; 3] = ["torture-go", "torture-python", "torture-rust"];

fn torture() -> PathBuf {
    root().join("tests/fixtures/torture/contracts")
}

/// A tool the test needs: under CI its absence fails the test, elsewhere the test says so and stops.
fn require(ok: bool, what: &str) -> bool {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(ok || !ci, "CI=true but {what} is missing: this test must run in CI");
    if !ok {
        eprintln!("SKIPPED (not in CI): {what} is missing");
    }
    ok
}

fn nats_server() -> Option<PathBuf> {
    let path: Vec<PathBuf> = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    path.into_iter().chain([PathBuf::from("/usr/sbin")]).map(|d| d.join("nats-server")).find(|p| p.is_file())
}

/// `msgpact ARGS` from the repository root.
fn msgpact(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_msgpact"));
    cmd.args(args).current_dir(root()).env_remove("NATS_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run msgpact")
}

fn ok(o: Output, what: &str) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{what} failed:\n{}{err}", String::from_utf8_lossy(&o.stdout));
    err
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The Rust reference peer's crate, around generated code: harness/rust/src/main.rs as it is, the SDK
/// (harness/rust/peer) by path, the workspace's lock file (so the same dependency versions, already compiled in target/release),
/// and the crate's own code compiled without optimisation (8 s instead of 45 s for the torture set; the
/// dependencies keep the release profile, so none of them is compiled again). A generated name that rustc
/// lints (`non_snake_case`, `non_camel_case_types`) fails the build.
fn rust_peer(dir: &Path) {
    let cargo = format!(
        "[package]\nname = \"msgpact-torture-peer\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n\
         msgpact-peer = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_bytes = \"0.11\"\nrmp-serde = \"1.3.1\"\n\n[workspace]\n\n\
         [profile.release.package.msgpact-torture-peer]\nopt-level = 0\n\n\
         [lints.rust]\nnonstandard_style = \"deny\"\n",
        s(&root().join("harness/rust/peer"))
    );
    write(&dir.join("Cargo.toml"), &cargo);
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::copy(root().join("harness/rust/src/main.rs"), dir.join("src/main.rs")).unwrap();
    write(
        &dir.join("peer.toml"),
        &[
            "name = \"torture-rust\"\nlanguage = \"rust\"\n[build]\n\
         commands = [[\"cargo\", \"build\", \"--quiet\", \"--release\", \"--target-dir\", \"{root}/target\"]]\n\
         inputs = [\"Cargo.toml\", \"src\"]\n[run]\ncommand = [\"{root}/target/release/msgpact-torture-peer\"]\n",
            POLICY,
        ]
        .concat(),
    );
}

/// The Python reference peer, harness/python/peer.py as it is (it serves the `generated` package beside
/// it), on the venv the Python mutants share.
fn python_peer(dir: &Path) {
    std::fs::copy(root().join("harness/python/peer.py"), dir.join("peer.py")).unwrap();
    write(
        &dir.join("peer.toml"),
        &[
            "name = \"torture-python\"\nlanguage = \"python\"\n[build]\n\
         commands = [[\"python3\", \"{root}/tests/mutants/python/shared_venv.py\", \
         \"{cache}/../../mutants/python-venv\", \"{root}/harness/python/requirements.txt\"]]\n\
         inputs = [\"peer.py\"]\n[run]\ncommand = [\"{cache}/../../mutants/python-venv/bin/python\", \"peer.py\"]\n\
         env = { PYTHONUNBUFFERED = \"1\", PYTHONPATH = \"{root}/harness/python\" }\n",
            POLICY,
        ]
        .concat(),
    );
}

const GO_MODULE: &str = "example.com/msgpact-torture";

/// The reference peers' policy (harness/*/peer.toml): the generated types ignore unknown keys on purpose.
const POLICY: &str = "[policy]\naccepts-unknown-key = \"allow\"\n";

/// The Go reference peer: harness/go/cmd/msgpact-peer-go/main.go with the registry of the generated code,
/// in a module with harness/go's requirements and the SDK module replaced by harness/go/peer.
fn go_peer(dir: &Path) {
    let harness = root().join("harness/go");
    let gomod = std::fs::read_to_string(harness.join("go.mod")).unwrap();
    assert!(gomod.contains("=> ./peer\n"), "harness/go/go.mod no longer replaces the SDK module with ./peer");
    let gomod = gomod
        .replace("module github.com/msgpact/msgpact/harness/go\n", &format!("module {GO_MODULE}\n"))
        .replace("=> ./peer\n", &format!("=> {}\n", s(&harness.join("peer"))));
    write(&dir.join("go.mod"), &gomod);
    std::fs::copy(harness.join("go.sum"), dir.join("go.sum")).unwrap();
    let main = std::fs::read_to_string(harness.join("cmd/msgpact-peer-go/main.go")).unwrap();
    let registry = "github.com/msgpact/msgpact/harness/go/generated/registry";
    assert!(main.contains(registry), "harness/go/cmd/msgpact-peer-go/main.go no longer imports {registry}");
    write(&dir.join("cmd/peer/main.go"), &main.replace(registry, &format!("{GO_MODULE}/generated/registry")));
    write(
        &dir.join("peer.toml"),
        &[
            "name = \"torture-go\"\nlanguage = \"go\"\n[build]\n\
         commands = [[\"go\", \"build\", \"-mod=readonly\", \"-o\", \"{cache}/torture-peer-go\", \"./cmd/peer\"]]\n\
         inputs = [\"go.mod\", \"go.sum\", \"generated\", \"cmd\"]\n[run]\ncommand = [\"{cache}/torture-peer-go\"]\n",
            POLICY,
        ]
        .concat(),
    );
}

fn golden_files(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            n += golden_files(&p);
        } else if p.extension().is_some_and(|x| x == "msgpack") {
            n += 1;
        }
    }
    n
}

#[test]
fn torture_names_compile_and_pass_verify_in_rust_python_and_go() {
    let nats = nats_server();
    if !require(nats.is_some(), "nats-server")
        || !require(on_path("cargo"), "cargo")
        || !require(on_path("go"), "go")
        || !require(on_path("python3"), "python3 (with venv)")
    {
        return;
    }
    let t0 = Instant::now();
    let contracts = torture();
    let (c, d) = Contracts::load_dir(&contracts);
    assert!(d.items.is_empty(), "the torture contracts lint clean:\n{}", d.render_all(&c.sources));
    let cases = msgpact::golden::generate(&c);
    let ids: BTreeSet<(String, &str)> = cases.iter().map(|k| (c.message_name(k.message), k.id.as_str())).collect();
    assert_eq!(ids.len(), cases.len(), "two golden cases of one message have the same id");
    let messages = c.message_ids().count();
    assert!(c.packages.len() > 100 && messages > 170 && cases.len() > 1700, "the torture set shrank");

    let t = tempfile::tempdir().unwrap();
    let (golden, harness) = (t.path().join("golden"), t.path().join("harness"));
    ok(msgpact(&["golden", "--write", "--contracts", s(&contracts), "--golden", s(&golden)], &[]), "golden --write");
    assert_eq!(golden_files(&golden), cases.len(), "one golden vector per case");
    let (rust, python, go) = (harness.join("rust"), harness.join("python"), harness.join("go"));
    for (lang, out) in [("rust", rust.join("src")), ("python", python.join("generated")), ("go", go.join("generated"))]
    {
        let mut args = vec!["codegen", "--lang", lang, "--contracts", s(&contracts), "--out", s(&out)];
        let import = format!("{GO_MODULE}/generated");
        if lang == "go" {
            args.extend(["--go-import-path", &import]);
        }
        ok(msgpact(&args, &[]), &format!("codegen --lang {lang}"));
    }
    rust_peer(&rust);
    python_peer(&python);
    go_peer(&go);
    let prepared = t0.elapsed();

    let report = t.path().join("report.json");
    let args = ["verify", "--nats", "binary", "--contracts", s(&contracts), "--golden", s(&golden)];
    let args = [&args[..], &["--harness", s(&harness), "--json", s(&report)]].concat();
    let o = msgpact(&args, &[("MSGPACT_NATS_SERVER", s(nats.as_ref().unwrap()))]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(report.is_file(), "verify wrote no report (exit {:?}):\n{err}", o.status.code());
    let report: Json = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(o.status.code(), Some(0), "verify of the torture peers failed:\n{err}");
    // where the time goes, for CI logs: the peers' builds and readiness, and verify's summary
    for line in err.lines().filter(|l| l.starts_with("peer ") || l.starts_with("verify: ")) {
        eprintln!("  {line}");
    }
    eprintln!(
        "torture names: {} packages, {messages} messages, {} cases; golden + codegen in {:.1} s, peers built \
         and verified in {:.1} s",
        c.packages.len(),
        cases.len(),
        prepared.as_secs_f64(),
        (t0.elapsed() - prepared).as_secs_f64()
    );

    let events = report["events"].as_array().unwrap();
    let planned = events.iter().find(|e| e["event"] == "planned").expect("a planned event");
    assert_eq!(planned["cases"], cases.len(), "{planned}");
    assert_eq!(planned["messages"], messages, "{planned}");
    // Each peer runs code generated from these contracts (the runner refuses a stale one) and serves every
    // message type.
    let hash = msgpact::contract::hash::wire_hash(&c);
    let ready: Vec<&Json> = events.iter().filter(|e| e["event"] == "peer-ready").collect();
    assert_eq!(ready.len(), 3, "{err}");
    for r in ready {
        assert_eq!(r["hello"]["contracts_hash"], hash.as_str(), "{r}");
        assert_eq!(r["hello"]["types"].as_array().map(Vec::len), Some(messages), "{}: every type is served", r["peer"]);
    }
    // Every case through every peer, and every peer's output through every peer: identical bytes; every
    // must-reject payload refused (an unknown key accepted, as the policy allows).
    let mut cells: BTreeMap<(String, String), usize> = BTreeMap::new();
    for x in events.iter().filter(|e| e["event"] == "exchange") {
        assert_eq!(x["outcome"], "pass", "{x}");
        let want = match x["reject"].as_str() {
            None => "identical",
            Some("unknown-key") => "accepts-invalid",
            Some(_) => "refused",
        };
        assert_eq!(x["verdict"]["kind"], want, "{x}");
        let key = (x["producer"].as_str().unwrap().to_string(), x["consumer"].as_str().unwrap().to_string());
        *cells.entry(key).or_default() += 1;
    }
    let valid = cases.iter().filter(|k| k.reject().is_none()).count();
    let producers = std::iter::once("golden").chain(PEERS);
    let want: BTreeMap<(String, String), usize> = producers
        .flat_map(|p| PEERS.map(|c| ((p.to_string(), c.to_string()), if p == "golden" { cases.len() } else { valid })))
        .collect();
    assert_eq!(cells, want, "every case in every cell: golden -> 3 peers and the 3 x 3 matrix");
    let summary = &report["summary"];
    assert_eq!(summary["passed"], 3 * cases.len(), "{summary}");
    assert_eq!((&summary["failed"], &summary["skipped"], &summary["warned"]), (&0.into(), &0.into(), &0.into()));
}

/// A contract set of one file, loaded; the rendered diagnostics (`CODE: path:line:col: ...`).
fn lint(yaml: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.yaml"), yaml).unwrap();
    let (c, d) = Contracts::load_dir(dir.path());
    d.sorted().iter().map(|x| format!("{}: {}", x.code.id(), x.render(&c.sources))).collect()
}

/// A package `p` with one message `M` holding `fields` (YAML flow mappings) and `example`.
fn package(name: &str, extra: &str, fields: &[&str], example: &str) -> String {
    let list = if fields.is_empty() { " []" } else { "" };
    let mut y = format!("package: {name}\nversion: 1.0.0\n{extra}messages:\n  M:\n    fields:{list}\n");
    for f in fields {
        y.push_str(&format!("      - {f}\n"));
    }
    y + &format!("    examples:\n      x: {example}\n")
}

/// Every kind of name no generator can escape is refused, once, at the name, with a hint that says why.
#[test]
fn names_no_generator_can_escape_are_lint_errors_with_hints() {
    let long = "x".repeat(65);
    let long_type = format!("L{}", "x".repeat(64));
    let bool_f = |n: &str| format!("{{name: {n}, type: bool}}");
    let cases: Vec<(String, String, &str)> = vec![
        // (what, contract, what the error says)
        ("Windows device `con`".into(), package("con", "", &[], "{}"), "package `con` has the name of a Windows device"),
        ("Windows device `aux`".into(), package("aux", "", &[], "{}"), "package `aux` has the name of a Windows device"),
        ("Windows device `nul`".into(), package("nul", "", &[], "{}"), "package `nul` has the name of a Windows device"),
        ("Windows device `com1`".into(), package("com1", "", &[], "{}"), "`com1` has the name of a Windows device"),
        ("Windows device `lpt9`".into(), package("lpt9", "", &[], "{}"), "`lpt9` has the name of a Windows device"),
        ("a 65-character package".into(), package(&long, "", &[], "{}"), "package name `xxxxx"),
        (
            "a 65-character message".into(),
            format!("package: p\nversion: 1.0.0\nmessages:\n  {long_type}:\n    fields: []\n    examples:\n      x: {{}}\n"),
            "message name `Lxxxx",
        ),
        (
            "a 65-character enum".into(),
            package("p", &format!("enums:\n  {long_type}:\n    values: [a]\n"), &[], "{}"),
            "enum name `Lxxx",
        ),
        (
            "a 65-character enum value".into(),
            package("p", &format!("enums:\n  E:\n    values: [{long}]\n"), &[], "{}"),
            "enum value name `xxx",
        ),
        ("a 65-character field".into(), package("p", "", &[&bool_f(&long)], &format!("{{{long}: true}}")), "field name `xxx"),
        (
            "messages differing only in case".into(),
            "package: p\nversion: 1.0.0\nmessages:\n  Chat:\n    fields: []\n    examples: {x: {}}\n  CHAT:\n    fields: []\n    examples: {x: {}}\n"
                .into(),
            "message `CHAT` of package `p` differs from `Chat` (line 4) only in case",
        ),
        (
            "fields differing only in case".into(),
            package("p", "", &[&bool_f("userId"), &bool_f("userid")], "{userId: true, userid: true}"),
            "field `userid` of message `M` differs from `userId` (line 6) only in case",
        ),
        (
            "enum values differing only in case".into(),
            package("p", "enums:\n  Role:\n    values: [user, USER]\n", &[], "{}"),
            "value `USER` of enum `Role` differs from `user` (line 5) only in case",
        ),
        (
            "examples differing only in case".into(),
            "package: p\nversion: 1.0.0\nmessages:\n  M:\n    fields: []\n    examples:\n      min: {}\n      MIN: {}\n"
                .into(),
            "example `MIN` of message `M` differs from `min` (line 7) only in case",
        ),
        (
            "enum value `absent` of an optional field".into(),
            package("p", "enums:\n  E:\n    values: [absent, x]\n", &["{name: e, type: E, optional: true}"], "{}"),
            "whose value `absent` gives the golden case `edge.e.absent` that the absent field already has",
        ),
        (
            "enum value `nil` of a nullable field".into(),
            package("p", "enums:\n  E:\n    values: [nil, x]\n", &["{name: e, type: E, nullable: true}"], "{e: x}"),
            "whose value `nil` gives the golden case `edge.e.nil` that the nil field already has",
        ),
    ];
    for (what, yaml, says) in &cases {
        let found = lint(yaml);
        assert_eq!(found.len(), 1, "{what}: exactly one error\n{yaml}\n{found:#?}");
        assert!(found[0].starts_with("E210: ") && found[0].contains("error[E210]: "), "{what}: {}", found[0]);
        assert!(found[0].contains(says), "{what}: the error says {says:?}:\n{}", found[0]);
        assert!(found[0].contains("\n  hint: "), "{what}: a hint:\n{}", found[0]);
    }
    // The same names one step away are fine: 64 characters, a device name with a suffix, `absent` on a
    // required field.
    let fine = [
        package(&"x".repeat(64), "", &[], "{}"),
        package("con_", "", &[], "{}"),
        package("p", "enums:\n  E:\n    values: [absent, nil]\n", &["{name: e, type: E}"], "{e: nil}"),
        package("p", "", &[&bool_f("user_id"), &bool_f("userId")], "{user_id: true, userId: true}"),
    ];
    for yaml in &fine {
        assert_eq!(lint(yaml), Vec::<String>::new(), "{yaml}");
    }
}

/// Through the CLI: `lint` exits 2 on such a name, and `codegen` refuses to write code from those contracts.
#[test]
fn lint_and_codegen_refuse_an_unusable_name() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("contracts/aux.yaml"), &package("aux", "", &[], "{}"));
    let contracts = dir.path().join("contracts");
    let o = msgpact(&["lint", "--contracts", s(&contracts)], &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("aux.yaml:1:10: error[E210]: package `aux` has the name of a Windows device"), "{err}");
    assert!(err.contains("hint: the go tool refuses `aux` in any import path"), "{err}");
    let out = dir.path().join("gen");
    let o = msgpact(&["codegen", "--lang", "go", "--contracts", s(&contracts), "--out", s(&out)], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.exists(), "nothing is generated from contracts that do not lint");
}

/// The torture contracts are what tests/fixtures/torture/write_contracts.py writes, so that a name is added
/// there (the script keeps the messages within lint's rules) and never by hand in one YAML file only.
#[test]
fn the_torture_contracts_are_the_output_of_their_script() {
    if !require(on_path("python3"), "python3") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = root().join("tests/fixtures/torture/write_contracts.py");
    let o = Command::new("python3").arg(&script).arg(dir.path()).output().expect("run python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let files = |d: &Path| -> BTreeMap<String, String> {
        std::fs::read_dir(d)
            .unwrap()
            .flatten()
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap()))
            .collect()
    };
    let (want, have) = (files(dir.path()), files(&torture()));
    assert_eq!(want.keys().collect::<Vec<_>>(), have.keys().collect::<Vec<_>>(), "the same files");
    for (name, text) in &want {
        assert!(
            &have[name] == text,
            "tests/fixtures/torture/contracts/{name} is not what the script writes: run `python3 \
             tests/fixtures/torture/write_contracts.py tests/fixtures/torture/contracts`"
        );
    }
}
