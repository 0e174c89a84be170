//! Source files and positions in them.
//!
//! Every contract problem is reported as `path:line:col`, so every loaded file gets an id and every node a
//! [`Span`] that points back into it. Lines and columns are 1-based, as editors count them.
use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A position in a source file (1-based line and column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
}

impl Span {
    pub fn new(file: FileId, line: u32, col: u32) -> Span {
        Span { file, line, col }
    }
    /// A span for a whole file (line 1, column 1).
    pub fn file_start(file: FileId) -> Span {
        Span { file, line: 1, col: 1 }
    }
    /// The span `n` characters to the right on the same line.
    pub fn shifted(self, n: usize) -> Span {
        Span { col: self.col + n as u32, ..self }
    }
}

/// All files read in one run, so that spans can be printed as paths.
#[derive(Default, Debug, Clone)]
pub struct SourceMap {
    files: Vec<PathBuf>,
}

impl SourceMap {
    pub fn add(&mut self, path: &Path) -> FileId {
        self.files.push(path.to_path_buf());
        FileId(self.files.len() as u32 - 1)
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
    pub fn path(&self, id: FileId) -> &Path {
        &self.files[id.0 as usize]
    }
    /// `path:line:col`, with the path as given (relative paths stay relative).
    pub fn render(&self, span: Span) -> String {
        format!("{}:{}:{}", self.path(span.file).display(), span.line, span.col)
    }
}

/// The line and column (1-based) of byte offset `pos` in `bytes`, counting columns in characters where
/// the prefix of the line is valid UTF-8 and in bytes otherwise.
pub fn line_col(bytes: &[u8], pos: usize) -> (u32, u32) {
    let pos = pos.min(bytes.len());
    let line_start = bytes[..pos].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = bytes[..line_start].iter().filter(|&&b| b == b'\n').count() + 1;
    let prefix = &bytes[line_start..pos];
    let col = match std::str::from_utf8(prefix) {
        Ok(s) => s.chars().count(),
        Err(_) => prefix.len(),
    };
    (line as u32, col as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = b"ab\ncd\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 1), (1, 2));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 4), (2, 2));
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "é=\n".as_bytes();
        assert_eq!(line_col(text, 2), (1, 2));
    }
}
