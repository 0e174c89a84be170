//! A peer's output is read as bytes, shown lossily, bounded per line and per log, and its error texts are
//! cleaned before any reporter sees them.
use crate::util::*;

fn verify(t: &std::path::Path) -> Run {
    run(
        &["verify", "--nats", "binary", "--json", "r.json", "--junit", "r.xml"],
        Opts { cwd: Some(t), ..Default::default() },
    )
}

/// `printf 'starting \377\n' >&2` before exec: msgpact stopped reading the pipe and the peer died of SIGPIPE.
#[test]
fn a_non_utf8_byte_on_stderr_does_not_kill_the_peer() {
    let Some(_) = need_nats() else { return };
    let t = workspace();
    shell_peer(
        t.path(),
        "echo",
        "printf 'starting \\377\\n' >&2; for i in 1 2 3; do echo line $i >&2; done; exec ECHO",
        &[],
        "",
    );
    let r = verify(t.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // 322 golden vectors and 201 must-reject ones (the echo peer refuses those by their case id)
    assert!(r.stderr.contains("verify: ok, 523 exchanges: 523 passed"), "{}", r.stderr);
    let log = std::fs::read_to_string(t.path().join("target/msgpact/logs/echo.log")).unwrap();
    assert!(
        log.starts_with("starting \u{fffd}\nline 1\nline 2\nline 3\n"),
        "shown lossily, and the reading went on:\n{log}"
    );
}

/// A peer printing a gigabyte without a newline made msgpact hold 990 MB and write a 1 GB log.
#[test]
fn a_huge_line_and_an_endless_log_are_bounded_in_memory_and_on_disk() {
    let Some(_) = need_nats() else { return };
    let t = workspace();
    // 100 MB in one line, then 12 MB of short lines, then the peer serves as usual.
    let line = "head -c 100000000 /dev/zero | tr '\\000' a >&2; echo >&2; yes 'a short line' | head -c 12000000 >&2; exec ECHO";
    shell_peer(t.path(), "echo", line, &[], "");
    let r = verify(t.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_memory(&r, 64, "a peer printing 112 MB");
    let log = std::fs::read(t.path().join("target/msgpact/logs/echo.log")).unwrap();
    assert!(log.len() <= (8 << 20) + 300, "the log is {} bytes", log.len());
    let text = String::from_utf8_lossy(&log);
    let first = text.lines().next().unwrap();
    assert!(
        first.len() < 5_000 && first.ends_with("[msgpact: 99995904 more bytes of this line dropped]"),
        "{}",
        &first[first.len() - 80..]
    );
    assert!(
        text.trim_end().ends_with("the peer's further output was read and dropped]"),
        "{}",
        &text[text.len() - 200..]
    );
}

/// A peer's `Msgpact-Error` with a terminal escape and 5,000 bytes was printed raw to the terminal and the
/// reports.
#[test]
fn a_peer_error_text_is_cleaned_and_cut_before_any_report() {
    let Some(_) = need_nats() else { return };
    let t = workspace();
    shell_peer(t.path(), "echo", "exec ECHO", &[("MSGPACT_FAULT", "hostile-error:example.minimal")], "");
    let r = verify(t.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let json = std::fs::read_to_string(t.path().join("r.json")).unwrap();
    let xml = std::fs::read_to_string(t.path().join("r.xml")).unwrap();
    for (name, text) in [("terminal", &r.stderr), ("JSON", &json), ("JUnit", &xml)] {
        assert!(!text.contains('\x1b') && !text.contains("\\u001b"), "{name} holds a raw escape");
        assert!(text.contains("\\x1b[31mred"), "{name} shows the escape as text");
        assert!(!text.contains(&"x".repeat(1_000)), "{name} holds the whole 5,000 bytes");
    }
    let report = crate::common::read_json(&t.path().join("r.json"));
    let errors: Vec<String> = crate::common::exchanges(&report)
        .iter()
        .filter(|x| x["reject"].is_null())
        .filter_map(|x| x["verdict"]["error"].as_str().map(str::to_string))
        .collect();
    assert!(!errors.is_empty());
    for e in errors {
        assert!(e.len() <= 1_000 && e.ends_with('…'), "{} bytes: {}", e.len(), &e[..40]);
    }
}
