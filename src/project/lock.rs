//! `msgpact.lock`: the commit a git source's pin resolved to and the wire hash of the contracts there.
//!
//! Written by msgpact (the first command that needs the contracts, `msgpact init`, `msgpact contracts
//! update`) and committed with the repository, so that every run checks against the same contracts until
//! someone moves the pin on purpose. A tag that is moved upstream does not move the lock.
use super::{Error, Pin};
use crate::diag::Code;
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const FILE: &str = "msgpact.lock";

/// The file's current format version.
const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub version: u32,
    pub contracts: Locked,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Locked {
    /// The git URL as msgpact.toml writes it.
    pub git: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    /// The full commit id the pin resolved to.
    pub commit: String,
    /// `crate::contract::hash::wire_hash` of the contracts at that commit.
    pub wire_hash: String,
}

impl Lock {
    pub fn new(git: &str, pin: &Pin, commit: &str, wire_hash: &str) -> Lock {
        let (tag, rev) = match pin {
            Pin::Tag(t) => (Some(t.clone()), None),
            Pin::Rev(r) => (None, Some(r.clone())),
        };
        Lock {
            version: VERSION,
            contracts: Locked { git: git.into(), tag, rev, commit: commit.into(), wire_hash: wire_hash.into() },
        }
    }

    /// The pin this lock was made for.
    pub fn pin(&self) -> Pin {
        match (&self.contracts.tag, &self.contracts.rev) {
            (Some(t), _) => Pin::Tag(t.clone()),
            (None, Some(r)) => Pin::Rev(r.clone()),
            (None, None) => Pin::Rev(self.contracts.commit.clone()),
        }
    }

    /// Whether this lock was made for this source and pin (else msgpact.toml moved and the lock follows).
    pub fn matches(&self, git: &str, pin: &Pin) -> bool {
        self.contracts.git == git && &self.pin() == pin
    }

    /// `v1.2.0 (0123abcd4567)`.
    pub fn describe(&self) -> String {
        let short = &self.contracts.commit[..self.contracts.commit.len().min(12)];
        match (&self.contracts.tag, &self.contracts.rev) {
            (Some(t), _) => format!("{t} ({short})"),
            _ => short.to_string(),
        }
    }

    /// Reads the lock; `None` when there is none.
    pub fn read(path: &Path) -> Result<Option<Lock>, Error> {
        let shown = super::shown(path);
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::at(
                    Code::ProjectLock,
                    &shown,
                    None,
                    format!("cannot read: {e}"),
                    "check its permissions",
                ))
            }
        };
        let hint =
            "msgpact writes this file: delete it and run `msgpact contracts update --to <tag>` to write it again";
        let lock: Lock = toml::from_str(&text).map_err(|e| {
            let pos = e.span().map(|s| crate::source::line_col(text.as_bytes(), s.start));
            Error::at(Code::ProjectLock, &shown, pos, e.message().trim_end().to_string(), hint)
        })?;
        if lock.version != VERSION {
            return Err(Error::at(
                Code::ProjectLock,
                &shown,
                None,
                format!("format version {} is not the {VERSION} this msgpact reads", lock.version),
                "use the msgpact version that wrote it, or write it again with `msgpact contracts update --to <tag>`",
            ));
        }
        let c = &lock.contracts;
        let hex = |s: &str| s.len() >= 40 && s.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex(&c.commit) || !c.wire_hash.starts_with("sha256:") || c.tag.is_some() && c.rev.is_some() {
            return Err(Error::at(
                Code::ProjectLock,
                &shown,
                None,
                "is not a lock msgpact wrote (commit, wire_hash, tag or rev)",
                hint,
            ));
        }
        Ok(Some(lock))
    }

    /// Writes the lock atomically.
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let body = toml::to_string(self).expect("a lock serializes");
        let text = format!(
            "# msgpact.lock: the contracts this repository is checked against. Written by msgpact; commit it.\n\
             # `msgpact contracts status` says whether newer releases exist, `msgpact contracts update` moves it.\n{body}"
        );
        crate::fsx::write_atomic(path, text.as_bytes()).map_err(|e| {
            Error::at(
                Code::WriteFailed,
                &super::shown(path),
                None,
                format!("cannot write: {e}"),
                "check permissions and free space",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_round_trips_and_knows_its_pin() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let commit = "0123456789abcdef0123456789abcdef01234567";
        let lock = Lock::new("https://x/c.git", &Pin::Tag("v1.0.0".into()), commit, "sha256:ab");
        lock.write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# msgpact.lock") && text.contains("tag = \"v1.0.0\""), "{text}");
        let back = Lock::read(&path).unwrap().unwrap();
        assert_eq!(back, lock);
        assert!(back.matches("https://x/c.git", &Pin::Tag("v1.0.0".into())));
        assert!(!back.matches("https://x/c.git", &Pin::Tag("v1.1.0".into())));
        assert!(!back.matches("https://y/c.git", &Pin::Tag("v1.0.0".into())));
        assert_eq!(back.describe(), "v1.0.0 (0123456789ab)");
        assert_eq!(Lock::read(&dir.path().join("none")).unwrap(), None);
    }

    #[test]
    fn a_damaged_lock_is_an_error_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        for text in [
            "version = 1\n[contracts]\ngit = \"u\"\n",
            "version = 2\n[contracts]\ngit = \"u\"\ncommit = \"0123456789abcdef0123456789abcdef01234567\"\nwire_hash = \"sha256:a\"\n",
            "version = 1\n[contracts]\ngit = \"u\"\ncommit = \"xyz\"\nwire_hash = \"sha256:a\"\n",
        ] {
            std::fs::write(&path, text).unwrap();
            let e = Lock::read(&path).unwrap_err().to_string();
            assert!(e.contains("error[E1102]") && e.contains("hint:"), "{e}");
        }
    }
}
