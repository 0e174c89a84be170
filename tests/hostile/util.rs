//! What the hostile tests share: running `msgpact` as a child and measuring it (exit, signal, output, max
//! RSS through wait4), a workspace with this repository's contracts and golden files, the Rust peers,
//! nats-server, and peer.toml files that run the echo peer behind a shell line.
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use crate::common::{nats_server, root};

/// Every message type of this repository's contracts (what the echo peer says it serves).
pub const ALL_TYPES: &str = "chat.ChatRequest,chat.ChatTurn,common.TokenUsage,pipeline.PipelineParams,\
                             stream.ResponseChunk,stream.StreamError,voice.AudioChunk,voice.VoiceActivity";

/// A finished `msgpact` run.
pub struct Run {
    /// The exit status, or `None` when a signal ended it (`signal`).
    pub code: Option<i32>,
    #[allow(dead_code)]
    pub signal: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
    /// The child's maximum resident set size, in kB (getrusage via wait4).
    pub max_rss_kb: u64,
}

impl Run {
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// A started `msgpact` child whose output is being collected.
pub struct Child {
    child: std::process::Child,
    out: std::thread::JoinHandle<Vec<u8>>,
    err: std::thread::JoinHandle<Vec<u8>>,
    feeder: Option<std::thread::JoinHandle<()>>,
}

/// How to start a child.
#[derive(Default)]
pub struct Opts<'a> {
    pub cwd: Option<&'a Path>,
    pub env: Vec<(&'a str, String)>,
    /// Written to standard input in a thread (the write stops quietly when the child stops reading).
    pub stdin: Option<Box<dyn Read + Send>>,
}

pub fn msgpact_bin() -> &'static str {
    env!("CARGO_BIN_EXE_msgpact")
}

pub fn spawn(args: &[&str], opts: Opts) -> Child {
    let mut cmd = Command::new(msgpact_bin());
    cmd.args(args).current_dir(opts.cwd.unwrap_or(root()));
    cmd.env_remove("NATS_URL").env_remove("NATS_CREDS").env("RUST_BACKTRACE", "0");
    for (k, v) in &opts.env {
        cmd.env(k, v);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if opts.stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = cmd.spawn().expect("start msgpact");
    let feeder = opts.stdin.map(|mut input| {
        let mut sink = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut input, &mut sink);
        })
    });
    let mut o = child.stdout.take().unwrap();
    let mut e = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = o.read_to_end(&mut b);
        b
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = e.read_to_end(&mut b);
        b
    });
    Child { child, out, err, feeder }
}

impl Child {
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child.
        unsafe {
            libc::kill(self.pid(), signal);
        }
    }

    /// Waits (at most `limit`: a guard against a hang, which is a failure, not a measurement) and collects.
    pub fn wait(self, limit: Duration) -> Run {
        let pid = self.pid();
        let deadline = Instant::now() + limit;
        let mut status = 0;
        // SAFETY: rusage is plain data that wait4 fills in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        loop {
            // SAFETY: wait4 on our own child with valid pointers.
            let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
            if r == pid {
                break;
            }
            assert!(r == 0, "wait4 failed: {}", std::io::Error::last_os_error());
            if Instant::now() > deadline {
                // SAFETY: kill(2) on our own child.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
                panic!("msgpact (pid {pid}) did not finish within {limit:?}: it hangs");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(f) = self.feeder {
            let _ = f.join();
        }
        let stdout = self.out.join().unwrap();
        let stderr = String::from_utf8_lossy(&self.err.join().unwrap()).into_owned();
        let (code, signal) = if libc::WIFEXITED(status) {
            (Some(libc::WEXITSTATUS(status)), None)
        } else {
            (None, Some(libc::WTERMSIG(status)))
        };
        Run { code, signal, stdout, stderr, max_rss_kb: usage.ru_maxrss as u64 }
    }
}

/// Runs `msgpact ARGS` to the end (at most 60 s).
pub fn run(args: &[&str], opts: Opts) -> Run {
    spawn(args, opts).wait(Duration::from_secs(60))
}

/// The max RSS of `msgpact --version`: the binary's own baseline, to compare runs with.
pub fn baseline_rss_kb() -> u64 {
    static B: OnceLock<u64> = OnceLock::new();
    *B.get_or_init(|| run(&["--version"], Opts::default()).max_rss_kb)
}

/// Asserts that a run stayed within `extra_mb` MB of resident memory above the baseline.
pub fn assert_memory(r: &Run, extra_mb: u64, what: &str) {
    let limit = baseline_rss_kb() + extra_mb * 1024;
    assert!(
        r.max_rss_kb <= limit,
        "{what}: msgpact used {} MB at most, over the {} MB allowed (baseline {} MB)\n{}",
        r.max_rss_kb / 1024,
        limit / 1024,
        baseline_rss_kb() / 1024,
        r.stderr
    );
}

/// A temporary directory holding a copy of this repository's contracts and golden files.
pub fn workspace() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&root().join("contracts"), &t.path().join("contracts"));
    crate::common::copy_dir(&root().join("golden"), &t.path().join("golden"));
    t
}

/// The directory of the Rust peers (`msgpact-peer-rust`, `msgpact-echo-peer`), built once per test run as
/// verify builds them (harness/rust/peer.toml: msgpact's profile and features, so nothing is compiled twice;
/// CI builds them before the tests, so this is a quick check then), where cargo says it put them.
pub fn release_peers() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let profile = if cfg!(debug_assertions) { "dev" } else { "release" };
            let o = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(["build", "--quiet", "--message-format=json", "--profile", profile])
                .args([
                    "-p",
                    "msgpact",
                    "-p",
                    "msgpact-reference-peer",
                    "--bin",
                    "msgpact-peer-rust",
                    "--bin",
                    "msgpact-echo-peer",
                ])
                .current_dir(root())
                .output()
                .expect("run cargo");
            assert!(o.status.success(), "cannot build the peers: {}", String::from_utf8_lossy(&o.stderr));
            let exe = String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .find_map(|m| {
                    (m["target"]["name"] == "msgpact-echo-peer")
                        .then(|| m["executable"].as_str().map(PathBuf::from))
                        .flatten()
                })
                .expect("cargo names the echo peer's executable");
            exe.parent().unwrap().to_path_buf()
        })
        .clone()
}

/// nats-server, found or built once as for every test (tests/common); never `None`.
pub fn need_nats() -> Option<PathBuf> {
    Some(nats_server())
}

/// Writes `DIR/harness/NAME/peer.toml` whose run command is `sh -c LINE` (LINE may end in `exec ECHO`,
/// which this replaces by the echo peer serving every type) with `env` entries, plus `extra`.
pub fn shell_peer(dir: &Path, name: &str, line: &str, env: &[(&str, &str)], extra: &str) -> PathBuf {
    let p = dir.join("harness").join(name);
    std::fs::create_dir_all(&p).unwrap();
    let echo = release_peers().join("msgpact-echo-peer");
    let line = line.replace("ECHO", &echo.display().to_string());
    let mut env_line = format!("MSGPACT_ECHO_TYPES = {:?}", ALL_TYPES);
    for (k, v) in env {
        env_line.push_str(&format!(", {k} = {v:?}"));
    }
    let toml =
        format!("name = {name:?}\n{extra}\n[run]\ncommand = [\"sh\", \"-c\", {line:?}]\nenv = {{ {env_line} }}\n");
    std::fs::write(p.join("peer.toml"), toml).unwrap();
    p
}

/// Writes `DIR/harness/rust/peer.toml` running the built Rust reference peer (no build step), with the
/// reference peer's policy (it ignores unknown keys on purpose, as harness/rust/peer.toml says).
pub fn rust_peer(dir: &Path) {
    let p = dir.join("harness/rust");
    std::fs::create_dir_all(&p).unwrap();
    let bin = release_peers().join("msgpact-peer-rust");
    std::fs::write(
        p.join("peer.toml"),
        format!(
            "name = \"rust\"\nlanguage = \"rust\"\n[run]\ncommand = [{:?}]\n[policy]\naccepts-unknown-key = \"allow\"\n",
            bin.display().to_string()
        ),
    )
    .unwrap();
}

/// A free TCP port on 127.0.0.1 (a moment ago).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A nats-server started with `args` (after `-a 127.0.0.1 -p PORT`), killed on drop.
pub struct Server {
    child: std::process::Child,
    pub port: u16,
}

impl Server {
    pub fn start(bin: &Path, args: &[&str]) -> Server {
        let port = free_port();
        let mut child = Command::new(bin)
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nats-server");
        for _ in 0..500 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Server { child, port };
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("nats-server did not listen on port {port}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether process `pid` is gone (or only a zombie waiting to be reaped by its new parent).
pub fn gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(s) => s.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

/// Polls until `path` exists and holds a line, at most 20 s.
pub fn wait_for_file(path: &Path) -> String {
    for _ in 0..2000 {
        if let Ok(s) = std::fs::read_to_string(path) {
            if s.ends_with('\n') {
                return s;
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{} was not written within 20 s", path.display());
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Writes `bytes` to `path`, creating its directory.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(bytes.as_ref()).unwrap();
}
