//! The readable twin of a golden vector: what it is, its value, and every token annotated.
//!
//! Twins are insta snapshots (`.snap`), so that an unreviewed change fails `cargo test` and
//! `cargo insta review` shows it as a diff. Only the part after the header counts when comparing, so a
//! snapshot accepted through insta (which writes its own header) and one written by `msgpact golden
//! --write` are the same. Nothing position-dependent (line numbers) is in a twin: moving a contract's
//! lines around is not a golden change.
use super::Case;
use crate::annotate::annotate;
use crate::contract::Contracts;
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// The body of the twin (what insta compares).
pub fn body(c: &Contracts, case: &Case) -> String {
    let m = c.message(case.message);
    let mut out = String::new();
    let _ = writeln!(out, "type:   {}", c.message_name(case.message));
    let _ = writeln!(out, "case:   {}", case.id);
    let field = match case.origin {
        super::Origin::Edge { field } | super::Origin::Reject { field: Some(field), .. } => Some(field),
        _ => None,
    };
    if let Some(field) = field {
        let f = &m.fields[field];
        let _ = writeln!(out, "field:  {} ({})", f.name, c.type_name(&f.ty));
    }
    if let Some(kind) = case.reject() {
        let _ = writeln!(out, "reject: {}: every peer must answer decode-error", kind.id());
        let _ = writeln!(out, "why:    {}", super::reject::why(c, case));
    }
    let _ = writeln!(out, "size:   {} bytes", case.bytes.len());
    let _ = writeln!(out, "sha256: {}", sha256_hex(&case.bytes));
    match crate::wire::decode(&case.bytes) {
        Ok(v) => {
            let _ = writeln!(out, "value:  {}", v.render());
        }
        Err(e) => {
            let _ = writeln!(out, "value:  (not one MessagePack value: {e})");
        }
    }
    out.push('\n');
    out.push_str(&annotate(c, case.message, &case.bytes).render());
    out
}

/// The whole `.snap` file as `msgpact golden --write` writes it.
pub fn snap_file(c: &Contracts, case: &Case) -> String {
    format!("---\nsource: msgpact golden --write\nexpression: {}\n---\n{}", snap_expression(c, case), body(c, case))
}

fn snap_expression(c: &Contracts, case: &Case) -> String {
    format!("\"{} {}\"", c.message_name(case.message), case.id)
}

/// The body of a `.snap` file: everything after the second `---` line, with insta's trimming.
pub fn snap_body(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some(rest[end + 5..].trim_matches('\n'))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(64);
    for b in Sha256::digest(bytes) {
        let _ = write!(s, "{b:02x}");
    }
    s
}
