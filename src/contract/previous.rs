//! The earlier version(s) to compare with: a git ref, a directory, or every released version.
//!
//! A git ref is read with `git cat-file` from the object database, never by checking anything out: the
//! work tree, the index and HEAD stay as they are. The contracts directory is found at the same path
//! relative to the repository root (`git rev-parse --show-prefix` of `--contracts`), and its files are
//! loaded with paths `REF:path/in/repo.yaml`, so every position printed for the old version names the ref.
//!
//! Released versions (`--transitive`) are git tags `vMAJOR.MINOR.PATCH` (the whole contracts directory)
//! or `PACKAGE/vMAJOR.MINOR.PATCH` (only that package), reachable from the given ref; or, for a directory,
//! its subdirectories named `MAJOR.MINOR.PATCH` or `vMAJOR.MINOR.PATCH`. Both are sorted by version.
//!
//! Anything missing or corrupt is an error ([`PreviousError`], exit 2), never an empty comparison.
use super::{files, Contracts, Version};
use crate::diag::{plural, Code, Diagnostic, Diagnostics, Severity};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where an earlier version comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A git ref (`v1.2.0`, `origin/main`, a commit), resolved to `commit`.
    Git { rev: String, commit: String, repo: PathBuf, prefix: String },
    /// A directory of contract files.
    Dir(PathBuf),
}

/// One earlier version, before it is loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// How it is named in findings: the ref as given (`v1.2.0`) or the directory (`old/1.2.0`).
    pub label: String,
    pub origin: Origin,
    /// Compare only this package (tags `chat/v1.2.0`).
    pub package: Option<String>,
    /// The version its name says (tags and version directories).
    pub version: Option<Version>,
}

/// An earlier version, loaded and checked. `contracts` is a full [`Contracts`] (what `verify --against`
/// needs to regenerate the old golden vectors); its source paths are `REF:path` for git refs.
#[derive(Debug)]
pub struct Previous {
    pub target: Target,
    pub contracts: Contracts,
}

/// Why an earlier version cannot be compared with (exit 2): the contract layer's error about earlier
/// versions, one [`Diagnostic`] (after the earlier version's own contract errors, if any).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct PreviousError {
    /// E1001 (missing or unreadable) or E1002 (its contracts do not load).
    pub code: Code,
    pub message: String,
    pub hint: String,
    /// The previous version's own contract errors, rendered (`v1.0.0:contracts/chat.yaml:3:5: error[E302]: ...`).
    pub details: Vec<String>,
}

impl PreviousError {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        PreviousError { code: Code::PreviousVersion, message: message.into(), hint: hint.into(), details: Vec::new() }
    }
}

impl PreviousError {
    /// The earlier version's own contract errors, each on its line, then this error: what a command prints.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.details {
            out.push_str(d);
            out.push('\n');
        }
        out.push_str(&Diagnostic::from(self).render_plain());
        out
    }
}

impl From<&PreviousError> for Diagnostic {
    fn from(e: &PreviousError) -> Diagnostic {
        Diagnostic::without_span(e.code, e.message.as_str(), e.hint.as_str())
    }
}

/// Loads one earlier version: `against` is a directory if one exists at that path, else a git ref of the
/// repository that holds `contracts_dir`.
pub fn load_previous(against: &str, contracts_dir: &Path) -> Result<Previous, PreviousError> {
    let target = resolve(against, contracts_dir)?;
    load(&target)
}

/// Loads every released version (`--transitive`), oldest first.
pub fn load_versions(against: &str, contracts_dir: &Path) -> Result<Vec<Previous>, PreviousError> {
    resolve_versions(against, contracts_dir)?.iter().map(load).collect()
}

/// What `against` names, without loading it.
pub fn resolve(against: &str, contracts_dir: &Path) -> Result<Target, PreviousError> {
    if against.is_empty() {
        return Err(PreviousError::new(
            "--against is empty",
            "give a git ref (v1.2.0, origin/main) or a directory of contracts",
        ));
    }
    let path = Path::new(against);
    if path.is_dir() {
        return Ok(Target {
            label: against.to_string(),
            origin: Origin::Dir(path.to_path_buf()),
            package: None,
            version: None,
        });
    }
    if path.exists() {
        return Err(PreviousError::new(
            format!("`{against}` is a file, not a directory of contracts or a git ref"),
            "pass the directory that holds the earlier *.yaml files",
        ));
    }
    let (repo, prefix) = repo_of(contracts_dir).map_err(|e| {
        PreviousError::new(
            format!("`{against}` is not a directory, and it cannot be read as a git ref: {e}"),
            "pass a directory of earlier contracts, or run inside the git repository that holds --contracts",
        )
    })?;
    let commit = rev_parse(&repo, against)?;
    Ok(Target {
        label: against.to_string(),
        origin: Origin::Git { rev: against.to_string(), commit, repo, prefix },
        package: None,
        version: None,
    })
}

/// Every released version: version tags reachable from the ref `against`, or the version subdirectories
/// of the directory `against`; sorted by version (then by name).
pub fn resolve_versions(against: &str, contracts_dir: &Path) -> Result<Vec<Target>, PreviousError> {
    let mut targets = match resolve(against, contracts_dir)?.origin {
        Origin::Dir(dir) => version_dirs(&dir)?,
        Origin::Git { commit, repo, prefix, .. } => version_tags(&repo, &prefix, &commit, against)?,
    };
    targets.sort_by(|a, b| (a.version, &a.package, &a.label).cmp(&(b.version, &b.package, &b.label)));
    Ok(targets)
}

/// Loads and checks one earlier version; a version whose contracts do not load is an error.
pub fn load(target: &Target) -> Result<Previous, PreviousError> {
    let (contracts, diags) = match &target.origin {
        Origin::Dir(dir) => {
            let (c, d) = Contracts::load_dir(dir);
            if c.sources.is_empty() {
                return Err(PreviousError::new(
                    format!("no contract files (*.yaml) in {} (the earlier version)", dir.display()),
                    "the earlier version must hold the *.yaml contract files of that version",
                ));
            }
            if d.has_errors() && looks_like_versions(dir) {
                let mut e = invalid(target, &c, &d);
                e.hint = format!("{} holds version directories: did you mean `--transitive`?", dir.display());
                return Err(e);
            }
            (c, d)
        }
        Origin::Git { rev, commit, repo, prefix } => {
            let files = read_tree(repo, commit, prefix)?;
            if files.is_empty() {
                let shown = if prefix.is_empty() {
                    "the repository root".to_string()
                } else {
                    format!("`{}`", prefix.trim_end_matches('/'))
                };
                return Err(PreviousError::new(
                    format!("no contract files (*.yaml) under {shown} at `{rev}` ({})", &commit[..commit.len().min(12)]),
                    "the contracts directory must exist at the same path in that version; pass --contracts to point at it, or compare with a directory",
                ));
            }
            load_named(target.label.as_str(), files)
        }
    };
    if diags.has_errors() {
        return Err(invalid(target, &contracts, &diags));
    }
    if let Some(p) = &target.package {
        if !contracts.packages.iter().any(|x| &x.name == p) {
            return Err(PreviousError::new(
                format!("`{}` has no package `{p}`", target.label),
                "a tag `PACKAGE/vX.Y.Z` must name a package of the contracts at that tag",
            ));
        }
    }
    Ok(Previous { target: target.clone(), contracts })
}

fn invalid(target: &Target, c: &Contracts, d: &Diagnostics) -> PreviousError {
    let details =
        d.sorted().into_iter().filter(|x| x.severity() == Severity::Error).map(|x| x.render(&c.sources)).collect();
    PreviousError {
        code: Code::PreviousInvalid,
        message: format!(
            "the earlier version `{}` has {} in its contracts, so it cannot be compared with",
            target.label,
            plural(d.errors(), "error")
        ),
        hint: "compare with a version whose contracts lint cleanly (another ref or directory)".into(),
        details,
    }
}

/// Builds [`Contracts`] from files in memory, named `label:path`, through the same passes as
/// [`Contracts::load_files`].
pub fn load_named(label: &str, files: Vec<(String, Vec<u8>)>) -> (Contracts, Diagnostics) {
    files::load_sources(
        files.into_iter().map(|(path, bytes)| (PathBuf::from(format!("{label}:{path}")), Ok(bytes))).collect(),
    )
}

// ----- git -----

fn git(repo: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    run_git(&["-C".as_ref(), repo.as_os_str()], args, &args.join(" "))
}

/// Runs git with the options `at` (`-C DIR`, `--git-dir DIR`, or none) and `args`, without prompts or input:
/// its stdout, or its stderr as the error (`git WHAT failed (status)` when it printed nothing). The one way
/// msgpact runs git: earlier contract versions here, pinned contracts in `project::cache`.
pub(crate) fn run_git(at: &[&OsStr], args: &[&str], what: &str) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(at)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Err(if err.is_empty() { format!("git {what} failed ({})", out.status) } else { err })
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim_end_matches(['\n', '\r']).to_string()
}

/// The repository root that holds `dir`, and `dir`'s path inside it (`contracts/`, or empty at the root).
fn repo_of(dir: &Path) -> Result<(PathBuf, String), String> {
    let probe = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let probe =
        if probe.is_dir() { probe.to_path_buf() } else { return Err(format!("{} is not a directory", dir.display())) };
    let top = text(git(&probe, &["rev-parse", "--show-toplevel"])?);
    let prefix = text(git(&probe, &["rev-parse", "--show-prefix"])?);
    Ok((PathBuf::from(top), prefix))
}

/// The commit a ref names.
fn rev_parse(repo: &Path, rev: &str) -> Result<String, PreviousError> {
    if rev.starts_with('-') {
        return Err(PreviousError::new(format!("`{rev}` is not a git ref"), "refs do not start with `-`"));
    }
    match git(repo, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")]) {
        Ok(out) if !out.is_empty() => Ok(text(out)),
        _ => {
            let shallow = git(repo, &["rev-parse", "--is-shallow-repository"]).map(text).unwrap_or_default() == "true";
            Err(PreviousError::new(
                format!("`{rev}` is neither a directory nor a git ref or commit of {}", repo.display()),
                if shallow {
                    "this is a shallow clone: fetch the ref and tags first (`git fetch --tags --unshallow`, or actions/checkout with fetch-depth: 0)"
                } else {
                    "check the name (`git tag`, `git branch -a`); in CI, fetch it first (`git fetch origin main --tags`)"
                },
            ))
        }
    }
}

/// The contract files (`*.yaml`, `*.yml`) under `prefix` at `commit`, sorted by path, with their bytes.
fn read_tree(repo: &Path, commit: &str, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, PreviousError> {
    git_files(repo, commit, prefix, |p| p.ends_with(".yaml") || p.ends_with(".yml"))
}

/// The files under `prefix` (a path relative to the repository root, e.g. `golden/`) at `commit` whose
/// path passes `keep`, sorted by path, read from git's object database (nothing is checked out). For
/// other commands that need more of an earlier version than its contracts, such as its golden vectors:
/// `git_files(repo, commit, "golden/", |p| p.ends_with(".msgpack"))` with `repo` and `commit` from a
/// [`Target`] whose origin is [`Origin::Git`].
pub fn git_files(
    repo: &Path,
    commit: &str,
    prefix: &str,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<(String, Vec<u8>)>, PreviousError> {
    let fail = |e: String| {
        PreviousError::new(
            format!("cannot read the contracts at {commit}: {e}"),
            "check that the repository is not corrupt (`git fsck`)",
        )
    };
    let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", "--name-only", commit];
    if !prefix.is_empty() {
        args.extend(["--", prefix]);
    }
    let listing = git(repo, &args).map_err(fail)?;
    let mut paths: Vec<String> = listing
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .filter(|p| keep(p))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for p in paths {
        let bytes = git(repo, &["cat-file", "blob", &format!("{commit}:{p}")]).map_err(fail)?;
        files.push((p, bytes));
    }
    Ok(files)
}

/// `v1.2.3` -> (None, 1.2.3); `chat/v1.2.3` -> (Some("chat"), 1.2.3); anything else -> None.
pub fn parse_version_tag(tag: &str) -> Option<(Option<String>, Version)> {
    let (package, rest) = match tag.rsplit_once('/') {
        Some((p, r)) => {
            let ok = p.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                return None;
            }
            (Some(p.to_string()), r)
        }
        None => (None, tag),
    };
    Some((package, parse_version(rest.strip_prefix('v')?)?))
}

/// `1.2.3` (no leading zeros, no pre-release).
pub fn parse_version(s: &str) -> Option<Version> {
    let parts: Vec<&str> = s.split('.').collect();
    let num = |p: &str| {
        if p.is_empty() || (p.len() > 1 && p.starts_with('0')) || !p.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            p.parse::<u64>().ok()
        }
    };
    match parts.as_slice() {
        [a, b, c] => Some(Version { major: num(a)?, minor: num(b)?, patch: num(c)? }),
        _ => None,
    }
}

fn version_tags(repo: &Path, prefix: &str, commit: &str, against: &str) -> Result<Vec<Target>, PreviousError> {
    let listing = git(repo, &["tag", "--list", "--merged", commit])
        .map_err(|e| PreviousError::new(format!("cannot list the tags of {}: {e}", repo.display()), ""))?;
    let mut targets = Vec::new();
    for tag in text(listing).lines().map(str::trim).filter(|t| !t.is_empty()) {
        let Some((package, version)) = parse_version_tag(tag) else { continue };
        let commit = rev_parse(repo, tag)?;
        targets.push(Target {
            label: tag.to_string(),
            origin: Origin::Git { rev: tag.to_string(), commit, repo: repo.to_path_buf(), prefix: prefix.to_string() },
            package,
            version: Some(version),
        });
    }
    if targets.is_empty() {
        return Err(PreviousError::new(
            format!("no released versions: no tag named vX.Y.Z or PACKAGE/vX.Y.Z is reachable from `{against}`"),
            "tag releases (`git tag v1.0.0`), or fetch the tags (`git fetch --tags`; actions/checkout needs fetch-depth: 0); for the first release, drop --transitive",
        ));
    }
    Ok(targets)
}

fn version_dirs(dir: &Path) -> Result<Vec<Target>, PreviousError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| PreviousError::new(format!("cannot read {}: {e}", dir.display()), ""))?;
    let mut targets = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| PreviousError::new(format!("cannot read {}: {e}", dir.display()), ""))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !path.is_dir() || name.starts_with('.') {
            continue;
        }
        let Some(version) = parse_version(name.strip_prefix('v').unwrap_or(&name)) else {
            return Err(PreviousError::new(
                format!(
                    "{} is not a version directory: with --transitive, every subdirectory of {} is a released version named MAJOR.MINOR.PATCH",
                    path.display(),
                    dir.display()
                ),
                "rename it (e.g. `1.2.0` or `v1.2.0`), or move it out",
            ));
        };
        targets.push(Target {
            label: path.display().to_string(),
            origin: Origin::Dir(path),
            package: None,
            version: Some(version),
        });
    }
    if targets.is_empty() {
        return Err(PreviousError::new(
            format!("no version directories in {} (expected subdirectories named like 1.2.0 or v1.2.0)", dir.display()),
            "with --transitive, put each released version in its own subdirectory",
        ));
    }
    Ok(targets)
}

/// Whether `dir` has no contract files of its own but version-named subdirectories.
fn looks_like_versions(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    let mut versions = 0;
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() && parse_version(name.strip_prefix('v').unwrap_or(&name)).is_some() {
            versions += 1;
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) {
            return false;
        }
    }
    versions > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_tags() {
        let v = |major, minor, patch| Version { major, minor, patch };
        assert_eq!(parse_version_tag("v1.2.3"), Some((None, v(1, 2, 3))));
        assert_eq!(parse_version_tag("chat/v0.4.0"), Some((Some("chat".into()), v(0, 4, 0))));
        assert_eq!(parse_version_tag("1.2.3"), None);
        assert_eq!(parse_version_tag("v1.2"), None);
        assert_eq!(parse_version_tag("v1.2.3-rc.1"), None);
        assert_eq!(parse_version_tag("v01.2.3"), None);
        assert_eq!(parse_version_tag("Chat/v1.0.0"), None);
        assert_eq!(parse_version_tag("release-1"), None);
    }
}
