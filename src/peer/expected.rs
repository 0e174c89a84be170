//! Expected-failure lists: known gaps a team accepts for now, one case per line with a reason.
//!
//! `harness/<peer>/expected-failures.txt` (or the file `expected_failures` in peer.toml names) holds lines
//! `package.Message case-id: reason`. A listed case that fails is reported as an expected failure; a listed
//! case that no longer fails makes the run fail, so the list cannot go stale.
use super::error::PeerError;
use std::path::{Path, PathBuf};

pub const DEFAULT_FILE: &str = "expected-failures.txt";

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub message: String,
    pub case: String,
    pub reason: String,
    /// 1-based line in the file.
    pub line: usize,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectedFailures {
    pub path: PathBuf,
    pub entries: Vec<Entry>,
}

impl ExpectedFailures {
    /// Reads the list; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<ExpectedFailures, PeerError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ExpectedFailures { path: path.to_path_buf(), entries: Vec::new() })
            }
            Err(e) => {
                return Err(PeerError::ExpectedFailures {
                    at: path.display().to_string(),
                    message: format!("cannot read: {e}"),
                    hint: "fix the expected-failure list (docs/verify.md)".into(),
                })
            }
        };
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let bad = || PeerError::ExpectedFailures {
                at: format!("{}:{}:1", path.display(), i + 1),
                message: format!("expected `package.Message case-id: reason`, found `{l}`"),
                hint: "every expected failure needs a reason after the colon".into(),
            };
            let (head, reason) = l.split_once(": ").ok_or_else(bad)?;
            let mut parts = head.split_whitespace();
            let (Some(message), Some(case), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(bad());
            };
            if reason.trim().is_empty() || !message.contains('.') {
                return Err(bad());
            }
            entries.push(Entry {
                message: message.into(),
                case: case.into(),
                reason: reason.trim().into(),
                line: i + 1,
            });
        }
        Ok(ExpectedFailures { path: path.to_path_buf(), entries })
    }

    pub fn find(&self, message: &str, case: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.message == message && e.case == case)
    }

    /// Rewrites the file without the entries at `stale` (by index), keeping comments and order.
    pub fn remove(&self, stale: &[usize]) -> std::io::Result<()> {
        let text = std::fs::read_to_string(&self.path)?;
        let drop: Vec<usize> = stale.iter().map(|&i| self.entries[i].line).collect();
        let kept: Vec<&str> =
            text.lines().enumerate().filter(|(i, _)| !drop.contains(&(i + 1))).map(|(_, l)| l).collect();
        let mut out = kept.join("\n");
        out.push('\n');
        crate::fsx::write_atomic(&self.path, out.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_rejects_lines_without_a_reason() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("x.txt");
        std::fs::write(&p, "# known gaps\nchat.ChatRequest edge.text.len-0: python drops empty text (ISSUE-1)\n\nvoice.AudioChunk example.minimal: reason two\n").unwrap();
        let x = ExpectedFailures::load(&p).unwrap();
        assert_eq!(x.entries.len(), 2);
        assert_eq!(x.entries[0].line, 2);
        assert_eq!(x.find("voice.AudioChunk", "example.minimal"), Some(1));
        x.remove(&[0]).unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "# known gaps\n\nvoice.AudioChunk example.minimal: reason two\n"
        );
        std::fs::write(&p, "chat.ChatRequest edge.text.len-0\n").unwrap();
        let e = ExpectedFailures::load(&p).unwrap_err();
        assert!(crate::diag::Diagnostic::from(&e).render_plain().contains("x.txt:1:1: error[E902]"), "{e}");
        assert!(ExpectedFailures::load(&t.path().join("none.txt")).unwrap().entries.is_empty());
    }
}
