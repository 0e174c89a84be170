//! `peer.toml`: how to build and run a peer, so a new peer needs no change to msgpact.
use super::error::ManifestError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub build: Option<Build>,
    pub run: Run,
    /// Classes of findings this peer only warns about (or fails on, or allows), overriding the contracts'
    /// policy: `int-width = "warn"`; and kinds of must-reject payloads it may accept: `accepts-unknown-key = "allow"`.
    #[serde(default)]
    pub policy: std::collections::BTreeMap<String, String>,
    /// The expected-failure list, relative to the manifest (default `expected-failures.txt`).
    #[serde(default)]
    pub expected_failures: Option<String>,
    /// The directory of the manifest (filled in when loading).
    #[serde(skip)]
    pub dir: PathBuf,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Build {
    pub commands: Vec<Vec<String>>,
    #[serde(default)]
    pub inputs: Vec<String>,
    /// What the commands produce (relative to the manifest, placeholders allowed); a cached build is reused
    /// only while they are still the files the build left (see `peer::build`).
    #[serde(default)]
    pub outputs: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    pub command: Vec<String>,
    #[serde(default)]
    pub env: std::collections::BTreeMap<String, String>,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
        let err = |message: String| ManifestError { path: path.to_path_buf(), message };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        let mut m: Manifest = toml::from_str(&text).map_err(|e| {
            let at = e.span().map(|s| crate::source::line_col(text.as_bytes(), s.start));
            match at {
                Some((l, c)) => ManifestError {
                    path: PathBuf::from(format!("{}:{l}:{c}", path.display())),
                    message: e.message().to_string(),
                },
                None => err(e.message().to_string()),
            }
        })?;
        if m.name.is_empty() || !m.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(err(format!("name `{}` must be a NATS subject token: letters, digits, `_` and `-`", m.name)));
        }
        if m.run.command.is_empty() {
            return Err(err("[run] command is empty".into()));
        }
        if m.build.as_ref().is_some_and(|b| b.commands.iter().any(Vec::is_empty)) {
            return Err(err("[build] has an empty command".into()));
        }
        for (class, gate) in &m.policy {
            if crate::classes::PolicyKey::parse(class).is_none() {
                let ids = crate::classes::PolicyKey::all_ids();
                let near = crate::diag::did_you_mean(class, ids.iter().map(String::as_str))
                    .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                return Err(err(format!(
                    "[policy] names an unknown class `{class}`{near}; classes: {}",
                    ids.join(", ")
                )));
            }
            if crate::classes::Gate::parse(gate).is_none() {
                return Err(err(format!("[policy] {class} = \"{gate}\": write \"fail\", \"warn\" or \"allow\"")));
            }
        }
        // Absolute, so that `{dir}` means the same wherever a command runs.
        let dir = path.parent().unwrap_or(Path::new("."));
        m.dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        Ok(m)
    }

    /// Every `*/peer.toml` directly under `dir` (e.g. `harness/`), sorted by peer name.
    pub fn discover(dir: &Path) -> Result<Vec<Manifest>, ManifestError> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| ManifestError { path: dir.to_path_buf(), message: format!("cannot list peers: {e}") })?;
        let mut paths: Vec<PathBuf> =
            entries.flatten().map(|e| e.path().join("peer.toml")).filter(|p| p.is_file()).collect();
        paths.sort();
        let mut out = Vec::new();
        for p in paths {
            out.push(Manifest::load(&p)?);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// This peer's override of the contracts' policy for `class`.
    pub fn gate(&self, class: crate::classes::Class) -> Option<crate::classes::Gate> {
        self.policy.get(class.id()).and_then(|g| crate::classes::Gate::parse(g))
    }

    /// This peer's override for accepting a must-reject payload of `kind` (`accepts-unknown-key = "allow"`).
    pub fn reject_gate(&self, kind: crate::classes::RejectKind) -> Option<crate::classes::Gate> {
        self.policy.get(&kind.policy_key()).and_then(|g| crate::classes::Gate::parse(g))
    }

    /// Checks that every path this manifest names stays where it belongs: the expected-failure list (which
    /// `--update-expected-failures` rewrites) inside the peer's directory, build inputs (which are read and
    /// hashed) inside the peer's directory or `root`. A path that leaves them is refused, not followed.
    pub fn check_paths(&self, root: &Path) -> Result<(), ManifestError> {
        let err = |message: String| ManifestError { path: self.dir.join("peer.toml"), message };
        let dir = &self.dir;
        if let Some(p) = &self.expected_failures {
            if !inside(&dir.join(p), &[dir]) {
                return Err(err(format!(
                    "expected_failures = \"{p}\" is outside the peer's directory {}; msgpact rewrites this file \
                     (--update-expected-failures), so it must be a path inside it, like \"expected-failures.txt\"",
                    dir.display()
                )));
            }
        }
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        for input in self.build.iter().flat_map(|b| &b.inputs) {
            let expanded = self.expand(input, &root, Path::new("/nonexistent-cache"));
            if !inside(&dir.join(&expanded), &[dir, &root]) {
                return Err(err(format!(
                    "[build] inputs names \"{input}\", which is outside the peer's directory {} and the repository \
                     root {}; inputs are files msgpact reads to know when to rebuild, so they must be inside one of them",
                    dir.display(),
                    root.display()
                )));
            }
        }
        Ok(())
    }

    pub fn expected_failures_path(&self) -> PathBuf {
        self.dir.join(self.expected_failures.as_deref().unwrap_or(super::expected::DEFAULT_FILE))
    }

    /// Replaces `{root}`, `{dir}` and `{cache}` in an argument.
    pub fn expand(&self, arg: &str, root: &Path, cache: &Path) -> String {
        arg.replace("{root}", &root.display().to_string())
            .replace("{dir}", &self.dir.display().to_string())
            .replace("{cache}", &cache.display().to_string())
    }
}

/// Whether `path`, with `.` and `..` resolved and links followed as far as it exists, is inside one of
/// `dirs` (which are absolute and canonical).
fn inside(path: &Path, dirs: &[&Path]) -> bool {
    use std::path::Component;
    let mut normal = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            c => normal.push(c),
        }
    }
    // Follow links: the longest existing prefix is canonicalised, the rest appended.
    let mut existing = normal.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(n) => rest.push(n.to_owned()),
            None => break,
        }
        if !existing.pop() {
            break;
        }
    }
    let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
    for n in rest.into_iter().rev() {
        resolved.push(n);
    }
    dirs.iter().any(|d| resolved.starts_with(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let p = dir.join("peer.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn loads_and_expands() {
        let t = tempfile::tempdir().unwrap();
        let p = write(&t.path().join("py"), "name = \"python\"\n[build]\ncommands = [[\"make\"]]\ninputs = [\"x\"]\n[run]\ncommand = [\"{cache}/venv/bin/python\", \"{dir}/peer.py\"]\n");
        let m = Manifest::load(&p).unwrap();
        assert_eq!(m.name, "python");
        assert_eq!(m.expand(&m.run.command[0], Path::new("/r"), Path::new("/c")), "/c/venv/bin/python");
    }

    #[test]
    fn an_expected_failures_path_outside_the_peer_dir_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let base = "name = \"p\"\n[run]\ncommand = [\"x\"]\n";
        for bad in ["../../../elsewhere/victim.txt", "/etc/passwd", "sub/../../x.txt"] {
            let p = write(&t.path().join("h/p"), &format!("expected_failures = \"{bad}\"\n{base}"));
            let e = Manifest::load(&p).unwrap().check_paths(t.path()).unwrap_err();
            assert!(e.message.contains("outside the peer's directory"), "{bad}: {e}");
        }
        std::os::unix::fs::symlink(t.path(), t.path().join("h/p/link")).unwrap();
        let p = write(&t.path().join("h/p"), &format!("expected_failures = \"link/victim.txt\"\n{base}"));
        assert!(Manifest::load(&p).unwrap().check_paths(t.path()).is_err(), "a link out of the directory is followed");
        let p = write(&t.path().join("h/p"), &format!("expected_failures = \"lists/x.txt\"\n{base}"));
        assert!(Manifest::load(&p).unwrap().check_paths(t.path()).is_ok());
        let p = write(
            &t.path().join("h/p"),
            "name = \"p\"\n[build]\ncommands = [[\"true\"]]\ninputs = [\"/\"]\n[run]\ncommand = [\"x\"]\n",
        );
        let e = Manifest::load(&p).unwrap().check_paths(&t.path().join("h")).unwrap_err();
        assert!(e.message.contains("inputs"), "{e}");
    }

    #[test]
    fn unknown_keys_and_bad_names_are_located_errors() {
        let t = tempfile::tempdir().unwrap();
        let p = write(&t.path().join("a"), "name = \"a\"\nrunn = 1\n[run]\ncommand = [\"x\"]\n");
        let e = Manifest::load(&p).unwrap_err();
        assert!(e.path.display().to_string().ends_with("peer.toml:2:1"), "{e}");
        let p = write(&t.path().join("b"), "name = \"has space\"\n[run]\ncommand = [\"x\"]\n");
        assert!(Manifest::load(&p).unwrap_err().message.contains("subject token"));
    }
}
