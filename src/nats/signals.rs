//! Cleanup on Ctrl-C and SIGTERM.
//!
//! `Drop` does not run when a process dies of a signal, and a container lives on in the engine after its
//! client is gone. So every server this process starts registers here what it would have to clean up (a
//! child process, or the session label of a container, registered *before* the container is created so
//! that one still starting is caught too), and a handler thread, installed once, cleans all of it up on the
//! first SIGINT or SIGTERM and then exits with 128 + the signal number, as the default action would.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once, Weak};
use std::time::Duration;

use tokio::process::Child;

/// What to undo for one server.
#[derive(Debug)]
pub(crate) enum Entry {
    /// A nats-server process and its temporary directory (which `Drop` would have removed).
    Child(Weak<Mutex<Child>>, PathBuf),
    Container {
        host: String,
        session: String,
    },
}

static ENTRIES: Mutex<BTreeMap<u64, Entry>> = Mutex::new(BTreeMap::new());
static NEXT: AtomicU64 = AtomicU64::new(0);
static INSTALL: Once = Once::new();

/// Unregisters its entry when dropped (after a normal stop).
#[derive(Debug)]
pub(crate) struct Registration(u64);

impl Drop for Registration {
    fn drop(&mut self) {
        lock().remove(&self.0);
    }
}

pub(crate) fn register(entry: Entry) -> Registration {
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    lock().insert(id, entry);
    Registration(id)
}

pub(crate) fn register_child(child: &Arc<Mutex<Child>>, dir: &Path) -> Registration {
    register(Entry::Child(Arc::downgrade(child), dir.to_path_buf()))
}

fn lock() -> std::sync::MutexGuard<'static, BTreeMap<u64, Entry>> {
    ENTRIES.lock().unwrap_or_else(|p| p.into_inner())
}

/// Installs the handler thread once per process. From then on SIGINT and SIGTERM end the process through
/// it (after cleanup), so a caller that wants to handle them itself must not ask for this.
pub(crate) fn install() {
    INSTALL.call_once(|| {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new().name("msgpact-nats-signals".into()).spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                    return;
                }
            };
            rt.block_on(async move {
                use tokio::signal::unix::{signal, SignalKind};
                let (mut int, mut term) = match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
                    (Ok(i), Ok(t)) => (i, t),
                    (Err(e), _) | (_, Err(e)) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                let (name, code) = tokio::select! {
                    _ = int.recv() => ("SIGINT", 130),
                    _ = term.recv() => ("SIGTERM", 143),
                };
                let n = cleanup_all().await;
                if n > 0 {
                    eprintln!("msgpact: {name}: stopped {n} NATS server(s) this process had started");
                }
                std::process::exit(code);
            });
        });
        match spawned {
            // Wait until the handlers are registered, so that a signal right after `start` is caught.
            Ok(_) => match ready_rx.recv_timeout(Duration::from_secs(5)) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => eprintln!("msgpact: warning: no cleanup on Ctrl-C: {e}"),
                Err(_) => eprintln!("msgpact: warning: the signal handler did not start in time"),
            },
            Err(e) => eprintln!("msgpact: warning: no cleanup on Ctrl-C: {e}"),
        }
    });
}

/// Kills every registered child and removes every registered container; returns how many there were.
async fn cleanup_all() -> usize {
    let entries: Vec<Entry> = std::mem::take(&mut *lock()).into_values().collect();
    let n = entries.len();
    for entry in entries {
        match entry {
            Entry::Child(weak, dir) => {
                if let Some(child) = weak.upgrade() {
                    let mut child = child.lock().unwrap_or_else(|p| p.into_inner());
                    let _ = child.start_kill();
                    for _ in 0..100 {
                        if !matches!(child.try_wait(), Ok(None)) {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
                let _ = std::fs::remove_dir_all(dir);
            }
            Entry::Container { host, session } => {
                let removed = async {
                    let docker = super::docker::client(&host, Duration::from_secs(10))?;
                    super::docker::remove_session(&docker, &session).await
                };
                if let Err(e) = tokio::time::timeout(Duration::from_secs(15), removed)
                    .await
                    .unwrap_or_else(|_| Err("timed out".into()))
                {
                    eprintln!("msgpact: could not remove the NATS container (label {session}) at {host}: {e}");
                }
            }
        }
    }
    n
}
