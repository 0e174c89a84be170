//! A service repository's own msgpact setup: `msgpact.toml`, pinned contracts and `msgpact.lock`.
//!
//! msgpact is the CI gate of each service's repository, and those repositories do not hold the shared
//! contracts: they name them. [`config`] reads `msgpact.toml` (where the contracts come from, where golden
//! vectors and peers are, which message types the peers must serve, policy); [`cache`] fetches a git
//! source into a per-user cache and exports the pinned commit's files; [`lock`] records the resolved
//! commit and the contracts' wire hash in `msgpact.lock`; [`resolve`] turns all of it into the
//! directories every command reads; [`releases`] finds newer releases and weighs them against this
//! repository's types with the rules of [`crate::breaking`]; [`init`] scaffolds a repository.
//!
//! Every problem is an [`Error`], this layer's one error type, rendered through its
//! [`Diagnostic`](crate::diag::Diagnostic): `msgpact.toml:LINE:COL: error[CODE]: ...` with a hint.
pub mod cache;
pub mod config;
pub mod init;
pub mod lock;
pub mod releases;
pub mod resolve;

pub use config::{Config, Pin, Source, FILE};
pub use lock::Lock;
pub use resolve::{resolve, Resolved};

use crate::diag::Code;
use std::path::{Path, PathBuf};

/// A value and where it was written (`(line, col)`, none for a default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub at: Option<(u32, u32)>,
}

impl<T> Located<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Located<U> {
        Located { value: f(self.value), at: self.at }
    }
}

/// A problem with the project: its code, where (a file, maybe a line and column), what, and what to do.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub code: Code,
    /// `msgpact.toml:3:7`, `msgpact.lock`, or empty.
    pub location: String,
    pub message: String,
    pub hint: String,
}

impl Error {
    pub fn new(code: Code, message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error { code, location: String::new(), message: message.into(), hint: hint.into() }
    }
    /// An error in `path`, at `(line, col)` when known.
    pub fn at(
        code: Code,
        path: &Path,
        pos: Option<(u32, u32)>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Error {
        let location = match pos {
            Some((l, c)) => format!("{}:{l}:{c}", path.display()),
            None => path.display().to_string(),
        };
        Error { code, location, message: message.into(), hint: hint.into() }
    }
}

impl Error {
    /// The one conversion into a [`Diagnostic`](crate::diag::Diagnostic): its code, so its exit code.
    pub fn diagnostic(&self) -> crate::diag::Diagnostic {
        if self.location.is_empty() {
            crate::diag::Diagnostic::without_span(self.code, &self.message, &self.hint)
        } else {
            crate::diag::Diagnostic::at(self.code, &self.location, &self.message, &self.hint)
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diagnostic().render_plain())
    }
}

impl std::error::Error for Error {}

/// A repository with a msgpact.toml.
#[derive(Clone, Debug)]
pub struct Project {
    /// The directory that holds msgpact.toml; every path of the file is relative to it.
    pub root: PathBuf,
    /// msgpact.toml as named in messages (relative to the working directory when inside it).
    pub file: PathBuf,
    pub text: String,
    pub config: Config,
}

impl Project {
    /// The msgpact.toml of `root`, or `None` when there is none.
    pub fn find(root: &Path) -> Result<Option<Project>, Error> {
        let path = root.join(FILE);
        if !path.exists() {
            return Ok(None);
        }
        Project::load(root).map(Some)
    }

    /// The msgpact.toml of `root`; a missing file is an error that says how to make one.
    pub fn load(root: &Path) -> Result<Project, Error> {
        let path = root.join(FILE);
        let file = shown(&path);
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                Error::at(Code::ProjectFile, &file, None, "is not valid UTF-8", "save it as UTF-8 text")
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing(root)),
            Err(e) => {
                return Err(Error::at(
                    Code::ProjectFile,
                    &file,
                    None,
                    format!("cannot read: {e}"),
                    "check its permissions",
                ))
            }
        };
        let config = config::parse(&file, &text)?;
        // A git URL may carry credentials (`https://user:token@host/...`): no output shows them.
        if let Source::Git { url, .. } = &config.source {
            crate::redact::add_url(&url.value);
        }
        Ok(Project { root: root.to_path_buf(), file, text, config })
    }

    /// `msgpact.toml:LINE:COL` (or the file alone) for a value of the file.
    pub fn error_at<T>(
        &self,
        l: &Located<T>,
        code: Code,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Error {
        Error::at(code, &self.file, l.at, message, hint)
    }

    /// Where msgpact.lock of this project is.
    pub fn lock_path(&self) -> PathBuf {
        self.root.join(lock::FILE)
    }
}

/// The error for a command that needs msgpact.toml in a directory without one.
pub fn missing(root: &Path) -> Error {
    Error::at(
        Code::ProjectFile,
        &shown(&root.join(FILE)),
        None,
        "there is no msgpact.toml here",
        "run msgpact from the repository's root, or create one with `msgpact init --lang go|python|rust --contracts DIR|GIT-URL@TAG` (docs/adopt.md)",
    )
}

/// `path` relative to the working directory when it is inside it (`msgpact.toml`), else as it is.
pub fn shown(path: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else { return path.to_path_buf() };
    match path.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => path.to_path_buf(),
    }
}
