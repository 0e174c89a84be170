//! The peer SDKs as packages that do not move a service's dependencies (issue 14, step 5), tested the way a
//! service repository would take them:
//!
//! - Python: the distribution `msgpact-peer` installed by pip from a git subdirectory into two venvs, one with
//!   the oldest versions its ranges allow (msgpack 1.0.0, nats-py 2.0.0) and one with the newest, each running
//!   the SDK's own test suite against the installed package over a real nats-server.
//! - Go: a service module (`go 1.24`, vmihailenco/msgpack v5.3.5, nats.go v1.37.0) adds the SDK module with a
//!   replace directive and `go mod tidy`: its go.mod gains the SDK's require and replace lines and nothing else
//!   changes; then `go mod vendor` and `go build -mod=vendor`, and the binary links the service's versions.
//! - Rust: `cargo package -p msgpact-peer` has what crates.io needs (metadata, no path-only dependency, only
//!   the SDK's files).
//!
//! They need pip and the Go module proxy (or warm caches); docs/own-peer.md has the recipes they check.
use crate::common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A git repository holding the Python SDK's distribution files at `harness/python`, as in msgpact's own
/// repository, committed as they are in this checkout.
fn python_sdk_repo(dir: &Path) {
    let src = root().join("harness/python");
    let dst = dir.join("harness/python");
    std::fs::create_dir_all(dst.join("msgpact_peer")).unwrap();
    for f in ["pyproject.toml", "README.md"] {
        std::fs::copy(src.join(f), dst.join(f)).unwrap();
    }
    for e in std::fs::read_dir(src.join("msgpact_peer")).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "py") {
            std::fs::copy(e.path(), dst.join("msgpact_peer").join(e.file_name())).unwrap();
        }
    }
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "the Python peer SDK"]);
}

fn pin(file: &str, package: &str) -> String {
    let text = std::fs::read_to_string(root().join("harness/python").join(file)).unwrap();
    text.lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{package}==")).map(str::to_string))
        .unwrap_or_else(|| panic!("harness/python/{file} pins no {package}"))
}

fn version_tuple(v: &str) -> Vec<u64> {
    v.split('.').map(|p| p.chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap_or(0)).collect()
}

/// One venv: `requirements` and the SDK from git installed with pip, then the SDK's own tests (copied away from
/// the source, so that they import the installed package) run against it. Returns the installed versions.
fn python_venv_passes_the_sdk_suite(dir: &Path, sdk: &str, requirements: &[&str], tests: &[&str]) -> (String, String) {
    let venv = dir.join("venv");
    run_ok(Command::new("python3").args(["-m", "venv"]).arg(&venv), "create a venv");
    let pip = venv.join("bin/pip");
    run_ok(
        Command::new(&pip)
            .args(["install", "--quiet", "--disable-pip-version-check", "--no-compile", "--upgrade"])
            .args(requirements)
            .arg(format!("pytest=={}", pin("requirements-dev.txt", "pytest")))
            .arg(sdk),
        &format!("pip install {} and the SDK from git", requirements.join(" ")),
    );
    let python = venv.join("bin/python");
    let suite = dir.join("suite");
    std::fs::create_dir_all(suite.join("tests")).unwrap();
    std::fs::copy(root().join("harness/python/pytest.ini"), suite.join("pytest.ini")).unwrap();
    for f in ["conftest.py", "toy_peer.py"].iter().chain(tests) {
        std::fs::copy(root().join("harness/python/tests").join(f), suite.join("tests").join(f)).unwrap();
    }
    let probe = "import importlib.metadata as m, msgpact_peer; \
                 print(msgpact_peer.__file__); print(m.version('msgpack')); print(m.version('nats-py'))";
    let out = run_ok(Command::new(&python).args(["-c", probe]).current_dir(&suite), "import the installed SDK");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with(venv.to_str().unwrap()), "msgpact_peer is not the installed one: {}", lines[0]);
    let out = run_ok(
        Command::new(&python)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "tests"])
            .env("MSGPACT_NATS_SERVER", nats_server())
            .env_remove("MSGPACT_TEST_SKIP_NATS")
            .env_remove("PYTHONPATH")
            .current_dir(&suite),
        &format!("the SDK's tests with {}", requirements.join(" ")),
    );
    let summary = out.lines().rev().find(|l| l.contains("passed")).unwrap_or("").to_string();
    assert!(!summary.contains("skipped") && !summary.contains("failed"), "{summary}\n{out}");
    eprintln!("python, msgpack {} and nats-py {}: {summary}", lines[1], lines[2]);
    (lines[1].to_string(), lines[2].to_string())
}

#[test]
fn the_python_sdk_installs_from_git_and_passes_its_tests_on_the_oldest_and_newest_versions() {
    need(on_path("python3"), "python3");
    need(on_path("git"), "git");
    let t = tempfile::tempdir().unwrap();
    let repo = t.path().join("repo");
    python_sdk_repo(&repo);
    // Both spellings pip takes: a bare URL (the extra's dependency named beside it), and a named requirement
    // with the extra (pip 23's parser wants a host in a named file URL: `localhost`).
    let bare = format!("git+file://{}#subdirectory=harness/python", repo.display());
    let named = format!("msgpact-peer[nkeys] @ git+file://localhost{}#subdirectory=harness/python", repo.display());
    let behaviour = ["test_sdk_unit.py", "test_peer_nats.py", "test_lifecycle.py"];
    std::thread::scope(|s| {
        // The oldest versions the ranges of pyproject.toml allow (msgpack>=1.0, nats-py>=2.0). The fast path
        // replaces nats-py internals of the pinned version; older ones serve without it (test_peer_nats).
        let oldest = s.spawn(|| {
            let dir = t.path().join("oldest");
            python_venv_passes_the_sdk_suite(&dir, &bare, &["msgpack==1.0.0", "nats-py[nkeys]==2.0.0"], &behaviour)
        });
        // The newest: whatever pip resolves today, with the fast path's equivalence checked against it too.
        let newest = s.spawn(|| {
            let dir = t.path().join("newest");
            let tests: Vec<&str> = behaviour.iter().copied().chain(["test_fastpath.py"]).collect();
            python_venv_passes_the_sdk_suite(&dir, &named, &["msgpack", "nats-py"], &tests)
        });
        assert_eq!(oldest.join().unwrap(), ("1.0.0".to_string(), "2.0.0".to_string()));
        let (msgpack, nats) = newest.join().unwrap();
        for (name, got) in [("msgpack", msgpack), ("nats-py", nats)] {
            let pinned = pin("requirements.txt", name);
            assert!(
                version_tuple(&got) >= version_tuple(&pinned),
                "newest {name} {got} is older than the pin {pinned}"
            );
        }
    });
}

fn go(dir: &Path, args: &[&str]) -> String {
    run_ok(
        Command::new("go").args(args).env("GOFLAGS", "").env("GOTOOLCHAIN", "local").current_dir(dir),
        &format!("go {}", args.join(" ")),
    )
}

const SERVICE_MAIN: &str = r#"package main

import (
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/vmihailenco/msgpack/v5"
)

type TokenUsage struct {
	PromptTokens uint32 `msgpack:"prompt_tokens"`
}

func main() {
	b, err := msgpack.Marshal(&TokenUsage{PromptTokens: 1})
	fmt.Println(len(b), err, nats.DefaultURL)
}
"#;

const SERVICE_PEER: &str = r#"package main

import (
	"github.com/msgpact/msgpact/harness/go/peer"
	"github.com/vmihailenco/msgpack/v5"
)

type TokenUsage struct {
	PromptTokens uint32 `msgpack:"prompt_tokens"`
}

func main() {
	p := peer.New(peer.Info{Library: "github.com/vmihailenco/msgpack/v5"})
	peer.Register(p, "common.TokenUsage",
		func(b []byte) (v TokenUsage, err error) { return v, msgpack.Unmarshal(b, &v) },
		func(v TokenUsage) ([]byte, error) { return msgpack.Marshal(&v) })
	p.Run()
}
"#;

const SDK_MODULE: &str = "github.com/msgpact/msgpact/harness/go/peer";

fn lines(text: &str) -> BTreeSet<String> {
    text.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
}

#[test]
fn adding_the_go_sdk_to_a_service_changes_nothing_else_in_its_go_mod_and_vendors() {
    need(on_path("go"), "go");
    let t = tempfile::tempdir().unwrap();
    let service = t.path().join("billing");
    std::fs::create_dir_all(&service).unwrap();
    std::fs::write(service.join("main.go"), SERVICE_MAIN).unwrap();
    std::fs::write(
        service.join("go.mod"),
        "module example.com/billing\n\ngo 1.24\n\nrequire (\n\tgithub.com/nats-io/nats.go v1.37.0\n\
         \tgithub.com/vmihailenco/msgpack/v5 v5.3.5\n)\n",
    )
    .unwrap();
    go(&service, &["mod", "tidy"]);
    let before = std::fs::read_to_string(service.join("go.mod")).unwrap();

    // The recipe of docs/own-peer.md: the SDK module in a directory of the repository (a copy, a git subtree
    // or submodule; not under vendor/), required at the zero version and replaced by that directory.
    copy_dir(&root().join("harness/go/peer"), &service.join("third_party/msgpact-peer"));
    std::fs::create_dir_all(service.join("cmd/peer")).unwrap();
    std::fs::write(service.join("cmd/peer/main.go"), SERVICE_PEER).unwrap();
    let require = format!("-require={SDK_MODULE}@v0.0.0-00010101000000-000000000000");
    let replace = format!("-replace={SDK_MODULE}=./third_party/msgpact-peer");
    go(&service, &["mod", "edit", &require, &replace]);
    go(&service, &["mod", "tidy"]);
    let after = std::fs::read_to_string(service.join("go.mod")).unwrap();

    let (old, new) = (lines(&before), lines(&after));
    let removed: Vec<&String> = old.difference(&new).collect();
    let added: Vec<&String> = new.difference(&old).collect();
    assert!(
        removed.is_empty(),
        "adding the SDK changed the service's go.mod lines {removed:?}:\n{before}\n---\n{after}"
    );
    assert_eq!(
        added,
        [
            &format!("{SDK_MODULE} v0.0.0-00010101000000-000000000000"),
            &format!("replace {SDK_MODULE} => ./third_party/msgpact-peer"),
        ],
        "the go.mod gained more than the SDK's own lines:\n{before}\n---\n{after}"
    );
    assert!(after.contains("\ngo 1.24\n") && !after.contains("toolchain"), "{after}");

    // go mod vendor copies the replaced module into vendor/; the build then needs nothing else.
    go(&service, &["mod", "vendor"]);
    assert!(service.join("vendor").join(SDK_MODULE).join("serve.go").is_file(), "the SDK is not vendored");
    let binary = t.path().join("billing-peer");
    go(&service, &["build", "-mod=vendor", "-o", binary.to_str().unwrap(), "./cmd/peer"]);
    let linked = go(&service, &["version", "-m", binary.to_str().unwrap()]);
    for (module, version) in
        [("github.com/vmihailenco/msgpack/v5", "v5.3.5"), ("github.com/nats-io/nats.go", "v1.37.0")]
    {
        assert!(
            linked.lines().any(|l| l.split_whitespace().take(3).eq(["dep", module, version])),
            "the peer does not link the service's {module} {version}:\n{linked}"
        );
    }
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

#[test]
fn the_rust_sdk_is_ready_for_crates_io() {
    // What the package holds: the SDK's own files only (the reference peer and its generated code are the
    // crate above it). `--no-verify` skips compiling the packaged copy from scratch (two minutes of CI); the
    // same sources compile in the workspace. `cargo package -p msgpact-peer` with verification passes too.
    let listed = run_ok(
        cargo().args(["package", "-p", "msgpact-peer", "--list", "--allow-dirty", "--offline"]),
        "cargo package --list",
    );
    let files: BTreeSet<&str> = listed.lines().filter(|l| !l.starts_with(' ') && !l.contains(' ')).collect();
    for f in ["Cargo.toml", "README.md", "build.rs", "src/lib.rs", "src/protocol.rs", "src/peer.rs", "src/serve.rs"] {
        assert!(files.contains(f), "the package lacks {f}: {files:?}");
    }
    assert!(!files.iter().any(|f| f.contains("generated") || f.contains("main.rs") || f.contains("bin/")), "{files:?}");

    let meta: serde_json::Value = serde_json::from_str(&run_ok(
        cargo().args(["metadata", "--no-deps", "--format-version", "1", "--offline"]),
        "cargo metadata",
    ))
    .unwrap();
    let sdk = meta["packages"].as_array().unwrap().iter().find(|p| p["name"] == "msgpact-peer").expect("msgpact-peer");
    for field in ["description", "license", "repository", "readme"] {
        assert!(sdk[field].as_str().is_some_and(|v| !v.is_empty()), "msgpact-peer has no {field}");
    }
    assert_eq!(sdk["repository"], "https://github.com/msgpact/msgpact");
    for field in ["keywords", "categories"] {
        assert!(sdk[field].as_array().is_some_and(|v| !v.is_empty()), "msgpact-peer has no {field}");
    }
    // crates.io refuses a dependency it cannot resolve by version.
    for dep in sdk["dependencies"].as_array().unwrap() {
        assert!(dep["path"].is_null() || dep["req"] != "*", "{} is a path-only dependency", dep["name"]);
    }
    // The generated Cargo.toml cargo would publish, and the crate file itself.
    run_ok(
        cargo().args(["package", "-p", "msgpact-peer", "--no-verify", "--allow-dirty", "--offline"]),
        "cargo package --no-verify",
    );
    let target = PathBuf::from(meta["target_directory"].as_str().unwrap());
    // With --no-verify cargo writes only the .crate file (a gzipped tar), not the unpacked copy.
    let krate = target.join("package/msgpact-peer-0.1.0.crate");
    let published = run_ok(
        Command::new("tar").arg("-xzOf").arg(&krate).arg("msgpact-peer-0.1.0/Cargo.toml"),
        "read Cargo.toml from the packaged crate",
    );
    let manifest: toml::Table = toml::from_str(&published).unwrap();
    let deps = manifest["dependencies"].as_table().expect("[dependencies]");
    assert!(deps.contains_key("async-nats") && deps.contains_key("rmp-serde"), "{published}");
    for (name, dep) in deps {
        assert!(dep.get("path").is_none() && dep.get("version").is_some(), "{name} has no version: {dep}");
    }
}
