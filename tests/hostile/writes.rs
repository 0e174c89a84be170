//! Writes stay whole and in their place, and verify says where the commands it runs come from.
use crate::util::*;

/// After a `golden --write` killed between writing a temporary file and renaming it, `.NAME.tmp-PID` stayed
/// in golden/ and neither a later `--write` nor `--check` noticed it.
#[test]
fn leftover_temporary_files_are_reported_by_check_and_removed_by_write() {
    let t = workspace();
    // A pid that existed and is gone: the temporary file of a write that was killed.
    let mut dead = std::process::Command::new("true").spawn().unwrap();
    let pid = dead.id();
    dead.wait().unwrap();
    let leftover = t.path().join(format!("golden/chat/ChatRequest/.example.minimal.msgpack.tmp-{pid}"));
    write(&leftover, b"half a vec");
    let opts = || Opts { cwd: Some(t.path()), ..Default::default() };
    let r = run(&["golden", "--check"], opts());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("leftover golden/chat/ChatRequest/.example.minimal.msgpack.tmp-{pid}")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("hint: `msgpact golden --write` removes them"), "{}", r.stderr);
    assert!(leftover.exists(), "--check writes nothing");
    let r = run(&["golden", "--write"], opts());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("removed  golden/chat/ChatRequest/.example.minimal"), "{}", r.stderr);
    assert!(!leftover.exists());
    let r = run(&["golden", "--check"], opts());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// A peer.toml with `expected_failures = "../../../elsewhere/victim.txt"` and `--update-expected-failures`
/// rewrote a file outside the harness.
#[test]
fn an_expected_failures_path_outside_the_harness_is_refused() {
    let t = workspace();
    let victim = t.path().join("elsewhere/victim.txt");
    write(&victim, "chat.ChatRequest example.minimal: a stale entry that passes now\n");
    shell_peer(t.path(), "echo", "exec ECHO", &[], "expected_failures = \"../../elsewhere/victim.txt\"");
    let r = run(
        &["verify", "--update-expected-failures", "--nats", "url", "--nats-url", "nats://127.0.0.1:1"],
        Opts { cwd: Some(t.path()), ..Default::default() },
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("expected_failures = \"../../elsewhere/victim.txt\" is outside the peer's directory"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "chat.ChatRequest example.minimal: a stale entry that passes now\n",
        "the file outside the harness is untouched"
    );
}

/// `--nats-creds` with `--nats binary` was ignored without a word.
#[test]
fn nats_creds_with_a_backend_that_ignores_it_is_an_error() {
    let t = workspace();
    write(&t.path().join("user.creds"), "not read");
    for backend in ["binary", "container", "auto"] {
        let r = run(
            &["verify", "--nats", backend, "--nats-creds", "user.creds"],
            Opts { cwd: Some(t.path()), ..Default::default() },
        );
        assert_eq!(r.code, Some(2), "{backend}: {}", r.stderr);
        assert!(
            r.stderr.contains("error[E901]: --nats-creds user.creds is given, but --nats"),
            "{backend}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("verify: ERROR, nothing was run"), "{backend}: {}", r.stderr);
    }
}

/// A harness given on the command line ran its build and run commands with no word of where they came from.
#[test]
fn verify_says_which_harness_directory_s_commands_it_runs() {
    let t = workspace();
    shell_peer(t.path(), "one", "exec ECHO", &[], "");
    shell_peer(t.path(), "two", "exec ECHO", &[], "");
    let r = run(
        &["verify", "--harness", "harness", "--nats", "url", "--nats-url", "nats://127.0.0.1:1"],
        Opts { cwd: Some(t.path()), ..Default::default() },
    );
    let dir = std::fs::canonicalize(t.path().join("harness")).unwrap();
    let line = format!("verify: runs the build and run commands of {}/{{one,two}}/peer.toml", dir.display());
    assert!(r.stderr.contains(&line), "{line}\n{}", r.stderr);
}
