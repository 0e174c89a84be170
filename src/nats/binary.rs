//! The binary backend: a `nats-server` child process on a free loopback port, JetStream on.
//!
//! It is the backend that needs nothing but one executable, so it is the fallback of auto mode and the
//! fastest one to start. The executable comes from `MSGPACT_NATS_SERVER`, else PATH (and /usr/sbin,
//! /usr/local/sbin), else the cache, else it is built once with `go install` into the cache, under a lock. The child's stderr goes to a log file in its temporary
//! directory (so a full pipe can never block it, and a failed start can quote it), a port taken in the
//! meantime by another process is retried on a new port, and the child is killed and reaped on stop, on
//! drop, and on Ctrl-C (see `signals`).
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use crate::progress::Progress;
use crate::signals;

use super::{free_port, nats_info, Backend, NatsError, NatsOptions, NatsServer, Running as ServerRunning};

/// How many ports a start tries when the chosen one is taken before nats-server binds it.
const PORT_ATTEMPTS: usize = 3;
/// Upper bound for a `go install` of nats-server (the first build takes about a minute on 2 cores).
const BUILD_TIMEOUT: Duration = Duration::from_secs(600);

/// A running nats-server child. Dropping it kills and reaps the process and removes its directory.
pub(crate) struct Running {
    child: Arc<Mutex<Child>>,
    pid: u32,
    // Drop kills the process first; the fields, the directory among them, go after it.
    _registration: signals::Registration,
    dir: tempfile::TempDir,
    _dir_registration: signals::Registration,
}

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("binary::Running").field("pid", &self.pid).field("dir", &self.dir.path()).finish()
    }
}

impl Running {
    pub(crate) fn pid(&self) -> u32 {
        self.pid
    }

    pub(crate) async fn stop(self) -> Result<(), NatsError> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            {
                let mut child = self.child.lock().unwrap_or_else(|p| p.into_inner());
                match child.try_wait() {
                    Ok(Some(_)) => return Ok(()),
                    Ok(None) => {
                        let _ = child.start_kill();
                    }
                    Err(e) => {
                        return Err(NatsError::new(
                            format!("binary backend: could not wait for nats-server (pid {}): {e}", self.pid),
                            "check with `ps` whether it still runs",
                        ))
                    }
                }
            }
            if Instant::now() > deadline {
                return Err(NatsError::new(
                    format!("binary backend: nats-server (pid {}) did not exit after SIGKILL", self.pid),
                    "check with `ps` whether it still runs",
                ));
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        kill_and_reap(&self.child);
    }
}

/// SIGKILL, then reap (waitpid) for up to 2 s; works with or without a tokio runtime.
fn kill_and_reap(child: &Mutex<Child>) {
    let mut child = child.lock().unwrap_or_else(|p| p.into_inner());
    if !matches!(child.try_wait(), Ok(None)) {
        return;
    }
    let _ = child.start_kill();
    for _ in 0..400 {
        if !matches!(child.try_wait(), Ok(None)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The nats-server to run, and how it was found (for the reason line): the explicit one, PATH, the cache,
/// or a fresh `go install` into the cache.
pub(crate) async fn find_or_build(opts: &NatsOptions) -> Result<(PathBuf, String), NatsError> {
    if let Some(bin) = &opts.server_bin {
        if is_executable(bin) {
            return Ok((bin.clone(), format!("from MSGPACT_NATS_SERVER ({})", bin.display())));
        }
        return Err(NatsError::new(
            format!("binary backend: MSGPACT_NATS_SERVER is {}, which is not an executable file", bin.display()),
            "point it at a nats-server binary, or unset it to use PATH",
        ));
    }
    if let Some(bin) = on_path("nats-server") {
        return Ok((bin.clone(), format!("from PATH ({})", bin.display())));
    }
    let cached = cached_binary(&opts.cache_dir, super::NATS_SERVER_VERSION);
    if is_executable(&cached) {
        return Ok((cached.clone(), format!("{} built earlier ({})", super::NATS_SERVER_VERSION, cached.display())));
    }
    if on_path("go").is_none() {
        return Err(NatsError::new(
            "binary backend: no nats-server on PATH, and no `go` to build one",
            "install nats-server (`apt-get install nats-server`) or Go, or set MSGPACT_NATS_SERVER to a binary",
        ));
    }
    let b = build_nats_server(&opts.cache_dir, super::NATS_SERVER_VERSION, &opts.progress).await?;
    let how = if b.built { "built just now with go install" } else { "built by another process just now" };
    Ok((b.path.clone(), format!("{} {how} ({})", super::NATS_SERVER_VERSION, b.path.display())))
}

/// The nats-server the binary backend would run and how it was found, building it once into
/// `opts.cache_dir` when there is none (see the module docs for the order). For tests and tools that need
/// a nats-server of their own: they get the same one `msgpact verify` uses.
pub async fn find_nats_server(opts: &NatsOptions) -> Result<(PathBuf, String), NatsError> {
    find_or_build(opts).await
}

/// Where [`build_nats_server`] puts a version: `<cache_dir>/nats-server/<version>/bin/nats-server`.
pub fn cached_binary(cache_dir: &Path, version: &str) -> PathBuf {
    cache_dir.join("nats-server").join(version).join("bin").join("nats-server")
}

/// A nats-server from [`build_nats_server`]: where it is, and whether this call built it (`false`: it was
/// there already, or another process built it while this one waited).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NatsBuild {
    pub path: PathBuf,
    pub built: bool,
}

/// Builds nats-server `version` (e.g. `v2.15.2`) with `CGO_ENABLED=0 go install` into
/// `<cache_dir>/nats-server/<version>/bin/nats-server`, unless it is there already.
///
/// One build at a time: a lock file next to it makes parallel callers (test binaries, verify runs) wait for
/// the first one's build instead of compiling nats-server twice on the same cores. The binary is static
/// and moved into place in one rename, so nobody sees half of it. `progress` hears about the build (it
/// takes about a minute on 2 cores) and about a wait for another process's build.
pub async fn build_nats_server(cache_dir: &Path, version: &str, progress: &Progress) -> Result<NatsBuild, NatsError> {
    build_with(Path::new("go"), cache_dir, version, progress).await
}

async fn build_with(go: &Path, cache_dir: &Path, version: &str, progress: &Progress) -> Result<NatsBuild, NatsError> {
    let target = cached_binary(cache_dir, version);
    if is_executable(&target) {
        return Ok(NatsBuild { path: target, built: false });
    }
    let bin_dir = target.parent().expect("cached_binary has a parent");
    let fail = |what: String| {
        NatsError::new(
            format!("binary backend: could not build nats-server {version} with go install: {what}"),
            "install nats-server (`apt-get install nats-server`), or check that the Go module proxy answers \
             (`go env GOPROXY`)",
        )
    };
    std::fs::create_dir_all(bin_dir).map_err(|e| fail(format!("{}: {e}", bin_dir.display())))?;
    let lock_path = bin_dir.parent().expect("a version directory").join("build.lock");
    let _lock =
        lock_build(&lock_path, version, progress).await.map_err(|e| fail(format!("{}: {e}", lock_path.display())))?;
    if is_executable(&target) {
        return Ok(NatsBuild { path: target, built: false });
    }
    let tmp = tempfile::Builder::new()
        .prefix(".build-")
        .tempdir_in(bin_dir)
        .map_err(|e| fail(format!("{}: {e}", bin_dir.display())))?;
    let step = progress.start(
        build_step_label(version),
        format!("building with go install into {} (once; about a minute)", bin_dir.display()),
    );
    let module = format!("github.com/nats-io/nats-server/v2@{version}");
    let mut cmd = Command::new(go);
    // The same flags as ci/setup-nats.sh, so that both share Go's build cache; -v names each package as it
    // is compiled, which is the progress shown.
    cmd.args(["install", "-v", "-trimpath", "-ldflags=-s -w", &module])
        .env("GOBIN", tmp.path())
        .env("CGO_ENABLED", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|e| fail(format!("could not run {}: {e}", go.display())))?;
    let stderr = child.stderr.take().expect("piped stderr");
    let run = async {
        use tokio::io::AsyncBufReadExt;
        let mut lines = tokio::io::BufReader::new(stderr).lines();
        let (mut output, mut packages) = (Vec::new(), 0usize);
        while let Ok(Some(line)) = lines.next_line().await {
            if !line.starts_with("go: ") && !line.contains(' ') {
                packages += 1;
                step.detail(format!("{packages} packages compiled, last {line}"));
            } else {
                step.detail(line.clone());
            }
            output.push(line);
        }
        (child.wait().await, output)
    };
    let (status, output) = match tokio::time::timeout(BUILD_TIMEOUT, run).await {
        Ok(r) => r,
        Err(_) => {
            step.finish(false, "timed out");
            return Err(fail(format!("it did not finish within {BUILD_TIMEOUT:?}")));
        }
    };
    let status = status.map_err(|e| fail(format!("could not wait for go: {e}")))?;
    if !status.success() {
        step.finish(false, "failed");
        return Err(fail(format!("{status}: {}", tail(&output.join("\n"), 5))));
    }
    std::fs::rename(tmp.path().join("nats-server"), &target).map_err(|e| fail(format!("{}: {e}", target.display())))?;
    step.finish(true, "built");
    Ok(NatsBuild { path: target, built: true })
}

/// The label of the progress step of building (or waiting for a build of) nats-server `version`.
fn build_step_label(version: &str) -> String {
    format!("nats-server {version}")
}

/// Whether a progress step is the build of nats-server (or the wait for another process's build of it): a
/// verify run holds its Go peers' builds back until it is done, so that the two Go builds do not compete
/// for the same cores and the second reuses what the first compiled.
pub fn is_nats_server_build(label: &str) -> bool {
    label == build_step_label(super::NATS_SERVER_VERSION)
}

/// Takes the build lock of a nats-server version; says so when another process holds it.
async fn lock_build(path: &Path, version: &str, progress: &Progress) -> std::io::Result<std::fs::File> {
    let f = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(path)?;
    match f.try_lock() {
        Ok(()) => return Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => {}
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    let step = progress.start(build_step_label(version), "waiting for another process that is building it");
    let f = tokio::task::spawn_blocking(move || f.lock().map(|()| f)).await.map_err(std::io::Error::other)??;
    step.finish(true, "the other build is done");
    Ok(f)
}

/// Starts `bin` on `opts.port` or on a free port (retrying when another process takes it first).
pub(crate) async fn start(opts: &NatsOptions, bin: &Path, reason: String) -> Result<NatsServer, NatsError> {
    let (running, port) = match opts.port {
        Some(port) => (spawn(bin, port, opts.startup_timeout).await.map_err(|f| f.error(bin, port, true))?, port),
        None => spawn_on_free_port(bin, opts.startup_timeout, free_port).await?,
    };
    Ok(NatsServer {
        url: format!("nats://127.0.0.1:{port}"),
        backend: Backend::Binary,
        reason,
        startup_time: Duration::ZERO,
        creds: None,
        running: ServerRunning::Binary(running),
    })
}

/// Up to [`PORT_ATTEMPTS`] ports from `choose`, moving on only when the port was taken.
async fn spawn_on_free_port(
    bin: &Path,
    timeout: Duration,
    mut choose: impl FnMut() -> Result<u16, NatsError>,
) -> Result<(Running, u16), NatsError> {
    let mut taken = Vec::new();
    for _ in 0..PORT_ATTEMPTS {
        let port = choose()?;
        match spawn(bin, port, timeout).await {
            Ok(r) => return Ok((r, port)),
            Err(Failure::PortTaken(_)) => taken.push(port.to_string()),
            Err(f) => return Err(f.error(bin, port, false)),
        }
    }
    Err(NatsError::new(
        format!(
            "binary backend: nats-server could not bind a port: {} were taken by other processes before it \
             started ({PORT_ATTEMPTS} attempts)",
            taken.join(", ")
        ),
        "something on this machine grabs ports quickly; try again, or use --nats container or --nats-url",
    ))
}

/// Why one start attempt failed.
enum Failure {
    /// nats-server said "address already in use"; carries its log tail.
    PortTaken(String),
    /// It exited for another reason; carries its exit status and log tail.
    Exited(String),
    /// It did not become ready in time; carries what was seen last.
    Timeout(String),
    /// It could not be spawned at all.
    Spawn(String),
}

impl Failure {
    fn error(self, bin: &Path, port: u16, forced: bool) -> NatsError {
        let bin = bin.display();
        match self {
            Failure::PortTaken(log) if forced => NatsError::new(
                format!("binary backend: port {port} on 127.0.0.1 is already in use ({bin}: {log})"),
                "free that port, or let msgpact choose a free one (no fixed port)",
            ),
            Failure::PortTaken(log) => NatsError::new(
                format!("binary backend: port {port} on 127.0.0.1 is already in use ({bin}: {log})"),
                "try again",
            ),
            Failure::Exited(log) => NatsError::new(
                format!("binary backend: {bin} exited at start on port {port}: {log}"),
                "run it by hand with the same arguments (`-a 127.0.0.1 -p PORT -js -sd DIR`) to see why",
            ),
            Failure::Timeout(seen) => NatsError::new(
                format!("binary backend: {bin} did not answer on 127.0.0.1:{port} in time: {seen}"),
                "the machine may be overloaded: raise the startup timeout, or check the binary by hand",
            ),
            Failure::Spawn(e) => NatsError::new(
                format!("binary backend: could not run {bin}: {e}"),
                "check that the file is a nats-server executable for this machine",
            ),
        }
    }
}

/// One attempt: spawn on `port`, then poll (short sleeps) until its log says "Server is ready" and it
/// greets with INFO on the port, until it exits, or until `timeout`.
async fn spawn(bin: &Path, port: u16, timeout: Duration) -> Result<Running, Failure> {
    let dir = tempfile::Builder::new().prefix("msgpact-nats-").tempdir().map_err(|e| Failure::Spawn(e.to_string()))?;
    let dir_registration = signals::register_dir(dir.path());
    let log_path = dir.path().join("nats-server.log");
    let log = std::fs::File::create(&log_path).map_err(|e| Failure::Spawn(e.to_string()))?;
    let spawning = signals::spawn_lock();
    let child = Command::new(bin)
        .args(["-a", "127.0.0.1", "-p", &port.to_string(), "-js", "-sd"])
        .arg(dir.path()) // nats-server keeps its store in <dir>/jetstream
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Failure::Spawn(e.to_string()))?;
    let pid = child.id().unwrap_or(0);
    let registration = signals::register_group(pid, format!("nats-server (pid {pid})"));
    drop(spawning);
    let child = Arc::new(Mutex::new(child));
    let running = Running { _registration: registration, child, pid, dir, _dir_registration: dir_registration };

    let deadline = Instant::now() + timeout;
    let addr = format!("127.0.0.1:{port}");
    let mut last = "nothing yet".to_string();
    loop {
        let exited = running.child.lock().unwrap_or_else(|p| p.into_inner()).try_wait();
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        match exited {
            Ok(Some(status)) => {
                let tail = tail(&log, 3);
                return Err(if log.contains("address already in use") {
                    Failure::PortTaken(tail)
                } else {
                    Failure::Exited(format!("{status}: {tail}"))
                });
            }
            Err(e) => return Err(Failure::Spawn(e.to_string())),
            Ok(None) => {}
        }
        if log.contains("Server is ready") {
            match nats_info(&addr, Duration::from_millis(500)).await {
                Ok(()) => return Ok(running),
                Err(e) => last = e,
            }
        }
        if Instant::now() >= deadline {
            return Err(Failure::Timeout(format!("{last}; log: {}", tail(&log, 3))));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// What to quote from a nats-server log: its fatal or error lines if there are any, else its last `n`
/// lines; each without the `[pid] date time [LVL] ` prefix, joined with " | ".
fn tail(log: &str, n: usize) -> String {
    let strip = |l: &str| -> String {
        for level in ["[FTL] ", "[ERR] ", "[WRN] ", "[INF] ", "[DBG] ", "[TRC] "] {
            if let Some(i) = l.find(level) {
                return l[i + level.len()..].trim().to_string();
            }
        }
        l.trim().to_string()
    };
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    let errors: Vec<&str> = lines.iter().copied().filter(|l| l.contains("[FTL] ") || l.contains("[ERR] ")).collect();
    let chosen = if errors.is_empty() { &lines[lines.len().saturating_sub(n)..] } else { &errors[..] };
    let t = chosen.iter().map(|l| strip(l)).collect::<Vec<_>>().join(" | ");
    if t.is_empty() {
        "(no output)".into()
    } else {
        t
    }
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata().map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

/// The first `name` on PATH that is an executable file (plus /usr/sbin and /usr/local/sbin, where Debian
/// puts nats-server and which a non-root PATH often lacks).
pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/local/sbin", "/usr/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The port race: the first port handed out is taken by the time nats-server binds; the next one works.
    /// It runs wherever the tests run: nats-server comes from PATH or is built once into the user's cache.
    #[tokio::test]
    async fn retries_when_the_chosen_port_is_taken() {
        let opts = NatsOptions::from_vars(super::super::default_cache_dir(), |_| None);
        let (bin, _) = find_or_build(&opts).await.unwrap_or_else(|e| panic!("a nats-server for this test: {e}"));
        let occupied = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let taken = occupied.local_addr().unwrap().port();
        let mut ports = vec![taken];
        let (running, port) = spawn_on_free_port(&bin, Duration::from_secs(20), move || {
            Ok(ports.pop().unwrap_or_else(|| super::free_port().unwrap()))
        })
        .await
        .expect("second port works");
        assert_ne!(port, taken);
        running.stop().await.unwrap();
    }

    /// A stand-in for `go`: takes a while, counts its runs, and installs a script as nats-server.
    fn fake_go(dir: &Path) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let go = dir.join("go");
        let script = format!(
            "#!/bin/sh\necho run >> {count}\necho github.com/nats-io/nats-server/v2/server >&2\nsleep 0.5\n\
             printf '#!/bin/sh\\necho nats-server: fake\\n' > \"$GOBIN/nats-server\"\nchmod +x \"$GOBIN/nats-server\"\n",
            count = dir.join("count").display()
        );
        std::fs::write(&go, script).unwrap();
        std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
        go
    }

    /// Parallel test binaries and verify runs must not build nats-server twice: the second caller waits
    /// for the first one's build (the lock) and uses its result.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn parallel_builds_of_nats_server_build_once() {
        let t = tempfile::tempdir().unwrap();
        let go = fake_go(t.path());
        let cache = t.path().join("cache");
        let (progress, mut rx) = Progress::channel();
        let (a, b) =
            tokio::join!(build_with(&go, &cache, "v0.0.1", &progress), build_with(&go, &cache, "v0.0.1", &progress));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.path, b.path);
        assert_eq!(a.path, cached_binary(&cache, "v0.0.1"));
        assert!(a.built != b.built, "exactly one of them built it: {a:?} {b:?}");
        assert_eq!(std::fs::read_to_string(t.path().join("count")).unwrap(), "run\n", "go ran once");
        assert!(is_executable(&a.path));
        // The build said what it was doing, and the waiting caller said that it waited.
        drop(progress);
        let mut labels = Vec::new();
        while let Some(u) = rx.recv().await {
            if let crate::progress::Update::Started { detail, .. } = u {
                labels.push(detail);
            }
        }
        assert!(labels.iter().any(|d| d.starts_with("building with go install")), "{labels:?}");
        assert!(labels.iter().any(|d| d.contains("waiting for another process")), "{labels:?}");
        // Built already: nothing runs again.
        let again = build_with(&go, &cache, "v0.0.1", &Progress::off()).await.unwrap();
        assert!(!again.built);
        assert_eq!(std::fs::read_to_string(t.path().join("count")).unwrap(), "run\n");
    }

    #[tokio::test]
    async fn a_failed_go_install_is_an_error_with_its_output_and_leaves_nothing_behind() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let go = t.path().join("go");
        std::fs::write(&go, "#!/bin/sh\necho 'go: module lookup disabled by GOPROXY=off' >&2\nexit 1\n").unwrap();
        std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
        let cache = t.path().join("cache");
        let e = build_with(&go, &cache, "v0.0.1", &Progress::off()).await.unwrap_err();
        assert!(e.message.contains("could not build nats-server v0.0.1 with go install"), "{e}");
        assert!(e.message.contains("GOPROXY=off"), "{e}");
        assert!(e.hint.contains("GOPROXY"), "{e}");
        assert!(!cached_binary(&cache, "v0.0.1").exists());
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("a\n\nb\nc\n", 2), "b | c");
        let log =
            "[1] 2026/11/25 17:13:29.455 [INF] Store Directory\n[1] 2026/11/25 17:13:29.456 [FTL] Error listening\n";
        assert_eq!(tail(log, 3), "Error listening");
        assert_eq!(tail("", 2), "(no output)");
    }
}
