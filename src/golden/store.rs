//! Golden files on disk: where each case lives, what differs, and atomic writes.
//!
//! `check` only reads and lists added, removed and changed cases. `write` writes each changed file
//! atomically (a temporary file in the same directory, then a rename) and is the only thing that removes
//! the files of a case that no longer exists. A write killed between the two steps (SIGKILL, a power cut)
//! leaves its temporary file (`.NAME.tmp-PID`) behind: `check` lists such leftovers and the next `write`
//! removes them (unless the process that named it still runs: another write in progress).
use super::{twin, Case};
use crate::contract::Contracts;
pub use crate::fsx::write_atomic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The two files of one case, as the contracts generate them.
pub struct Expected {
    /// `<package>/<Message>/<case>`, the case's name in reports.
    pub key: String,
    pub msgpack: Vec<u8>,
    pub snap: String,
}

pub fn expected(c: &Contracts, cases: &[Case]) -> Vec<Expected> {
    cases
        .iter()
        .map(|case| Expected {
            key: format!("{}/{}/{}", c.package_of(case.message).name, c.message(case.message).name, case.id),
            msgpack: case.bytes.clone(),
            snap: twin::snap_file(c, case),
        })
        .collect()
}

#[derive(Default, Debug, Clone, PartialEq)]
pub struct Drift {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
    /// Snapshots insta left for review (`*.snap.new`).
    pub pending: Vec<String>,
    /// Temporary files of an interrupted write (`.NAME.tmp-PID`), relative to the golden directory; `write`
    /// lists here the ones it removed.
    pub leftovers: Vec<String>,
}

impl Drift {
    pub fn is_clean(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// What a golden directory holds.
#[derive(Default)]
struct OnDisk {
    /// Every case key (from `.msgpack` or `.snap` files).
    keys: BTreeMap<String, ()>,
    /// Pending insta snapshots.
    pending: Vec<String>,
    /// Temporary files of interrupted writes, with the pid in their name.
    leftovers: Vec<(String, u32)>,
}

/// The pid in the name of a temporary file of [`write_atomic`] (`.NAME.tmp-PID`).
fn leftover_pid(file_name: &str) -> Option<u32> {
    let (head, pid) = file_name.rsplit_once(".tmp-")?;
    if !head.starts_with('.') || head.len() < 2 || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

fn on_disk(dir: &Path) -> std::io::Result<OnDisk> {
    let mut found = OnDisk::default();
    if !dir.exists() {
        return Ok(found);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if let Some(pid) = leftover_pid(&name) {
                found.leftovers.push((rel, pid));
            } else if let Some(k) = rel.strip_suffix(".msgpack").or_else(|| rel.strip_suffix(".snap")) {
                found.keys.insert(k.to_string(), ());
            } else if let Some(k) = rel.strip_suffix(".snap.new") {
                found.pending.push(k.to_string());
            }
        }
    }
    found.pending.sort();
    found.leftovers.sort();
    Ok(found)
}

/// Compares `dir` with what the contracts generate. Writes nothing.
pub fn check(dir: &Path, expected: &[Expected]) -> std::io::Result<Drift> {
    let OnDisk { keys: mut disk, pending, leftovers } = on_disk(dir)?;
    let leftovers = leftovers.into_iter().map(|(rel, _)| rel).collect();
    let mut drift = Drift { pending, leftovers, ..Drift::default() };
    for e in expected {
        let base = dir.join(&e.key);
        if disk.remove(&e.key).is_none() {
            drift.added.push(e.key.clone());
            continue;
        }
        let bin = std::fs::read(path_with(&base, "msgpack")).ok();
        let snap = std::fs::read_to_string(path_with(&base, "snap")).ok();
        let snap_same = snap.as_deref().and_then(twin::snap_body) == twin::snap_body(&e.snap);
        if bin.as_deref() != Some(&e.msgpack[..]) || !snap_same {
            drift.changed.push(e.key.clone());
        }
    }
    drift.removed = disk.into_keys().collect();
    Ok(drift)
}

/// Brings `dir` in line with the contracts; returns what it changed.
pub fn write(dir: &Path, expected: &[Expected]) -> std::io::Result<Drift> {
    let mut drift = check(dir, expected)?;
    let mut removed = Vec::new();
    for (rel, pid) in on_disk(dir)?.leftovers {
        // A pid that still runs (and is not this process) may be another write in progress: leave it.
        if pid != std::process::id() && Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        std::fs::remove_file(dir.join(&rel))?;
        removed.push(rel);
    }
    drift.leftovers = removed;
    let touched: std::collections::HashSet<&String> = drift.added.iter().chain(&drift.changed).collect();
    for e in expected.iter().filter(|e| touched.contains(&e.key)) {
        let base = dir.join(&e.key);
        write_atomic(&path_with(&base, "msgpack"), &e.msgpack)?;
        let existing = std::fs::read_to_string(path_with(&base, "snap")).ok();
        if existing.as_deref().and_then(twin::snap_body) != twin::snap_body(&e.snap) {
            write_atomic(&path_with(&base, "snap"), e.snap.as_bytes())?;
        }
    }
    for key in &drift.removed {
        let base = dir.join(key);
        for ext in ["msgpack", "snap", "snap.new"] {
            let p = path_with(&base, ext);
            if p.exists() {
                std::fs::remove_file(&p)?;
            }
        }
        remove_empty_parents(dir, &base);
    }
    Ok(drift)
}

fn path_with(base: &Path, ext: &str) -> PathBuf {
    let mut s = base.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_of_write_atomic_are_recognised_by_name() {
        assert_eq!(leftover_pid(".example.minimal.msgpack.tmp-4242"), Some(4242));
        assert_eq!(leftover_pid(".x.snap.tmp-1"), Some(1));
        for other in ["example.minimal.msgpack", ".x.tmp-", ".x.tmp-12a", "x.tmp-12", ".tmp-12"] {
            assert_eq!(leftover_pid(other), None, "{other}");
        }
    }
}
