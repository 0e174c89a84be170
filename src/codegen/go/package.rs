//! One contract package's Go file: the package clause and its doc, the imports it turned out to need, the
//! `ContractsHash` and `Codecs` of the package, and the enums and messages in between (written by
//! [`super::enums`] and [`super::messages`] through the same [`PackageGen`], which records the imports).
use super::super::recursion::closes_cycle;
use super::names::Names;
use super::text::{doc_lines, quote};
use super::{MSGPACK_IMPORT, RUNTIME};
use crate::codegen::CodegenError;
use crate::contract::{Contracts, Field, MsgId, Type};
use std::collections::BTreeSet;
use std::fmt::Write as _;

pub(super) struct PackageGen<'a> {
    pub(super) c: &'a Contracts,
    pub(super) pi: usize,
    /// The message being written (its index in the package).
    pub(super) msg: usize,
    pub(super) names: &'a Names,
    pub(super) base: &'a str,
    /// Standard library imports used.
    pub(super) std: BTreeSet<&'static str>,
    /// Generated packages used (by index).
    pub(super) deps: BTreeSet<usize>,
}

impl PackageGen<'_> {
    pub(super) fn file(mut self, header: &str, hash: &str) -> Result<String, CodegenError> {
        let p = &self.c.packages[self.pi];
        let mut body = String::new();
        let _ = writeln!(
            body,
            "// ContractsHash is the wire hash of the contracts this code was generated from; a msgpact peer"
        );
        let _ = writeln!(body, "// reports it in its handshake.");
        let _ = writeln!(body, "const ContractsHash = {}", quote(hash));
        for ei in 0..p.enums.len() {
            body.push('\n');
            self.enum_def(&mut body, ei);
        }
        for mi in 0..p.messages.len() {
            body.push('\n');
            self.message(&mut body, mi)?;
        }
        body.push('\n');
        let _ = writeln!(
            body,
            "// Codecs lists the message types of package {}, by full name, for tools that serve them all",
            p.name
        );
        let _ = writeln!(body, "// (the msgpact peer).");
        if p.messages.is_empty() {
            let _ = writeln!(body, "var Codecs = []msgpactrt.Codec{{}}");
        } else {
            let _ = writeln!(body, "var Codecs = []msgpactrt.Codec{{");
            for (m, name) in p.messages.iter().zip(&self.names.messages[self.pi]) {
                let _ = writeln!(body, "\tmsgpactrt.CodecOf[{name}]({}),", quote(&format!("{}.{}", p.name, m.name)));
            }
            let _ = writeln!(body, "}}");
        }

        let mut out = String::from(header);
        out.push('\n');
        let _ = writeln!(
            out,
            "// Package {} holds the types of the msgpact contract package {} {}, for",
            self.names.clause[self.pi], p.name, p.version
        );
        let _ = writeln!(
            out,
            "// github.com/vmihailenco/msgpack/v5. Marshal writes the canonical encoding; Unmarshal reads"
        );
        let _ = writeln!(out, "// strictly and checks the contract's constraints (see package msgpactrt).");
        if !p.doc.trim().is_empty() {
            out.push_str("//\n");
            doc_lines(&mut out, 0, &p.doc);
        }
        let _ = writeln!(out, "package {}", self.names.clause[self.pi]);
        out.push('\n');
        let mut third: Vec<(String, String)> =
            vec![(String::new(), MSGPACK_IMPORT.to_string()), (String::new(), format!("{}/{RUNTIME}", self.base))];
        if p.enums.is_empty() && p.messages.is_empty() {
            third.remove(0);
        }
        for &d in &self.deps {
            let dir = &self.names.dirs[d];
            let alias = if &self.names.refs[d] != dir { self.names.refs[d].clone() } else { String::new() };
            third.push((alias, format!("{}/{dir}", self.base)));
        }
        third.sort_by(|a, b| a.1.cmp(&b.1));
        let _ = writeln!(out, "import (");
        for s in &self.std {
            let _ = writeln!(out, "\t{}", quote(s));
        }
        if !self.std.is_empty() {
            out.push('\n');
        }
        for (alias, path) in &third {
            if alias.is_empty() {
                let _ = writeln!(out, "\t{}", quote(path));
            } else {
                let _ = writeln!(out, "\t{alias} {}", quote(path));
            }
        }
        let _ = writeln!(out, ")");
        out.push('\n');
        out.push_str(&body);
        Ok(out)
    }

    /// Whether field `f` of the message being written holds its message through a pointer
    /// (`OptionalNullable[*T]`): it is optional and nullable, and leads back to this message through fields
    /// Go holds by value (required ones and other `OptionalNullable`s), which would make an invalid
    /// recursive type.
    pub(super) fn indirect(&self, f: &Field) -> bool {
        let by_value = |g: &Field| g.optional == g.nullable;
        let from = MsgId { package: self.pi as u32, index: self.msg as u32 };
        match f.ty {
            Type::Message(to) if f.optional && f.nullable => closes_cycle(self.c, from, to, by_value),
            _ => false,
        }
    }

    /// The Go name of a message or enum of package `pkg`, qualified when it is another package.
    pub(super) fn qualified(&mut self, pkg: u32, name: &str) -> String {
        let pkg = pkg as usize;
        if pkg == self.pi {
            name.to_string()
        } else {
            self.deps.insert(pkg);
            format!("{}.{name}", self.names.refs[pkg])
        }
    }
}
