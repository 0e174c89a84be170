//! The contracts cache: a bare clone of each contracts repository, and the files of each pinned commit.
//!
//! `<cache>/contracts/<key>/` (`~/.cache/msgpact/contracts`, or `MSGPACT_CONTRACTS_CACHE`), one per git URL:
//! `repo.git` is a bare clone (branches and tags, fetched with `--force` so that a moved tag is seen), and
//! `trees/<commit>/` the files of one commit, exported once (into a temporary directory, then renamed: a
//! reader sees all of them or none). A lock file serializes the commands that change it. Once a commit is
//! there, nothing needs the network: commands work offline from the cache, and say so.
use super::Error;
use crate::contract::previous::run_git;
use crate::diag::Code;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// One contracts repository's corner of the cache.
#[derive(Clone, Debug)]
pub struct Cache {
    /// The URL git fetches from (a relative local path made absolute).
    pub url: String,
    pub dir: PathBuf,
}

/// Whether the cache was brought up to date with the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Freshness {
    Fetched,
    /// The repository could not be reached; the cache is as of `last` (its last successful fetch).
    Offline {
        error: String,
        last: Option<SystemTime>,
    },
}

impl Freshness {
    /// `offline: could not reach URL (...); using the cache of 2 h ago` or empty.
    pub fn note(&self, url: &str) -> Option<String> {
        match self {
            Freshness::Fetched => None,
            Freshness::Offline { error, last } => {
                let when = last.map_or_else(|| "(never fetched)".to_string(), |t| format!("fetched {}", ago(t)));
                Some(if error == "--offline" {
                    format!("offline (--offline): using the cache of {url}, {when}")
                } else {
                    format!(
                        "offline: cannot reach {url} ({}); using the cache, {when}",
                        error.lines().last().unwrap_or("").trim()
                    )
                })
            }
        }
    }
}

/// `12 s ago`, `3 h ago`, `2 days ago`.
pub fn ago(t: SystemTime) -> String {
    let s = SystemTime::now().duration_since(t).map_or(0, |d| d.as_secs());
    match s {
        0..=119 => format!("{s} s ago"),
        120..=7199 => format!("{} min ago", s / 60),
        7200..=172_799 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86_400),
    }
}

/// The directory of the contracts cache.
pub fn root() -> PathBuf {
    match std::env::var_os("MSGPACT_CONTRACTS_CACHE").filter(|v| !v.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => crate::nats::default_cache_dir().join("contracts"),
    }
}

/// The URL as git should fetch it: a local path relative to the project root made absolute; URLs
/// (`https://`, `file://`, `git@host:path`) as they are.
pub fn effective_url(project_root: &Path, url: &str) -> String {
    let is_url =
        url.contains("://") || url.split_once(':').is_some_and(|(host, _)| host.contains('@') || !host.contains('/'));
    if is_url || Path::new(url).is_absolute() {
        return url.to_string();
    }
    let p = project_root.join(url);
    std::fs::canonicalize(&p).unwrap_or(p).display().to_string()
}

impl Cache {
    pub fn new(url: &str) -> Cache {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(url.as_bytes());
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        // The repository's name too, for people looking into the cache.
        let name: String = url
            .trim_end_matches('/')
            .trim_end_matches(".git")
            .rsplit(['/', ':'])
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .take(40)
            .collect();
        Cache { url: url.to_string(), dir: root().join(format!("{name}-{hex}")) }
    }

    pub fn repo(&self) -> PathBuf {
        self.dir.join("repo.git")
    }

    pub fn has_repo(&self) -> bool {
        self.repo().join("HEAD").is_file()
    }

    /// When the repository was last fetched successfully.
    pub fn last_fetch(&self) -> Option<SystemTime> {
        std::fs::metadata(self.dir.join("fetched")).and_then(|m| m.modified()).ok()
    }

    /// Clones the repository into the cache, or fetches what is new. A repository that cannot be reached
    /// is an error only when nothing of it is cached yet.
    pub fn fetch(&self) -> Result<Freshness, Error> {
        let _lock = self.lock()?;
        let result = if self.has_repo() {
            git(
                Some(&self.repo()),
                &[
                    "fetch",
                    "--quiet",
                    "--force",
                    "--prune",
                    "--prune-tags",
                    &self.url,
                    "+refs/heads/*:refs/heads/*",
                    "+refs/tags/*:refs/tags/*",
                ],
            )
        } else {
            let tmp = self.dir.join(format!(".clone-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&tmp);
            let tmp_s = tmp.display().to_string();
            let r = git(None, &["clone", "--quiet", "--bare", "--", &self.url, &tmp_s]).and_then(|_| {
                std::fs::rename(&tmp, self.repo())
                    .map(|_| Vec::new())
                    .map_err(|e| format!("cannot move the clone: {e}"))
            });
            if r.is_err() {
                let _ = std::fs::remove_dir_all(&tmp);
            }
            r
        };
        match result {
            Ok(_) => {
                let _ = std::fs::write(self.dir.join("fetched"), b"");
                Ok(Freshness::Fetched)
            }
            Err(error) if self.has_repo() => Ok(Freshness::Offline { error, last: self.last_fetch() }),
            Err(error) => Err(Error::new(
                Code::ContractsFetch,
                format!("cannot fetch the contracts from {}: {}", self.url, error.trim()),
                "check the URL in msgpact.toml and that this machine can reach it (git credentials, network); once fetched, the cache works offline",
            )),
        }
    }

    /// The commit `rev` names in the cache (a tag, a branch, a commit id).
    pub fn commit_of(&self, rev: &str) -> Option<String> {
        if !super::config::is_plain_ref(rev) || !self.has_repo() {
            return None;
        }
        let out = git(Some(&self.repo()), &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]).ok()?;
        let s = String::from_utf8_lossy(&out).trim().to_string();
        (!s.is_empty()).then_some(s)
    }

    /// Whether commit `a` is `b` or one of its ancestors.
    pub fn is_ancestor(&self, a: &str, b: &str) -> bool {
        git(Some(&self.repo()), &["merge-base", "--is-ancestor", a, b]).is_ok()
    }

    /// Every tag of the repository with the commit it names.
    pub fn tags(&self) -> Vec<(String, String)> {
        let Ok(out) = git(
            Some(&self.repo()),
            &["for-each-ref", "--format=%(refname:strip=2) %(objectname) %(*objectname)", "refs/tags"],
        ) else {
            return Vec::new();
        };
        String::from_utf8_lossy(&out)
            .lines()
            .filter_map(|l| {
                let mut parts = l.split(' ');
                let (name, obj, peeled) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
                // An annotated tag points at a tag object; its commit is the peeled object.
                Some((name.to_string(), if peeled.is_empty() { obj } else { peeled }.to_string()))
            })
            .collect()
    }

    /// The files of `commit`, exported once into `trees/<commit>/`.
    pub fn tree(&self, commit: &str) -> Result<PathBuf, Error> {
        let dest = self.dir.join("trees").join(commit);
        if dest.is_dir() {
            return Ok(dest);
        }
        let _lock = self.lock()?;
        if dest.is_dir() {
            return Ok(dest);
        }
        let fail = |e: String| {
            Error::new(
                Code::ContractsFetch,
                format!("cannot export commit {commit} of {} from the cache: {e}", self.url),
                format!("delete {} (the cache) and run again; it is fetched anew", self.dir.display()),
            )
        };
        let trees = self.dir.join("trees");
        std::fs::create_dir_all(&trees).map_err(|e| fail(e.to_string()))?;
        let tmp = trees.join(format!(".tmp-{commit}-{}", std::process::id()));
        let index = trees.join(format!(".index-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).map_err(|e| fail(e.to_string()))?;
        let repo = self.repo();
        let run = |args: &[&str]| -> Result<(), String> {
            let out = Command::new("git")
                .arg("--git-dir")
                .arg(&repo)
                .arg("--work-tree")
                .arg(&tmp)
                .args(args)
                .env("GIT_INDEX_FILE", &index)
                .env("GIT_TERMINAL_PROMPT", "0")
                .output()
                .map_err(|e| format!("cannot run git: {e}"))?;
            if out.status.success() {
                Ok(())
            } else {
                Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
            }
        };
        let result = run(&["read-tree", commit])
            .and_then(|_| run(&["checkout-index", "--all", "--force"]))
            .and_then(|_| std::fs::rename(&tmp, &dest).map_err(|e| e.to_string()));
        let _ = std::fs::remove_file(&index);
        if let Err(e) = result {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(fail(e));
        }
        Ok(dest)
    }

    /// The files under `prefix` (`contracts/`, or empty for the whole tree) at `commit` whose path passes
    /// `keep`, read from the object database.
    pub fn files(
        &self,
        commit: &str,
        prefix: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Result<Vec<(String, Vec<u8>)>, Error> {
        crate::contract::previous::git_files(&self.repo(), commit, prefix, keep)
            .map_err(|e| Error::new(Code::ContractsFetch, e.message, e.hint))
    }

    fn lock(&self) -> Result<FileLock, Error> {
        FileLock::take(&self.dir.join("lock")).map_err(|e| {
            Error::new(
                Code::ContractsFetch,
                format!("cannot lock the contracts cache {}: {e}", self.dir.display()),
                "check that the cache directory is writable (MSGPACT_CONTRACTS_CACHE moves it)",
            )
        })
    }
}

/// An exclusive `flock` on a file, released on drop (and by the kernel if the process dies).
struct FileLock(#[allow(dead_code)] std::fs::File);

impl FileLock {
    fn take(path: &Path) -> std::io::Result<FileLock> {
        use std::os::fd::AsRawFd;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let f = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(path)?;
        // SAFETY: flock on a file descriptor this function owns; no memory is involved.
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(FileLock(f))
    }
}

/// Runs git (in the bare repository `repo` when given) without prompts: [`run_git`], naming only the git
/// command when it fails silently (the arguments may hold a URL).
fn git(repo: Option<&Path>, args: &[&str]) -> Result<Vec<u8>, String> {
    let at: Vec<&OsStr> = repo.map_or_else(Vec::new, |r| vec!["--git-dir".as_ref(), r.as_os_str()]);
    run_git(&at, args, args[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_local_paths() {
        let root = Path::new("/srv/app");
        for url in ["https://github.com/a/b.git", "file:///tmp/c", "git@github.com:a/b.git", "/abs/path"] {
            assert_eq!(effective_url(root, url), url);
        }
        assert_eq!(effective_url(root, "../contracts"), "/srv/app/../contracts");
    }

    #[test]
    fn cache_dirs_are_per_url_and_named_after_the_repository() {
        let a = Cache::new("https://github.com/acme/contracts.git");
        let b = Cache::new("https://github.com/other/contracts.git");
        assert_ne!(a.dir, b.dir);
        let name = a.dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("contracts-") && name.len() == "contracts-".len() + 16, "{name}");
    }
}
