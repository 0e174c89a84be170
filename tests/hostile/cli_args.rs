//! Numbers on the command line are checked by the argument parser, and a closed standard output is no panic.
use crate::util::*;

#[test]
fn timeout_values_that_are_not_finite_positive_seconds_are_argument_errors() {
    for bad in ["1e30", "inf", "nan", "-5", "0", "7200", "five"] {
        let arg = format!("--timeout={bad}");
        let r = run(&["verify", &arg, "--nats", "url", "--nats-url", "nats://127.0.0.1:1"], Opts::default());
        assert_eq!(r.code, Some(2), "{arg}: {}", r.stderr);
        assert!(r.stderr.contains("invalid value"), "{arg}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{arg}: {}", r.stderr);
        assert!(!r.stderr.contains("verify:"), "{arg}: nothing ran\n{}", r.stderr);
    }
    let r = run(&["verify", "--timeout=1e30"], Opts::default());
    assert!(r.stderr.contains("between 0.01 and 3600"), "{}", r.stderr);
}

#[test]
fn concurrency_zero_is_an_argument_error_not_silently_one() {
    for bad in ["0", "5000", "-1"] {
        let arg = format!("--concurrency={bad}");
        let r = run(&["verify", &arg, "--nats", "url", "--nats-url", "nats://127.0.0.1:1"], Opts::default());
        assert_eq!(r.code, Some(2), "{arg}: {}", r.stderr);
        assert!(r.stderr.contains("invalid value"), "{arg}: {}", r.stderr);
    }
}

/// `msgpact inspect ... | head -1` panicked on the broken pipe.
#[test]
fn a_closed_standard_output_ends_inspect_quietly() {
    let t = tempfile::tempdir().unwrap();
    // An array of 65,535 small ints: one annotated line each, far more than a pipe buffer holds.
    let mut payload = vec![0xdc, 0xff, 0xff];
    payload.extend(std::iter::repeat_n(0x01, 65_535));
    write(&t.path().join("p.bin"), &payload);
    let file = t.path().join("p.bin");
    let mut cmd = std::process::Command::new(msgpact_bin());
    cmd.args(["inspect", "--type", "chat.ChatRequest", file.to_str().unwrap()])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut out, &mut first).unwrap();
    drop(out); // the reader goes away, like `head -1`
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(1), "its own verdict (the payload does not fit), not a crash: {err}");
    assert!(err.contains("inspect: "), "the summary still comes: {err}");
}
