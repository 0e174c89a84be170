//! The Python and Go test suites (SDKs, generated types, reference peers), run from `cargo test` so that
//! the README's one test command covers all three languages. A missing toolchain fails them, and so would a
//! skipped test: both suites get the nats-server every other test uses (`MSGPACT_NATS_SERVER`), found or
//! built once by tests/common.
use crate::common::*;
use std::path::PathBuf;
use std::process::Command;

/// A virtual environment with harness/python/requirements-dev.txt, rebuilt when that file changes.
fn python_venv() -> PathBuf {
    let python = which("python3");
    need(python.is_some(), "python3");
    let dir = root().join("target/msgpact/test-venv");
    std::fs::create_dir_all(&dir).unwrap();
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join("lock")).unwrap();
    lock.lock().unwrap();
    let reqs = [root().join("harness/python/requirements.txt"), root().join("harness/python/requirements-dev.txt")];
    let key: String = reqs.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    let stamp = dir.join("stamp");
    let venv = dir.join("venv");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(key.as_str()) {
        let _ = std::fs::remove_dir_all(&venv);
        run_ok(Command::new(python.unwrap()).args(["-m", "venv"]).arg(&venv), "create the test venv");
        run_ok(
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
                .arg(&reqs[1])
                .current_dir(root().join("harness/python")),
            "pip install requirements-dev.txt",
        );
        std::fs::write(&stamp, key).unwrap();
    }
    venv
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(tool)).find(|p| p.is_file()))
}

#[test]
fn python_suite_passes() {
    let venv = python_venv();
    let out = run_ok(
        Command::new(venv.join("bin/python"))
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"])
            .env("MSGPACT_NATS_SERVER", nats_server())
            .env_remove("MSGPACT_TEST_SKIP_NATS")
            .current_dir(root().join("harness/python")),
        "pytest in harness/python",
    );
    let last = out.lines().rev().find(|l| l.contains("passed")).unwrap_or("");
    assert!(!last.contains("skipped"), "every Python test must run; some were skipped: {last}\n{out}");
    eprintln!("pytest: {last}");
}

#[test]
fn go_suite_passes() {
    let go = which("go").or_else(|| Some(PathBuf::from("/usr/local/go/bin/go")).filter(|p| p.is_file()));
    need(go.is_some(), "go");
    // No MSGPACT_TEST_SKIP_NATS: without a nats-server the suite's NATS tests fail instead of skipping.
    // Two modules: the SDK (harness/go/peer, its own module on its oldest versions) and the reference peer with
    // the generated code (harness/go, on today's pins).
    for module in ["harness/go/peer", "harness/go"] {
        let out = run_ok(
            Command::new(go.as_ref().unwrap())
                .args(["test", "-count=1", "./..."])
                .env("MSGPACT_NATS_SERVER", nats_server())
                .env_remove("MSGPACT_TEST_SKIP_NATS")
                .current_dir(root().join(module)),
            &format!("go test ./... in {module}"),
        );
        assert!(out.lines().any(|l| l.starts_with("ok")), "{out}");
        eprintln!("{out}");
    }
}

#[test]
fn generated_code_and_fixtures_are_current() {
    let checks: [(&str, &[&str]); 5] = [
        ("rust", &["codegen", "--check", "--lang", "rust", "--out", "harness/rust/src"]),
        ("python", &["codegen", "--check", "--lang", "python", "--out", "harness/python/generated"]),
        ("go", &["codegen", "--check", "--lang", "go", "--out", "harness/go/generated"]),
        (
            "go kitchen",
            &[
                "codegen",
                "--check",
                "--lang",
                "go",
                "--contracts",
                "harness/go/generated_test/testdata/contracts",
                "--out",
                "harness/go/generated_test/kitchen",
            ],
        ),
        (
            "kitchen golden",
            &[
                "golden",
                "--check",
                "--contracts",
                "harness/go/generated_test/testdata/contracts",
                "--golden",
                "harness/go/generated_test/testdata/golden",
            ],
        ),
    ];
    let mut stale = Vec::new();
    for (what, args) in checks {
        let o = msgpact(root(), args, &[]);
        if o.status.code() != Some(0) {
            stale.push(format!("{what}: `msgpact {}`\n{}", args.join(" "), stderr(&o)));
        }
    }
    assert!(stale.is_empty(), "generated files are stale (regenerate without --check):\n{}", stale.join("\n"));
}
