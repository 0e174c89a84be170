//! From msgpact.toml to the directories a command reads: the contracts, the golden vectors, the peers.
//!
//! A local source is a directory of the repository. A git source is resolved through msgpact.lock: the
//! locked commit's files come from the cache (fetched only when the cache does not have them); without a
//! lock, or when msgpact.toml names another pin than the lock, the pin is resolved, the lock written, and
//! the command says so. The contracts found must have the wire hash the lock recorded.
use super::cache::{effective_url, Cache};
use super::{lock, Error, Lock, Pin, Project, Source};
use crate::contract::Contracts;
use crate::diag::Code;
use std::path::PathBuf;

/// Where a command finds everything, as msgpact.toml says.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub contracts: PathBuf,
    pub golden: PathBuf,
    pub peers: PathBuf,
    /// The lock in use, for a git source.
    pub lock: Option<Lock>,
    /// What resolving did that people should know (a lock written, a fetch), for stderr.
    pub notes: Vec<String>,
}

/// Resolves the project's sources; fetches only what the cache lacks.
pub fn resolve(p: &Project) -> Result<Resolved, Error> {
    let c = &p.config;
    let peers = super::shown(&p.root.join(&c.peers.value));
    let Source::Git { url, pin } = &c.source else {
        return Ok(Resolved {
            contracts: super::shown(&p.root.join(&c.dir.value)),
            golden: super::shown(&p.root.join(&c.golden.value)),
            peers,
            lock: None,
            notes: Vec::new(),
        });
    };
    let mut notes = Vec::new();
    let cache = Cache::new(&effective_url(&p.root, &url.value));
    let lock_path = p.lock_path();
    let old = Lock::read(&lock_path)?;
    let (commit, lock) = match &old {
        Some(l) if l.matches(&url.value, &pin.value) => {
            let commit = l.contracts.commit.clone();
            if !cache.dir.join("trees").join(&commit).is_dir() && cache.commit_of(&commit).is_none() {
                let fresh = cache.fetch()?;
                if cache.commit_of(&commit).is_none() {
                    let why = fresh.note(&cache.url).map_or(String::new(), |n| format!(" ({n})"));
                    return Err(Error::at(
                        Code::ProjectLock,
                        &super::shown(&lock_path),
                        None,
                        format!("the locked commit {commit} is not in {}{why}", url.value),
                        "if the history was rewritten upstream, move the pin: `msgpact contracts update --to <tag>`",
                    ));
                }
            }
            (commit, l.clone())
        }
        _ => {
            let fresh = cache.fetch()?;
            notes.extend(fresh.note(&url.value));
            let Some(commit) = cache.commit_of(pin.value.rev()) else {
                return Err(p.error_at(
                    pin,
                    Code::ProjectFile,
                    format!("{} {} is not in {}", kind(&pin.value), pin.value.rev(), url.value),
                    known_tags(&cache),
                ));
            };
            let tree = cache.tree(&commit)?;
            let hash = wire_hash_of(&tree.join(&c.dir.value));
            let lock = Lock::new(&url.value, &pin.value, &commit, &hash);
            lock.write(&lock_path)?;
            let what = match &old {
                Some(o) => format!("moved from {} to {}", o.describe(), lock.describe()),
                None => format!("pins {}", lock.describe()),
            };
            notes.push(format!("{}: written: {what}, {}; commit it", lock::FILE, lock.contracts.wire_hash));
            (commit, lock)
        }
    };
    let tree = cache.tree(&commit)?;
    let contracts = tree.join(&c.dir.value);
    if !contracts.is_dir() {
        return Err(p.error_at(
            &c.dir,
            Code::ProjectFile,
            format!("{} has no directory `{}` at {}", url.value, c.dir.value, lock.describe()),
            "set [contracts] dir to the contracts directory inside that repository (`.` for its root)",
        ));
    }
    let hash = wire_hash_of(&contracts);
    if hash != lock.contracts.wire_hash {
        return Err(Error::at(
            Code::ProjectLock,
            &super::shown(&lock_path),
            None,
            format!(
                "the contracts at {} have wire hash {hash}, but the lock says {}",
                lock.describe(),
                lock.contracts.wire_hash
            ),
            "the lock was edited or written by another msgpact version; write it again with `msgpact contracts update --to <its tag>`",
        ));
    }
    Ok(Resolved { contracts, golden: tree.join(&c.golden.value), peers, lock: Some(lock), notes })
}

/// The wire hash of the contracts in `dir` as they load (problems in them are the command's to report).
pub fn wire_hash_of(dir: &std::path::Path) -> String {
    let (c, _) = Contracts::load_dir(dir);
    crate::contract::hash::wire_hash(&c)
}

fn kind(pin: &Pin) -> &'static str {
    match pin {
        Pin::Tag(_) => "tag",
        Pin::Rev(_) => "rev",
    }
}

/// A hint naming the release tags the repository has.
pub fn known_tags(cache: &Cache) -> String {
    let mut tags: Vec<String> = super::releases::releases(cache).into_iter().map(|r| r.tag).collect();
    if tags.is_empty() {
        return "the repository has no release tags (vX.Y.Z): tag one, or pin a commit with rev = \"...\"".into();
    }
    let newest = tags.pop().unwrap_or_default();
    tags.push(newest.clone());
    let shown: Vec<&str> = tags.iter().rev().take(8).map(String::as_str).collect();
    format!("its releases: {} (`msgpact contracts update --to {newest}` pins the newest)", shown.join(", "))
}
