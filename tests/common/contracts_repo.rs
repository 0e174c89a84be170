//! A contracts repository in git, as a team keeps one: msgpact's example contracts and their golden vectors,
//! with releases tagged vX.Y.Z. For the tests of msgpact.toml, pinned contracts and `msgpact init`.
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct ContractsRepo {
    pub path: PathBuf,
}

/// Runs git in `dir` with a fixed identity and no user configuration (signing, hooks); panics on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "msgpact tests")
        .env("GIT_AUTHOR_EMAIL", "tests@msgpact.invalid")
        .env("GIT_COMMITTER_NAME", "msgpact tests")
        .env("GIT_COMMITTER_EMAIL", "tests@msgpact.invalid")
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl ContractsRepo {
    /// `parent/contracts-repo`: the example contracts and their golden vectors, committed and tagged v1.0.0.
    pub fn new(parent: &Path) -> ContractsRepo {
        let path = parent.join("contracts-repo");
        std::fs::create_dir_all(&path).unwrap();
        git(&path, &["init", "--quiet"]);
        super::copy_dir(&super::root().join("contracts"), &path.join("contracts"));
        let repo = ContractsRepo { path };
        repo.release("v1.0.0", "the example contracts");
        repo
    }

    /// `file:///...`, the URL a msgpact.toml names.
    pub fn url(&self) -> String {
        format!("file://{}", self.path.display())
    }

    /// Replaces `from` with `to` in `contracts/FILE` (which must contain it).
    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let p = self.path.join("contracts").join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{file} has no `{from}`");
        std::fs::write(&p, text.replace(from, to)).unwrap();
    }

    /// Regenerates golden/ (as the contracts repository's own CI would), commits and tags `tag`.
    pub fn release(&self, tag: &str, message: &str) {
        let out = super::msgpact(&self.path, &["golden", "--write"], &[]);
        assert!(out.status.success(), "golden --write: {}", super::stderr(&out));
        git(&self.path, &["add", "-A"]);
        git(&self.path, &["commit", "--quiet", "-m", message]);
        git(&self.path, &["tag", tag]);
    }

    /// v1.1.0: an optional field added to voice.AudioChunk (compatible, and no service of the tests
    /// requires voice types).
    pub fn release_compatible(&self) {
        self.edit("voice.yaml", "version: 1.0.0", "version: 1.1.0");
        self.edit(
            "voice.yaml",
            "      - name: final\n        type: bool\n",
            "      - name: final\n        type: bool\n      - name: codec_hint\n        type: string\n        optional: true\n",
        );
        self.release("v1.1.0", "voice: an optional codec hint");
    }

    /// v2.0.0: chat.ChatTurn's `role` renamed to `speaker` (breaking for map-shaped readers).
    pub fn release_breaking(&self) {
        self.edit("chat.yaml", "version: 1.0.0", "version: 2.0.0");
        self.edit("chat.yaml", "name: role", "name: speaker");
        self.edit("chat.yaml", "role:", "speaker:");
        self.release("v2.0.0", "chat: ChatTurn.role is now speaker");
    }
}
