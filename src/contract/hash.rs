//! The wire hash: a fingerprint of everything in the contracts that affects bytes on the wire.
//!
//! Generated code records it and peers report it in their handshake, so a peer built from older contracts
//! is detected as stale. Docs, examples and subjects do not change it; names, types, order, shape,
//! optional/nullable, enum values and constraints do.
use super::*;
use sha2::{Digest, Sha256};
use std::fmt::Write;

pub fn wire_hash(c: &Contracts) -> String {
    let mut text = String::new();
    let mut packages: Vec<&Package> = c.packages.iter().collect();
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    for p in packages {
        let _ = writeln!(text, "package {}", p.name);
        for e in &p.enums {
            let _ = writeln!(text, " enum {} {:?}", e.name, e.repr);
            for v in &e.values {
                let _ = writeln!(text, "  {}={}", v.name, v.number);
            }
        }
        for m in &p.messages {
            let _ = writeln!(text, " message {} {:?}", m.name, m.shape);
            for f in &m.fields {
                let k = &f.constraints;
                let _ = writeln!(
                    text,
                    "  {} {} opt={} null={} len={:?}..{:?} range={:?}..{:?} nan={} inf={}",
                    f.name,
                    c.type_name(&f.ty),
                    f.optional,
                    f.nullable,
                    k.min_len,
                    k.max_len,
                    k.min,
                    k.max,
                    k.allow_nan,
                    k.allow_infinity
                );
            }
        }
    }
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::from("sha256:");
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}
