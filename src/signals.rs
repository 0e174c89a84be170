//! One process-wide cleanup on SIGINT, SIGTERM and SIGHUP: whatever msgpact started is stopped.
//!
//! `Drop` does not run when a process dies of a signal, a child outlives its parent (re-parented to PID 1),
//! and a container lives on in the engine after its client is gone. So everything msgpact starts registers
//! here what would have to be undone: a process group (a peer, a build command and whatever it spawned, a
//! nats-server), a temporary directory, or an async task (removing a container by its session label,
//! registered *before* the container is created so that one still starting is caught too). A handler
//! thread, installed once with [`install`], undoes all of it on the first of those signals and then exits
//! with 128 + the signal number (130, 143, 129), as the default action would have.
//!
//! Children are started in their own process group ([`isolate`]), so that the whole tree of a build
//! (`cargo` and its `rustc`s, `go build` and its compilers) is stopped, and so that a Ctrl-C in the terminal
//! reaches msgpact alone, which then stops them in order. A process registered while the cleanup runs is
//! stopped at once, and [`spawn_lock`] makes a spawn and its registration one step as seen from the handler.
use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

/// A cleanup step that has to talk to something (the Docker API): run on the handler's runtime.
pub type Task = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// What to undo.
pub enum Entry {
    /// A process group led by `pid` (started with [`isolate`]); `what` names it in messages.
    Group { pid: u32, what: String },
    /// A temporary directory, removed after the processes are gone.
    Dir(PathBuf),
    /// Anything else, e.g. removing a container.
    Task { what: String, task: Task },
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::Group { pid, what } => write!(f, "Group({pid}, {what})"),
            Entry::Dir(d) => write!(f, "Dir({})", d.display()),
            Entry::Task { what, .. } => write!(f, "Task({what})"),
        }
    }
}

static ENTRIES: Mutex<BTreeMap<u64, Entry>> = Mutex::new(BTreeMap::new());
static SPAWN: Mutex<()> = Mutex::new(());
static NEXT: AtomicU64 = AtomicU64::new(0);
static STOPPING: AtomicBool = AtomicBool::new(false);
static INSTALL: Once = Once::new();

/// Unregisters its entry when dropped (after a normal stop, or once the thing is gone).
#[derive(Debug)]
pub struct Registration(u64);

impl Drop for Registration {
    fn drop(&mut self) {
        lock().remove(&self.0);
    }
}

/// Registers `entry`. During a cleanup a process group is stopped at once instead.
pub fn register(entry: Entry) -> Registration {
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    if STOPPING.load(Ordering::SeqCst) {
        if let Entry::Group { pid, .. } = &entry {
            kill_group(*pid, libc::SIGKILL);
        }
        return Registration(id);
    }
    lock().insert(id, entry);
    Registration(id)
}

/// Registers the process group led by `pid`.
pub fn register_group(pid: u32, what: impl Into<String>) -> Registration {
    register(Entry::Group { pid, what: what.into() })
}

/// Registers a temporary directory.
pub fn register_dir(dir: impl Into<PathBuf>) -> Registration {
    register(Entry::Dir(dir.into()))
}

/// Hold this while spawning a child and registering it: the handler waits for it, so a child is never
/// started after the cleanup took its list and before it could register.
pub fn spawn_lock() -> MutexGuard<'static, ()> {
    SPAWN.lock().unwrap_or_else(|p| p.into_inner())
}

/// Makes `cmd` start its child as the leader of a new process group (see the module docs).
pub fn isolate(cmd: &mut std::process::Command) -> &mut std::process::Command {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0)
}

/// Sends `signal` to the process group led by `pid`, and to `pid` itself (in case it left the group).
pub fn kill_group(pid: u32, signal: i32) {
    let Ok(pid) = i32::try_from(pid) else { return };
    if pid <= 1 {
        return;
    }
    // SAFETY: kill(2) has no memory effects; a stale pid at worst gets ESRCH.
    unsafe {
        libc::kill(-pid, signal);
        libc::kill(pid, signal);
    }
}

/// Whether a cleanup has started (new work should not begin, and nothing more should be reported: the
/// handler says what happened).
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Called by a command that is done: during a cleanup, waits for the handler to end the process with the
/// signal's status, instead of racing it with the command's own (a build killed by the cleanup makes the
/// command fail, and it must not exit 2 before the cleanup is complete).
pub fn wait_if_stopping() {
    while stopping() {
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn lock() -> MutexGuard<'static, BTreeMap<u64, Entry>> {
    ENTRIES.lock().unwrap_or_else(|p| p.into_inner())
}

/// Installs the handler thread once per process. From then on SIGINT, SIGTERM and SIGHUP end the process
/// through it, after the cleanup.
pub fn install() {
    INSTALL.call_once(|| {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new().name("msgpact-signals".into()).spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                    return;
                }
            };
            rt.block_on(async move {
                use tokio::signal::unix::{signal, SignalKind};
                let streams =
                    (signal(SignalKind::interrupt()), signal(SignalKind::terminate()), signal(SignalKind::hangup()));
                let (mut int, mut term, mut hup) = match streams {
                    (Ok(i), Ok(t), Ok(h)) => (i, t, h),
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                let (name, signo) = tokio::select! {
                    _ = int.recv() => ("SIGINT", libc::SIGINT),
                    _ = term.recv() => ("SIGTERM", libc::SIGTERM),
                    _ = hup.recv() => ("SIGHUP", libc::SIGHUP),
                };
                let stopped = cleanup_all().await;
                if stopped.is_empty() {
                    eprintln!("msgpact: {name}: stopped");
                } else {
                    eprintln!("msgpact: {name}: stopped {}", stopped.join(", "));
                }
                std::process::exit(128 + signo);
            });
        });
        match spawned {
            // Wait until the handlers are registered, so that a signal right after `install` is caught.
            Ok(_) => match ready_rx.recv_timeout(Duration::from_secs(5)) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => eprintln!("msgpact: warning: no cleanup on signals: {e}"),
                Err(_) => eprintln!("msgpact: warning: the signal handler did not start in time"),
            },
            Err(e) => eprintln!("msgpact: warning: no cleanup on signals: {e}"),
        }
    });
}

/// Stops every registered process group (SIGTERM, then SIGKILL for those still there after a short grace),
/// runs every task, removes every directory; returns what it stopped, for the message.
pub async fn cleanup_all() -> Vec<String> {
    let entries: Vec<Entry> = {
        let _spawning = spawn_lock();
        STOPPING.store(true, Ordering::SeqCst);
        std::mem::take(&mut *lock()).into_values().collect()
    };
    let mut groups = Vec::new();
    let mut dirs = Vec::new();
    let mut tasks = Vec::new();
    for e in entries {
        match e {
            Entry::Group { pid, what } => groups.push((pid, what)),
            Entry::Dir(d) => dirs.push(d),
            Entry::Task { what, task } => tasks.push((what, task)),
        }
    }
    for (pid, _) in &groups {
        kill_group(*pid, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_millis(1500);
    let mut left: Vec<u32> = groups.iter().map(|(p, _)| *p).collect();
    while !left.is_empty() && Instant::now() < deadline {
        left.retain(|&pid| alive(pid));
        if !left.is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    for (pid, _) in &groups {
        kill_group(*pid, libc::SIGKILL);
    }
    let mut stopped: Vec<String> = groups.into_iter().map(|(_, what)| what).collect();
    for (what, task) in tasks {
        if tokio::time::timeout(Duration::from_secs(15), task()).await.is_err() {
            eprintln!("msgpact: could not clean up {what} in time");
        }
        stopped.push(what);
    }
    for d in dirs {
        // A process killed a moment ago may still be closing files in it: try twice.
        if std::fs::remove_dir_all(&d).is_err() && d.exists() {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let _ = std::fs::remove_dir_all(&d);
        }
    }
    stopped
}

/// Whether the child `pid` still runs: reaps it if it has exited (the process is about to exit, so taking
/// the exit status from its owner does no harm), and counts a pid that is not our child as gone.
fn alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else { return false };
    let mut status = 0;
    // SAFETY: waitpid with WNOHANG only reads the child's state into `status`.
    let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
    r == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_is_removed_when_dropped() {
        let r = register_dir("/nonexistent/msgpact-signals-test");
        let id = r.0;
        assert!(lock().contains_key(&id));
        drop(r);
        assert!(!lock().contains_key(&id));
    }

    #[test]
    fn kill_group_stops_a_child_and_its_children() {
        let mut cmd = std::process::Command::new("sh");
        cmd.args(["-c", "sleep 30 & echo $!; wait"]).stdout(std::process::Stdio::piped());
        let mut child = isolate(&mut cmd).spawn().unwrap();
        let mut line = String::new();
        use std::io::BufRead;
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let grandchild: i32 = line.trim().parse().unwrap();
        kill_group(child.id(), libc::SIGKILL);
        assert!(!child.wait().unwrap().success());
        let gone = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            // SAFETY: signal 0 only checks for existence.
            let exists = unsafe { libc::kill(grandchild, 0) == 0 };
            !exists || std::fs::read_to_string(format!("/proc/{grandchild}/stat")).is_ok_and(|s| s.contains(") Z "))
        });
        assert!(gone, "the sleep started by the child survived the group kill");
    }
}
