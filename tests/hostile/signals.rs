//! SIGINT, SIGTERM and SIGHUP stop every build, peer and server msgpact started, remove its temporary
//! directories and exit with 130, 143 or 129. SIGTERM and SIGHUP left nats-server, the peers (re-parented to
//! PID 1) and /tmp/msgpact-nats-* behind; SIGINT during a build waited for the build to end.
use crate::util::*;
use std::path::Path;
use std::time::Duration;

/// A nats-server wrapper that records its pid, for MSGPACT_NATS_SERVER.
fn recording_nats_server(dir: &Path, real: &Path) -> std::path::PathBuf {
    let script = dir.join("nats-server");
    write(&script, format!("#!/bin/sh\necho $$ > {}/nats.pid\nexec {} \"$@\"\n", dir.display(), real.display()));
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    script
}

/// verify with a slow echo peer; `signal` once both the server and the peer run; everything must be gone.
fn a_signal_stops_everything(signal: i32, name: &str, status: i32) {
    let Some(bin) = need_nats() else { return };
    let t = workspace();
    let tmp = t.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let nats = recording_nats_server(t.path(), &bin);
    // The peer records its pid and starts a child of its own, which must go with it (its process group).
    let line =
        format!("echo $$ > {0}/peer.pid; sleep 300 & echo $! > {0}/peer-child.pid; exec ECHO", t.path().display());
    shell_peer(t.path(), "echo", &line, &[("MSGPACT_FAULT", "slow:50")], "");
    let child = spawn(
        &["verify", "--nats", "binary", "--concurrency", "1"],
        Opts {
            cwd: Some(t.path()),
            env: vec![("TMPDIR", tmp.display().to_string()), ("MSGPACT_NATS_SERVER", nats.display().to_string())],
            ..Default::default()
        },
    );
    let pids: Vec<i32> = ["nats.pid", "peer.pid", "peer-child.pid"]
        .iter()
        .map(|f| wait_for_file(&t.path().join(f)).trim().parse().unwrap())
        .collect();
    assert!(std::fs::read_dir(&tmp).unwrap().count() > 0, "nats-server's temporary directory exists while it runs");
    std::thread::sleep(Duration::from_millis(300));
    child.signal(signal);
    let r = child.wait(Duration::from_secs(20));
    assert_eq!(r.code, Some(status), "{name}: {}", r.stderr);
    assert!(r.stderr.contains(&format!("msgpact: {name}: stopped nats-server (pid {})", pids[0])), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("peer echo (pid {})", pids[1])), "{}", r.stderr);
    for (pid, what) in pids.iter().zip(["nats-server", "the peer", "the peer's child"]) {
        let stopped = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            gone(*pid)
        });
        assert!(stopped, "{name}: {what} (pid {pid}) is still running");
    }
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "{name}: left in TMPDIR: {left:?}");
}

#[test]
fn sigterm_stops_the_server_and_the_peers_and_removes_temporary_directories() {
    a_signal_stops_everything(libc::SIGTERM, "SIGTERM", 143);
}

#[test]
fn sighup_stops_the_server_and_the_peers_and_removes_temporary_directories() {
    a_signal_stops_everything(libc::SIGHUP, "SIGHUP", 129);
}

#[test]
fn sigint_stops_the_server_and_the_peers_and_removes_temporary_directories() {
    a_signal_stops_everything(libc::SIGINT, "SIGINT", 130);
}

/// A build that takes a minute: the signal stops it (and what it started) at once, not when it ends.
#[test]
fn a_signal_during_a_build_stops_the_build_at_once() {
    let Some(_) = need_nats() else { return };
    for (signal, name, status) in [(libc::SIGINT, "SIGINT", 130), (libc::SIGTERM, "SIGTERM", 143)] {
        let t = workspace();
        let pidfile = t.path().join("sleep.pid");
        let build = format!("sleep 60 & echo $! > {}; wait", pidfile.display());
        write(
            &t.path().join("harness/slow/peer.toml"),
            format!(
                "name = \"slow\"\n[build]\ncommands = [[\"sh\", \"-c\", {build:?}]]\n[run]\ncommand = [\"true\"]\n"
            ),
        );
        let child = spawn(&["verify", "--nats", "binary"], Opts { cwd: Some(t.path()), ..Default::default() });
        let sleep: i32 = wait_for_file(&pidfile).trim().parse().unwrap();
        child.signal(signal);
        // Well within the build's minute; a hang fails here.
        let r = child.wait(Duration::from_secs(20));
        assert_eq!(r.code, Some(status), "{name}: {}", r.stderr);
        assert!(r.stderr.contains("the build command `sh -c sleep 60"), "{name}: says what it stopped: {}", r.stderr);
        assert!(!r.stderr.contains("build failed"), "{name}: the stop is not reported as a failed build: {}", r.stderr);
        let stopped = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            gone(sleep)
        });
        assert!(stopped, "{name}: the build's own child (pid {sleep}) is still running");
    }
}
