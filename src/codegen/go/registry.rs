//! The registry package: `ContractsHash` and `Codecs`, every message type of every contract package by its
//! full name, so that a peer registers everything in a loop.
use super::names::Names;
use super::text::quote;
use super::RUNTIME;
use crate::contract::Contracts;
use std::fmt::Write as _;

pub(super) fn registry(c: &Contracts, names: &Names, base: &str, header: &str, hash: &str) -> String {
    let mut out = String::from(header);
    out.push('\n');
    out.push_str("// Package registry lists every message type generated from the contracts, by full name\n");
    out.push_str("// (\"chat.ChatRequest\"), with functions that decode and encode it, for tools that serve them\n");
    out.push_str("// all: the msgpact Go peer registers Codecs in a loop.\n");
    out.push_str("package registry\n\n");
    let mut imports: Vec<(String, String)> = c
        .packages
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let dir = &names.dirs[i];
            let alias = if &names.refs[i] != dir { names.refs[i].clone() } else { String::new() };
            (alias, format!("{base}/{dir}"))
        })
        .collect();
    imports.push((String::new(), format!("{base}/{RUNTIME}")));
    imports.sort_by(|a, b| a.1.cmp(&b.1));
    out.push_str("import (\n");
    for (alias, path) in &imports {
        if alias.is_empty() {
            let _ = writeln!(out, "\t{}", quote(path));
        } else {
            let _ = writeln!(out, "\t{alias} {}", quote(path));
        }
    }
    out.push_str(")\n\n");
    out.push_str("// ContractsHash is the wire hash of the contracts this code was generated from; a msgpact peer\n");
    out.push_str("// reports it in its handshake.\n");
    let _ = writeln!(out, "const ContractsHash = {}", quote(hash));
    out.push('\n');
    out.push_str("// Codecs lists every message type of every contract package, sorted by full name.\n");
    if c.packages.is_empty() {
        out.push_str("var Codecs = msgpactrt.Join()\n");
    } else {
        out.push_str("var Codecs = msgpactrt.Join(\n");
        for r in &names.refs {
            let _ = writeln!(out, "\t{r}.Codecs,");
        }
        out.push_str(")\n");
    }
    out
}
