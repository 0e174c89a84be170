//! `msgpact codegen --check` and the writing of generated files: which files on disk differ from what the
//! contracts produce, are missing, or carry the generated marker but are no longer produced (orphaned).
use super::{GeneratedFile, GENERATED_MARKER};
use std::path::{Path, PathBuf};

/// Files that differ from disk (`stale`), are missing, or carry the generated marker but are no longer
/// produced (`orphaned`).
#[derive(Debug, Default, PartialEq)]
pub struct Staleness {
    pub missing: Vec<PathBuf>,
    pub stale: Vec<PathBuf>,
    pub orphaned: Vec<PathBuf>,
}

impl Staleness {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.stale.is_empty() && self.orphaned.is_empty()
    }
}

pub fn check(out: &Path, files: &[GeneratedFile]) -> Staleness {
    let mut s = Staleness::default();
    for f in files {
        match std::fs::read_to_string(out.join(&f.path)) {
            Ok(existing) if existing == f.content => {}
            Ok(_) => s.stale.push(f.path.clone()),
            Err(_) => s.missing.push(f.path.clone()),
        }
    }
    let produced: std::collections::HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    for p in generated_files_under(out) {
        let rel = p.strip_prefix(out).unwrap_or(&p).to_path_buf();
        if !produced.contains(rel.as_path()) {
            s.orphaned.push(rel);
        }
    }
    s.orphaned.sort();
    s
}

/// Writes the files that differ and removes orphaned generated files; returns what it changed.
pub fn write(out: &Path, files: &[GeneratedFile]) -> std::io::Result<Staleness> {
    let s = check(out, files);
    for f in files.iter().filter(|f| s.missing.contains(&f.path) || s.stale.contains(&f.path)) {
        crate::fsx::write_atomic(&out.join(&f.path), f.content.as_bytes())?;
    }
    for p in &s.orphaned {
        std::fs::remove_file(out.join(p))?;
    }
    Ok(s)
}

/// Files under `dir` whose first lines carry [`GENERATED_MARKER`].
fn generated_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read_to_string(&p).is_ok_and(|t| t.lines().take(3).any(|l| l.contains(GENERATED_MARKER)))
            {
                out.push(p);
            }
        }
    }
    out
}
