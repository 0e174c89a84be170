//! Records the versions of rmp-serde and async-nats this peer is built with (from the nearest Cargo.lock),
//! so the handshake reports the library versions the binary really contains.
use std::path::{Path, PathBuf};

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let lock = dir.ancestors().map(|d| d.join("Cargo.lock")).find(|p| p.exists());
    for (krate, var) in [("rmp-serde", "MSGPACT_RMP_SERDE_VERSION"), ("async-nats", "MSGPACT_ASYNC_NATS_VERSION")] {
        let version = lock.as_deref().and_then(|l| locked_version(l, krate)).unwrap_or_else(|| "unknown".into());
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
            let v = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(v.to_string());
        }
    }
    None
}
