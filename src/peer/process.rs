//! Running a peer: start it with the run's environment, keep its output, notice when it dies, restart it.
//!
//! A peer's output is whatever it prints: read as bytes (one invalid UTF-8 byte must not stop the reading,
//! or the peer dies of SIGPIPE on its next line), shown lossily, each line cut at
//! [`MAX_PEER_LINE_BYTES`], its log file cut at [`MAX_PEER_LOG_BYTES`] (the pipes are still drained),
//! secrets redacted and control characters escaped. Each peer runs in its own process group, registered
//! with [`crate::signals`], so that a signal to msgpact stops it and everything it started.
use super::error::PeerError;
use super::protocol::{
    hello_subject, Hello, ENV_CONTRACTS_HASH, ENV_NATS_CREDS, ENV_NATS_URL, ENV_PEER, ENV_SUBJECT_PREFIX,
    PROTOCOL_VERSION,
};
use super::Manifest;
use crate::limits::{clean_line, MAX_PEER_LINE_BYTES, MAX_PEER_LOG_BYTES};
use crate::signals;
use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Lines of a peer's output kept in memory for crash reports.
const TAIL_LINES: usize = 40;

/// What a peer is started with (docs/peer-protocol.md section 1).
#[derive(Clone, Debug)]
pub struct PeerEnv {
    pub nats_url: String,
    pub creds: Option<PathBuf>,
    pub prefix: String,
    /// The wire hash of the run's contracts (`MSGPACT_CONTRACTS_HASH`): what a peer of hand-written types
    /// reports in its hello, having been checked against them (for pinned contracts, msgpact.lock's hash).
    pub contracts_hash: String,
}

pub struct PeerProcess {
    pub name: String,
    child: tokio::process::Child,
    tail: Arc<Mutex<VecDeque<String>>>,
    pub log: PathBuf,
    pub started: Instant,
    pid: u32,
    /// The tasks reading its stdout and stderr.
    pumps: Vec<tokio::task::JoinHandle<()>>,
    _registration: signals::Registration,
}

/// The log file of one peer process, written up to [`MAX_PEER_LOG_BYTES`].
struct Log {
    file: Option<std::fs::File>,
    written: u64,
    cut: bool,
}

impl Log {
    fn line(&mut self, line: &str) {
        let Some(f) = self.file.as_mut() else { return };
        if self.cut {
            return;
        }
        let len = line.len() as u64 + 1;
        if self.written + len > MAX_PEER_LOG_BYTES {
            self.cut = true;
            let _ = writeln!(
                f,
                "[msgpact: this log stops at {} ({}); the peer's further output was read and dropped]",
                crate::limits::size(MAX_PEER_LOG_BYTES),
                crate::limits::DOC
            );
            return;
        }
        self.written += len;
        let _ = writeln!(f, "{line}");
    }
}

impl PeerProcess {
    /// Starts the peer's `run` command in its directory, its output appended to `log`.
    pub fn spawn(m: &Manifest, root: &Path, cache: &Path, env: &PeerEnv, log: &Path) -> Result<PeerProcess, PeerError> {
        let args: Vec<String> = m.run.command.iter().map(|a| m.expand(a, root, cache)).collect();
        let mut cmd = tokio::process::Command::new(&args[0]);
        cmd.args(&args[1..])
            .current_dir(&m.dir)
            .env(ENV_NATS_URL, &env.nats_url)
            .env(ENV_SUBJECT_PREFIX, &env.prefix)
            .env(ENV_PEER, &m.name)
            .env(ENV_CONTRACTS_HASH, &env.contracts_hash)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        if let Some(c) = &env.creds {
            cmd.env(ENV_NATS_CREDS, c);
        }
        for (k, v) in &m.run.env {
            cmd.env(k, m.expand(v, root, cache));
        }
        let spawning = signals::spawn_lock();
        let mut child =
            cmd.spawn().map_err(|e| PeerError::Process(format!("cannot start `{}`: {e}", args.join(" "))))?;
        let pid = child.id().unwrap_or(0);
        let registration = signals::register_group(pid, format!("peer {} (pid {pid})", m.name));
        drop(spawning);
        if let Some(dir) = log.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let file = std::fs::OpenOptions::new().create(true).append(true).open(log).ok();
        let written = file.as_ref().and_then(|f| f.metadata().ok()).map_or(0, |m| m.len());
        let file = Arc::new(Mutex::new(Log { file, written, cut: false }));
        let tail = Arc::new(Mutex::new(VecDeque::with_capacity(TAIL_LINES)));
        let mut pumps = Vec::new();
        if let Some(out) = child.stdout.take() {
            pumps.push(pump(BufReader::new(out), file.clone(), tail.clone()));
        }
        if let Some(err) = child.stderr.take() {
            pumps.push(pump(BufReader::new(err), file, tail.clone()));
        }
        Ok(PeerProcess {
            name: m.name.clone(),
            child,
            tail,
            log: log.to_path_buf(),
            started: Instant::now(),
            pid,
            pumps,
            _registration: registration,
        })
    }

    /// The exit status if the process has ended.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The last lines the peer printed.
    pub fn tail(&self, n: usize) -> String {
        let t = self.tail.lock().map(|t| t.iter().rev().take(n).cloned().collect::<Vec<_>>()).unwrap_or_default();
        t.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// Waits (at most `within`) until its output has been read to the end, so that the tail of a peer that
    /// exited holds its last words. A child it left behind may keep a pipe open: hence the bound.
    pub async fn drained(&self, within: Duration) {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline && !self.pumps.iter().all(|p| p.is_finished()) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Asks the peer to stop (SIGTERM to its process group), then kills the group after a grace period.
    pub async fn stop(&mut self, grace: Duration) {
        if self.exited().is_none() {
            signals::kill_group(self.pid, libc::SIGTERM);
            if tokio::time::timeout(grace, self.child.wait()).await.is_err() {
                let _ = self.child.start_kill();
            }
        }
        signals::kill_group(self.pid, libc::SIGKILL);
        let _ = self.child.wait().await;
    }

    /// Kills the peer's process group and reaps the peer.
    pub async fn kill(&mut self) {
        signals::kill_group(self.pid, libc::SIGKILL);
        let _ = self.child.kill().await;
    }

    /// Waits for the handshake: `hello` answered, protocol 1. Fails early when the process exits.
    pub async fn handshake(
        &mut self,
        client: &async_nats::Client,
        prefix: &str,
        timeout: Duration,
    ) -> Result<Hello, PeerError> {
        let deadline = Instant::now() + timeout;
        let subject = hello_subject(prefix, &self.name);
        loop {
            if let Some(status) = self.exited() {
                self.drained(Duration::from_millis(500)).await;
                return Err(PeerError::Process(format!(
                    "exited ({status}) before answering hello; its last output:\n{}",
                    indent(&self.tail(15))
                )));
            }
            if Instant::now() > deadline {
                return Err(PeerError::Process(format!(
                    "did not answer hello within {:.0?}; its last output:\n{}",
                    timeout,
                    indent(&self.tail(15))
                )));
            }
            match tokio::time::timeout(Duration::from_millis(500), client.request(subject.clone(), Vec::new().into()))
                .await
            {
                Ok(Ok(reply)) => {
                    let hello = Hello::parse(&reply.payload)?;
                    if hello.protocol != PROTOCOL_VERSION {
                        let m = format!("speaks protocol {}, msgpact speaks {PROTOCOL_VERSION}", hello.protocol);
                        return Err(PeerError::Protocol(m));
                    }
                    return Ok(hello);
                }
                _ => tokio::time::sleep(Duration::from_millis(25)).await,
            }
        }
    }
}

impl Drop for PeerProcess {
    /// Whatever the peer started goes with it (the peer itself is killed by `kill_on_drop`).
    fn drop(&mut self) {
        signals::kill_group(self.pid, libc::SIGKILL);
    }
}

/// Reads one output pipe of the peer to its end, line by line as bytes, each line bounded.
fn pump<R: tokio::io::AsyncRead + Unpin + Send + 'static>(
    mut reader: BufReader<R>,
    log: Arc<Mutex<Log>>,
    tail: Arc<Mutex<VecDeque<String>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut line: Vec<u8> = Vec::new();
        let mut dropped: u64 = 0;
        loop {
            let (done, used) = match reader.fill_buf().await {
                // A read error ends the stream like its end does: the line so far is kept.
                Err(_) | Ok([]) => (true, 0),
                Ok(buf) => {
                    let (chunk, ends_line) = match buf.iter().position(|&b| b == b'\n') {
                        Some(i) => (&buf[..i], true),
                        None => (buf, false),
                    };
                    let room = MAX_PEER_LINE_BYTES.saturating_sub(line.len());
                    line.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    dropped += chunk.len().saturating_sub(room) as u64;
                    let used = chunk.len() + usize::from(ends_line);
                    if !ends_line {
                        reader.consume(used);
                        continue;
                    }
                    (false, used)
                }
            };
            if !done {
                reader.consume(used);
            }
            if done && line.is_empty() && dropped == 0 {
                break;
            }
            let mut text = clean_line(line.strip_suffix(b"\r").unwrap_or(&line), MAX_PEER_LINE_BYTES);
            if dropped > 0 {
                text.push_str(&format!(" [msgpact: {dropped} more bytes of this line dropped]"));
            }
            let text = crate::redact::redact(&text).into_owned();
            if let Ok(mut f) = log.lock() {
                f.line(&text);
            }
            if let Ok(mut t) = tail.lock() {
                if t.len() == TAIL_LINES {
                    t.pop_front();
                }
                t.push_back(text);
            }
            line.clear();
            dropped = 0;
            if done {
                break;
            }
        }
    })
}

pub fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    | {l}")).collect::<Vec<_>>().join("\n")
}
