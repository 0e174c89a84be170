//! Contract files from disk (or from memory): which files, read how far, and every pass over them.
//!
//! The contracts directory is walked once, following links but visiting each directory once (a link to an
//! ancestor is a cycle, not an endless walk), skipping FIFOs, devices and sockets named `*.yaml` with a
//! warning instead of opening them, and stopping at [`MAX_CONTRACT_FILES`]. Each file is read without
//! blocking and only up to [`MAX_CONTRACT_FILE_BYTES`]: the bounds of docs/limits.md, checked before the work.
use super::load::load_bytes;
use super::*;
use crate::diag::{Code, Diagnostic};
use crate::limits::{self, MAX_CONTRACT_FILES, MAX_CONTRACT_FILE_BYTES};
use std::path::PathBuf;

pub fn load_dir(dir: &Path) -> (Contracts, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut found = Collected::default();
    if let Err(e) = collect_yaml(dir, &mut found) {
        diags.push(Diagnostic::without_span(
            Code::Io,
            format!("cannot read contracts directory {}: {e}", dir.display()),
            "run msgpact from the repository root, or pass --contracts DIR",
        ));
        return (Contracts::default(), diags);
    }
    for (path, why) in &found.skipped {
        diags.push(Diagnostic::without_span(
            Code::SkippedPath,
            format!("skipped {}: {why}", path.display()),
            "contracts are regular *.yaml files; remove it or move it out of the contracts directory",
        ));
    }
    if found.too_many {
        diags.push(Diagnostic::without_span(
            Code::LimitExceeded,
            format!("more than {MAX_CONTRACT_FILES} *.yaml files under {}", dir.display()),
            "point --contracts at the directory of the contracts alone (docs/limits.md)",
        ));
        return (Contracts::default(), diags);
    }
    let mut files = found.files;
    if files.is_empty() {
        diags.push(Diagnostic::without_span(
            Code::NoContracts,
            format!("no *.yaml files in {}", dir.display()),
            "write a contract (see docs/contract-format.md) or pass --contracts DIR",
        ));
    }
    files.sort();
    let (c, mut d) = load_files(&files);
    diags.items.append(&mut d.items);
    (c, diags)
}

/// What a walk of the contracts directory found.
#[derive(Default)]
struct Collected {
    files: Vec<PathBuf>,
    /// `*.yaml` entries that are not regular files, and directories seen before (a link cycle), with why.
    skipped: Vec<(PathBuf, String)>,
    /// More than [`MAX_CONTRACT_FILES`] files: the walk stopped.
    too_many: bool,
}

/// Every `*.yaml`/`*.yml` regular file under `dir`, following links, each directory once (a link back to
/// an ancestor would otherwise be walked forever); FIFOs, devices and sockets are skipped, not opened.
fn collect_yaml(dir: &Path, out: &mut Collected) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let root = std::fs::metadata(dir)?;
    let mut seen = std::collections::HashSet::from([(root.dev(), root.ino())]);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<PathBuf> = Vec::new();
        for entry in std::fs::read_dir(&d)? {
            entries.push(entry?.path());
        }
        entries.sort();
        for path in entries {
            let yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
            let meta = match std::fs::metadata(&path) {
                Ok(m) => m,
                // A dangling link named *.yaml is reported when it is read; others do not matter.
                Err(_) if yaml => {
                    out.files.push(path);
                    continue;
                }
                Err(_) => continue,
            };
            if meta.is_dir() {
                if seen.insert((meta.dev(), meta.ino())) {
                    stack.push(path);
                } else {
                    out.skipped.push((path, "a directory already collected (a link cycle or a second link)".into()));
                }
            } else if yaml && meta.is_file() {
                if out.files.len() >= MAX_CONTRACT_FILES {
                    out.too_many = true;
                    return Ok(());
                }
                out.files.push(path);
            } else if yaml {
                out.skipped.push((path, format!("it is a {}, not a regular file", limits::kind_of(&meta.file_type()))));
            }
        }
    }
    Ok(())
}

pub fn load_files(paths: &[PathBuf]) -> (Contracts, Diagnostics) {
    let mut sources = Vec::with_capacity(paths.len());
    for path in paths {
        // Not more than the bound, and never a FIFO or device (which would block or never end).
        let source = match limits::read_file(path, MAX_CONTRACT_FILE_BYTES) {
            Ok(b) => Source::Bytes(b),
            Err(limits::ReadError::TooLarge { .. }) => Source::TooLarge,
            Err(e) => Source::Unreadable(e.to_string()),
        };
        sources.push((path.clone(), source));
    }
    load_all(sources)
}

/// One contract file as read.
enum Source {
    Bytes(Vec<u8>),
    Unreadable(String),
    /// Larger than [`MAX_CONTRACT_FILE_BYTES`]; not parsed.
    TooLarge,
}

/// Loads contracts from files already in memory (a git revision, a test), through the same passes as
/// files on disk. The paths only name the files in diagnostics; an `Err` is a file that could not be read.
pub fn load_sources(files: Vec<(PathBuf, std::io::Result<Vec<u8>>)>) -> (Contracts, Diagnostics) {
    let sources = files
        .into_iter()
        .map(|(path, bytes)| {
            let source = match bytes {
                Ok(b) if b.len() as u64 > MAX_CONTRACT_FILE_BYTES => Source::TooLarge,
                Ok(b) => Source::Bytes(b),
                Err(e) => Source::Unreadable(e.to_string()),
            };
            (path, source)
        })
        .collect();
    load_all(sources)
}

fn load_all(files: Vec<(PathBuf, Source)>) -> (Contracts, Diagnostics) {
    let mut contracts = Contracts::default();
    let mut diags = Diagnostics::default();
    for (path, source) in files {
        let file = contracts.sources.add(&path);
        match source {
            Source::Bytes(b) => load_bytes(&mut contracts, &mut diags, file, &b),
            Source::Unreadable(e) => diags.error(
                Code::Io,
                Span::file_start(file),
                format!("cannot read {}: {e}", path.display()),
                "check the path and its permissions",
            ),
            Source::TooLarge => diags.error(
                Code::LimitExceeded,
                Span::file_start(file),
                format!(
                    "{} is larger than {}, the largest contract file msgpact reads",
                    path.display(),
                    limits::size(MAX_CONTRACT_FILE_BYTES)
                ),
                "split it into several files (one package each); docs/limits.md says why the bound exists",
            ),
        }
    }
    contracts.rebuild_index();
    super::check::check(&mut contracts, &mut diags);
    super::example::convert_all(&mut contracts, &mut diags);
    (contracts, diags)
}
