//! The bounds on everything msgpact reads, generates or keeps, in one place (docs/limits.md says why each
//! value was chosen).
//!
//! A hostile or broken input (a 30 MB contract, a `min_len` of four billion, `/dev/zero` as a payload, a
//! peer printing a gigabyte without a newline) must end in a clear error or a bounded result, never in a
//! panic or in gigabytes of memory. So every input is measured against its bound *before* the work that
//! would cost memory or time, and exceeding one is an error that names the bound and how to stay within it.
//! The helpers here read files and streams without trusting their size, and clean text that comes from
//! peers before any reporter sees it.
use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

/// Largest contract file read (bytes). Hand-written contracts are a few kilobytes; a parsed file costs
/// about 60 times its size in memory.
pub const MAX_CONTRACT_FILE_BYTES: u64 = 1 << 20;
/// Most `*.yaml` files collected under a contracts directory.
pub const MAX_CONTRACT_FILES: usize = 1_000;
/// Most YAML nodes (scalars, lists, mappings) in one contract file.
pub const MAX_YAML_NODES: usize = 200_000;
/// Most keys in one mapping of an example or default (one message value).
pub const MAX_EXAMPLE_KEYS: usize = 10_000;
/// Most "unknown field" errors reported for one example mapping (the rest are counted).
pub const MAX_UNKNOWN_KEYS_REPORTED: usize = 20;
/// Longest string or bytes edge case generated (the constraints' own bounds beyond it are not generated).
pub const MAX_EDGE_LEN: usize = 1 << 20;
/// Most elements of a list or map edge case (the array32/map32 boundary is 65,536).
pub const MAX_EDGE_ITEMS: usize = 65_536;
/// Largest weight of one generated case: its value's memory in msgpact, which is at least its encoded size.
pub const MAX_CASE_BYTES: u64 = 16 << 20;
/// Largest weight of all generated cases together (they are held in memory at once).
pub const MAX_GOLDEN_BYTES: u64 = 256 << 20;
/// Largest payload `msgpact inspect` reads (NATS's own ceiling for max_payload is 64 MiB).
pub const MAX_INSPECT_BYTES: u64 = 64 << 20;
/// Longest line of a peer's output kept (in its log and in crash reports); the rest of the line is counted.
pub const MAX_PEER_LINE_BYTES: usize = 4 << 10;
/// Largest log file of one peer process; later output is read and dropped.
pub const MAX_PEER_LOG_BYTES: u64 = 8 << 20;
/// Longest error text of a peer (`Msgpact-Error`, docs/peer-protocol.md) shown in any report.
pub const MAX_PEER_ERROR_BYTES: usize = 1_000;
/// Longest `--timeout` in seconds.
pub const MAX_TIMEOUT_SECS: f64 = 3_600.0;
/// Most exchanges in flight per peer (`--concurrency`).
pub const MAX_CONCURRENCY: u64 = 4_096;

/// Where a bound is explained, for hints.
pub const DOC: &str = "docs/limits.md";

/// `1.0 MiB`, `512 KiB`, `17 bytes`; `more than 1 PiB` for what only an overflow could reach.
pub fn size(n: u64) -> String {
    if n >= 1 << 50 {
        "more than 1 PiB".into()
    } else if n >= 1 << 40 {
        format!("{:.1} TiB", n as f64 / (1u64 << 40) as f64)
    } else if n >= 1 << 30 {
        format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64)
    } else if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64)
    } else if n >= 1 << 10 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// Why a bounded read failed.
#[derive(Debug)]
pub enum ReadError {
    /// The file or stream holds more than the bound (only the bound plus one byte was read).
    TooLarge {
        limit: u64,
    },
    /// Not a regular file (a FIFO, a device, a directory, a socket): reading it could block or never end.
    NotAFile {
        kind: &'static str,
    },
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLarge { limit } => write!(f, "it is larger than {} (the bound is in {DOC})", size(*limit)),
            ReadError::NotAFile { kind } => write!(f, "it is a {kind}, not a regular file"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// What kind of file system entry `ft` is, for messages.
pub fn kind_of(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_dir() {
        "directory"
    } else if ft.is_fifo() {
        "FIFO"
    } else if ft.is_char_device() {
        "character device"
    } else if ft.is_block_device() {
        "block device"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_symlink() {
        "symbolic link"
    } else {
        "file"
    }
}

/// Reads a regular file of at most `limit` bytes. The file is opened without blocking (a FIFO swapped in
/// after a directory listing cannot hang the read) and checked to be a regular file before any byte is read.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path).map_err(ReadError::Io)?;
    let meta = f.metadata().map_err(ReadError::Io)?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotAFile { kind: kind_of(&meta.file_type()) });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    read_stream(f, limit)
}

/// Reads a stream (standard input, a file that may grow) up to `limit` bytes; more is an error.
/// The buffer never holds more than `limit` bytes (no doubling past it).
pub fn read_stream(mut r: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    let limit_len = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        let n = match r.read(&mut chunk) {
            Ok(0) => return Ok(buf),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        if buf.len() + n > limit_len {
            return Err(ReadError::TooLarge { limit });
        }
        if buf.capacity() < buf.len() + n {
            let want = (buf.capacity() * 2).max(buf.len() + n).max(64 << 10).min(limit_len);
            buf.reserve_exact(want - buf.len());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Text that came from a peer, made safe to show: control characters other than tab (terminal escapes,
/// NUL, newlines) written as `\x1b`-style escapes, and the whole cut to at most `max` bytes at a character boundary, with
/// `…` at the end when cut.
pub fn clean_text(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + 4));
    for ch in text.chars() {
        if out.len() > max {
            break;
        }
        if ch.is_control() && ch != '\t' {
            let _ = if (ch as u32) < 0x100 {
                write!(out, "\\x{:02x}", ch as u32)
            } else {
                write!(out, "\\u{{{:x}}}", ch as u32)
            };
        } else {
            out.push(ch);
        }
    }
    if out.len() > max {
        let mut end = max.saturating_sub('…'.len_utf8());
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push('…');
    }
    out
}

/// `clean_text` for a whole line of peer output read as bytes: invalid UTF-8 shown as U+FFFD.
pub fn clean_line(bytes: &[u8], max: usize) -> String {
    clean_text(&String::from_utf8_lossy(bytes), max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_escapes_control_characters_and_cuts_at_the_bound() {
        assert_eq!(clean_text("red \x1b[31m!\n", 100), "red \\x1b[31m!\\x0a");
        assert_eq!(clean_text("tab\there\r", 100), "tab\there\\x0d", "tabs stay (Go indents its traces with them)");
        let long = "é".repeat(3000);
        let cut = clean_text(&long, 1000);
        assert!(cut.len() <= 1000, "{}", cut.len());
        assert!(cut.ends_with('…'));
        assert_eq!(clean_text(&"a".repeat(1000), 1000), "a".repeat(1000), "exactly the bound is not cut");
        let escapes = clean_text(&"\x1b".repeat(1000), 1000);
        assert!(escapes.len() <= 1000 && escapes.ends_with('…'), "{}", escapes.len());
    }

    #[test]
    fn a_line_with_invalid_utf8_is_shown_lossily() {
        assert_eq!(clean_line(b"starting \xff", 100), "starting \u{fffd}");
    }

    #[test]
    fn bounded_reads_refuse_more_than_the_limit() {
        assert_eq!(read_stream(&b"abc"[..], 3).unwrap(), b"abc");
        assert!(matches!(read_stream(std::io::repeat(0), 10), Err(ReadError::TooLarge { limit: 10 })));
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert!(matches!(read_file(&p, 4), Err(ReadError::TooLarge { .. })));
        assert_eq!(read_file(&p, 5).unwrap(), b"12345");
        assert!(matches!(read_file(t.path(), 5), Err(ReadError::NotAFile { kind: "directory" })));
        assert!(matches!(read_file(Path::new("/dev/zero"), 5), Err(ReadError::NotAFile { kind: "character device" })));
    }
}
