//! One module per contract package (`chat.py`): its docstring and imports, `__all__`, `CONTRACTS_HASH`,
//! the enum and message classes ([`super::enums`], [`super::messages`]), `MESSAGE_TYPES` and `ENUM_TYPES`.
use super::expr::Py;
use super::literals::py_str;
use super::text::{docstring, import_line};
use super::types::collect_packages;
use super::Gen;
use crate::codegen::CodegenError;
use std::collections::BTreeSet;

impl Gen<'_> {
    pub(super) fn module_file(&self, pi: usize) -> Result<String, CodegenError> {
        let c = self.c;
        let p = &c.packages[pi];
        let mut o = self.header.clone();
        let doc = if p.doc.trim().is_empty() {
            format!("Package `{}` {}.", p.name, p.version)
        } else {
            format!("Package `{}` {}: {}", p.name, p.version, p.doc.trim())
        };
        o.push_str(&docstring(&doc, 0).join("\n"));
        o.push_str("\n\nfrom __future__ import annotations\n\n");
        // the sibling modules named in annotations and defaults
        let mut deps = BTreeSet::new();
        for m in &p.messages {
            for f in &m.fields {
                collect_packages(&f.ty, &mut deps);
            }
        }
        deps.remove(&(pi as u32));
        let mut stdlib = String::new();
        if !p.messages.is_empty() {
            stdlib.push_str("import dataclasses as _dc\n");
        }
        if !p.enums.is_empty() {
            stdlib.push_str("import enum as _enum\n");
        }
        let mut local = String::new();
        if !p.messages.is_empty() || !p.enums.is_empty() {
            local.push_str("from . import _runtime as _rt\n");
        }
        let dep_names: Vec<&str> = deps.iter().map(|d| self.modules[*d as usize].as_str()).collect();
        if !dep_names.is_empty() {
            local.push_str(&import_line("from . import ", &dep_names));
        }
        for group in [stdlib, local].iter().filter(|g| !g.is_empty()) {
            o.push_str(group);
            o.push('\n');
        }
        let mut all: Vec<String> = vec!["CONTRACTS_HASH".into(), "ENUM_TYPES".into(), "MESSAGE_TYPES".into()];
        all.extend(self.classes[pi].iter().cloned());
        all.extend(self.enum_classes[pi].iter().cloned());
        all.sort();
        o.push_str(&Py::List(all.into_iter().map(Py::Str).collect()).lines(0, "__all__ = ", "").join("\n"));
        o.push_str(&format!("\n\nCONTRACTS_HASH = {}\n", py_str(&self.hash)));
        for ei in 0..p.enums.len() {
            o.push_str(&self.enum_class(pi, ei));
        }
        for (mi, m) in p.messages.iter().enumerate() {
            o.push_str(&self.message_code(pi, mi, m)?);
        }
        let msgs = p
            .messages
            .iter()
            .enumerate()
            .map(|(mi, m)| (Py::Str(format!("{}.{}", p.name, m.name)), Py::Atom(self.classes[pi][mi].clone())))
            .collect();
        let enums = p
            .enums
            .iter()
            .enumerate()
            .map(|(ei, e)| (Py::Str(format!("{}.{}", p.name, e.name)), Py::Atom(self.enum_classes[pi][ei].clone())))
            .collect();
        o.push_str("\n\n");
        o.push_str(&Py::Dict(msgs).lines(0, "MESSAGE_TYPES: dict[str, type[_rt.Message]] = ", "").join("\n"));
        o.push('\n');
        o.push_str(&Py::Dict(enums).lines(0, "ENUM_TYPES: dict[str, type] = ", "").join("\n"));
        o.push('\n');
        if p.messages.is_empty() && p.enums.is_empty() {
            // `_rt` is not imported: write the annotations without it
            o = o.replace("dict[str, type[_rt.Message]]", "dict[str, type]");
        }
        Ok(o)
    }
}
