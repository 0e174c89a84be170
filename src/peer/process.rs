//! Running a peer: start it with the run's environment, keep its output, notice when it dies, restart it.
use super::protocol::{hello_subject, Hello, PROTOCOL};
use super::Manifest;
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
}

pub struct PeerProcess {
    pub name: String,
    child: tokio::process::Child,
    tail: Arc<Mutex<VecDeque<String>>>,
    pub log: PathBuf,
    pub started: Instant,
}

impl PeerProcess {
    /// Starts the peer's `run` command in its directory, its output appended to `log`.
    pub fn spawn(m: &Manifest, root: &Path, cache: &Path, env: &PeerEnv, log: &Path) -> Result<PeerProcess, String> {
        let args: Vec<String> = m.run.command.iter().map(|a| m.expand(a, root, cache)).collect();
        let mut cmd = tokio::process::Command::new(&args[0]);
        cmd.args(&args[1..])
            .current_dir(&m.dir)
            .env("MSGPACT_NATS_URL", &env.nats_url)
            .env("MSGPACT_SUBJECT_PREFIX", &env.prefix)
            .env("MSGPACT_PEER", &m.name)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(c) = &env.creds {
            cmd.env("MSGPACT_NATS_CREDS", c);
        }
        for (k, v) in &m.run.env {
            cmd.env(k, m.expand(v, root, cache));
        }
        let mut child = cmd.spawn().map_err(|e| format!("cannot start `{}`: {e}", args.join(" ")))?;
        if let Some(dir) = log.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let file = Arc::new(Mutex::new(std::fs::OpenOptions::new().create(true).append(true).open(log).ok()));
        let tail = Arc::new(Mutex::new(VecDeque::with_capacity(TAIL_LINES)));
        if let Some(out) = child.stdout.take() {
            pump(BufReader::new(out), file.clone(), tail.clone());
        }
        if let Some(err) = child.stderr.take() {
            pump(BufReader::new(err), file, tail.clone());
        }
        Ok(PeerProcess { name: m.name.clone(), child, tail, log: log.to_path_buf(), started: Instant::now() })
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

    /// Asks the peer to stop (SIGTERM), then kills it after a grace period.
    pub async fn stop(&mut self, grace: Duration) {
        if self.exited().is_some() {
            return;
        }
        if let Some(pid) = self.child.id() {
            // The `kill` command sends SIGTERM without unsafe code or a libc binding.
            let _ = std::process::Command::new("kill").arg("-TERM").arg(pid.to_string()).status();
        }
        if tokio::time::timeout(grace, self.child.wait()).await.is_err() {
            let _ = self.child.kill().await;
        }
    }

    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }

    /// Waits for the handshake: `hello` answered, protocol 1. Fails early when the process exits.
    pub async fn handshake(
        &mut self,
        client: &async_nats::Client,
        prefix: &str,
        timeout: Duration,
    ) -> Result<Hello, String> {
        let deadline = Instant::now() + timeout;
        let subject = hello_subject(prefix, &self.name);
        loop {
            if let Some(status) = self.exited() {
                return Err(format!(
                    "exited ({status}) before answering hello; its last output:\n{}",
                    indent(&self.tail(15))
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "did not answer hello within {:.0?}; its last output:\n{}",
                    timeout,
                    indent(&self.tail(15))
                ));
            }
            match tokio::time::timeout(Duration::from_millis(500), client.request(subject.clone(), Vec::new().into()))
                .await
            {
                Ok(Ok(reply)) => {
                    let hello = Hello::parse(&reply.payload)?;
                    if hello.protocol != PROTOCOL {
                        return Err(format!("speaks protocol {}, msgpact speaks {PROTOCOL}", hello.protocol));
                    }
                    return Ok(hello);
                }
                _ => tokio::time::sleep(Duration::from_millis(25)).await,
            }
        }
    }
}

fn pump<R: tokio::io::AsyncRead + Unpin + Send + 'static>(
    reader: BufReader<R>,
    file: Arc<Mutex<Option<std::fs::File>>>,
    tail: Arc<Mutex<VecDeque<String>>>,
) {
    tokio::spawn(async move {
        let mut lines = reader.lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Ok(mut f) = file.lock() {
                if let Some(f) = f.as_mut() {
                    let _ = writeln!(f, "{line}");
                }
            }
            if let Ok(mut t) = tail.lock() {
                if t.len() == TAIL_LINES {
                    t.pop_front();
                }
                t.push_back(line);
            }
        }
    });
}

pub fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    | {l}")).collect::<Vec<_>>().join("\n")
}
