//! Reporters of a verify run. Each consumes the same event stream ([`crate::verify::Event`]): the
//! terminal view for people, the progress view for long steps, JUnit for CI systems, JSON for everything
//! else. A fuzz run's events ([`crate::fuzz::FuzzEvent`]) carry a session's events inside: [`fuzz`]
//! prints them and hands the session's events to the same progress and JSON reporters.
pub mod breaking;
pub mod fuzz;
pub mod github;
pub mod json;
pub mod junit;
pub mod progress;
pub mod strictness;
pub mod terminal;

/// Writes a finished report to `path`, or to stdout when `path` is `-` (nothing else goes there).
pub(crate) fn write_report(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.as_os_str() == "-" {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.write_all(b"\n")?;
        return out.flush();
    }
    crate::fsx::write_atomic(path, bytes)
}
