//! Records the versions of rmp-serde and async-nats this peer is built with, so the handshake reports the
//! library versions the binary really contains. They are read from the Cargo.lock of the workspace being
//! built: the one above the build's output directory (a team's own peer that depends on this SDK by path
//! or git builds in its own `target/`, and its own lock file decides the versions), else the one above this
//! crate (when `CARGO_TARGET_DIR` is outside the workspace).
use std::path::{Path, PathBuf};

fn main() {
    let env_path = |name: &str| PathBuf::from(std::env::var(name).unwrap_or_default());
    let (out, dir) = (env_path("OUT_DIR"), env_path("CARGO_MANIFEST_DIR"));
    let lock = out
        .ancestors()
        .chain(dir.ancestors())
        .map(|d| d.join("Cargo.lock"))
        .find(|p| p.exists());
    for (krate, var) in [
        ("rmp-serde", "MSGPACT_RMP_SERDE_VERSION"),
        ("async-nats", "MSGPACT_ASYNC_NATS_VERSION"),
    ] {
        let version = lock
            .as_deref()
            .and_then(|l| locked_version(l, krate))
            .unwrap_or_else(|| "unknown".into());
        println!("cargo:rustc-env={var}={version}");
    }
    if let Some(l) = lock {
        println!("cargo:rerun-if-changed={}", l.display());
    }
}

fn locked_version(lock: &Path, krate: &str) -> Option<String> {
    let text = std::fs::read_to_string(lock).ok()?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{krate}\"") {
            let v = lines
                .next()?
                .trim()
                .strip_prefix("version = \"")?
                .strip_suffix('"')?;
            return Some(v.to_string());
        }
    }
    None
}
