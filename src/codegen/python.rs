//! Python code generation (see the module docs of [`super`]): a package of dataclasses on msgpack-python.
//!
//! Output, relative to `--out` (a Python package directory):
//! - `__init__.py`: `CONTRACTS_HASH`, `MESSAGE_TYPES` (`"chat.ChatRequest"` -> class), `ENUM_TYPES`,
//!   `decode(type_name, data)`, `encode(value)`, `ABSENT`, the error classes;
//! - one module per contract package (`chat.py`, ...): an `enum.Enum` (`repr: string`) or `enum.IntEnum`
//!   (`repr: int`) per enum, a `@dataclass(kw_only=True, slots=True)` per message with `to_msgpack()` and
//!   `from_msgpack(data)`, and the description of its fields for the runtime;
//! - `_runtime.py`: the contract-independent part ([`RUNTIME`]), which decodes strictly and encodes in the
//!   canonical profile with `msgpack.unpackb` / `msgpack.Packer`, float32 fields written with `struct`.
//!
//! Absent and None: None is nil for a nullable field, and "absent" for an optional one; a field that is
//! both uses the sentinel `ABSENT` for "absent". Names: modules are the package names, classes the contract
//! names, attributes `snake_case` of the field names, enum members `UPPER_SNAKE` of the value names; a name
//! that is a Python keyword or would clash gets a trailing `_` (the wire name never changes).
//! Lines are at most [`WIDTH`] characters (checked with `pycodestyle --max-line-length=120`).
use super::{header_lines, snake_case, GeneratedFile, Options};
use crate::contract::hash::wire_hash;
use crate::contract::{Constraints, Contracts, EnumRepr, Field, Message, Num, Shape, Type};
use crate::wire::Value;
use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

/// The maximum line length of the generated code.
pub const WIDTH: usize = 120;

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Names a field attribute cannot take: they are used in class bodies or are the methods of `_rt.Message`.
const RESERVED_ATTRS: &[&str] = &["_rt", "_dc", "_enum", "to_msgpack", "from_msgpack"];

/// Names a module cannot take: they are defined in `__init__.py`.
const RESERVED_MODULES: &[&str] = &["decode", "encode"];

pub fn generate(c: &Contracts, _opts: &Options) -> Result<Vec<GeneratedFile>, String> {
    let g = Gen::new(c);
    let mut files = vec![
        GeneratedFile { path: PathBuf::from("__init__.py"), content: g.init_file() },
        GeneratedFile { path: PathBuf::from("_runtime.py"), content: format!("{}{RUNTIME}", g.header) },
    ];
    for pi in 0..c.packages.len() {
        files.push(GeneratedFile { path: PathBuf::from(format!("{}.py", g.modules[pi])), content: g.module_file(pi)? });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

struct Gen<'a> {
    c: &'a Contracts,
    header: String,
    hash: String,
    /// Per package.
    modules: Vec<String>,
    /// Per package, per message.
    classes: Vec<Vec<String>>,
    /// Per package, per enum.
    enum_classes: Vec<Vec<String>>,
    /// Per package, per enum, per value.
    members: Vec<Vec<Vec<String>>>,
    /// Per package, per message, per field.
    attrs: Vec<Vec<Vec<String>>>,
}

/// Gives every candidate a unique name: first those that are fine as they are (in order), then the others
/// with `_` appended until they are free.
fn assign(candidates: &[String], reserved: impl Fn(&str) -> bool) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out: Vec<Option<String>> = vec![None; candidates.len()];
    for (i, cand) in candidates.iter().enumerate() {
        if !reserved(cand) && !taken.contains(cand) {
            taken.insert(cand.clone());
            out[i] = Some(cand.clone());
        }
    }
    for (i, cand) in candidates.iter().enumerate() {
        if out[i].is_none() {
            let mut s = format!("{cand}_");
            while reserved(&s) || taken.contains(&s) {
                s.push('_');
            }
            taken.insert(s.clone());
            out[i] = Some(s);
        }
    }
    out.into_iter().map(|s| s.unwrap_or_default()).collect()
}

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// The attribute name of a field: `snake_case`, and never a name Python would mangle (`__x`).
pub fn attr_candidate(field: &str) -> String {
    let s = snake_case(field);
    if s.starts_with("__") {
        format!("f{s}")
    } else {
        s
    }
}

/// The member name of an enum value: `UPPER_SNAKE`, never starting with `_` (reserved by `enum`).
pub fn member_candidate(value: &str) -> String {
    let s = snake_case(value).to_ascii_uppercase();
    if s.starts_with('_') {
        format!("V{s}")
    } else {
        s
    }
}

pub fn attr_names(fields: &[&str]) -> Vec<String> {
    let cands: Vec<String> = fields.iter().map(|f| attr_candidate(f)).collect();
    assign(&cands, |s| is_keyword(s) || RESERVED_ATTRS.contains(&s))
}

pub fn member_names(values: &[&str]) -> Vec<String> {
    let cands: Vec<String> = values.iter().map(|v| member_candidate(v)).collect();
    assign(&cands, |s| s.starts_with('_') || is_keyword(s))
}

pub fn module_names(packages: &[&str]) -> Vec<String> {
    let cands: Vec<String> = packages.iter().map(|p| p.to_string()).collect();
    assign(&cands, |s| is_keyword(s) || RESERVED_MODULES.contains(&s))
}

pub fn class_names(types: &[&str]) -> Vec<String> {
    let cands: Vec<String> = types.iter().map(|t| t.to_string()).collect();
    assign(&cands, is_keyword)
}

impl<'a> Gen<'a> {
    fn new(c: &'a Contracts) -> Gen<'a> {
        let header: String = header_lines(c).iter().map(|l| format!("# {l}\n")).collect();
        let pkgs: Vec<&str> = c.packages.iter().map(|p| p.name.as_str()).collect();
        let modules = module_names(&pkgs);
        let mut classes = Vec::new();
        let mut enum_classes = Vec::new();
        let mut members = Vec::new();
        let mut attrs = Vec::new();
        for p in &c.packages {
            // messages and enums share the module's namespace
            let mut names: Vec<&str> = p.messages.iter().map(|m| m.name.as_str()).collect();
            names.extend(p.enums.iter().map(|e| e.name.as_str()));
            let all = class_names(&names);
            classes.push(all[..p.messages.len()].to_vec());
            enum_classes.push(all[p.messages.len()..].to_vec());
            members.push(
                p.enums
                    .iter()
                    .map(|e| member_names(&e.values.iter().map(|v| v.name.as_str()).collect::<Vec<_>>()))
                    .collect(),
            );
            attrs.push(
                p.messages
                    .iter()
                    .map(|m| attr_names(&m.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>()))
                    .collect(),
            );
        }
        Gen { c, header, hash: wire_hash(c), modules, classes, enum_classes, members, attrs }
    }

    /// A message or enum class as seen from the module of package `from`.
    fn qualified(&self, pkg: u32, class: &str, from: usize) -> String {
        if pkg as usize == from {
            class.to_string()
        } else {
            format!("{}.{class}", self.modules[pkg as usize])
        }
    }

    fn annotation(&self, ty: &Type, from: usize) -> Result<String, String> {
        Ok(match ty {
            Type::Bool => "bool".into(),
            Type::Int(_) => "int".into(),
            Type::Float32 | Type::Float64 => "float".into(),
            Type::String => "str".into(),
            Type::Bytes => "bytes".into(),
            Type::Timestamp => "_rt.Timestamp".into(),
            Type::List(t) => format!("list[{}]", self.annotation(t, from)?),
            Type::Map(k, v) => format!("dict[{}, {}]", self.annotation(k, from)?, self.annotation(v, from)?),
            Type::Enum(id) => {
                self.qualified(id.package, &self.enum_classes[id.package as usize][id.index as usize], from)
            }
            Type::Message(id) => {
                self.qualified(id.package, &self.classes[id.package as usize][id.index as usize], from)
            }
            Type::Named(n) => return Err(format!("unresolved type `{n}`")),
        })
    }

    /// The runtime's description of a type, with the field's constraints on the outer type.
    fn type_expr(&self, ty: &Type, k: Option<&Constraints>) -> Result<Py, String> {
        let k = k.cloned().unwrap_or_default();
        let lens = |args: &mut Vec<(Option<String>, Py)>| {
            if let Some(n) = k.min_len {
                args.push((Some("min_len".into()), Py::atom(n)));
            }
            if let Some(n) = k.max_len {
                args.push((Some("max_len".into()), Py::atom(n)));
            }
        };
        let range = |args: &mut Vec<(Option<String>, Py)>| {
            for (name, bound) in [("min", k.min), ("max", k.max)] {
                if let Some(b) = bound {
                    let text = match b {
                        Num::Int(i) => i.to_string(),
                        Num::Float(x) => py_f64(x),
                    };
                    args.push((Some(name.into()), Py::Atom(text)));
                }
            }
        };
        let mut args: Vec<(Option<String>, Py)> = Vec::new();
        let func = match ty {
            Type::Bool => "_rt.boolean",
            Type::Int(it) => {
                args.push((None, Py::Str(it.name().into())));
                range(&mut args);
                "_rt.integer"
            }
            Type::Float32 | Type::Float64 => {
                range(&mut args);
                if k.allow_nan {
                    args.push((Some("allow_nan".into()), Py::atom("True")));
                }
                if k.allow_infinity {
                    args.push((Some("allow_infinity".into()), Py::atom("True")));
                }
                if *ty == Type::Float32 {
                    "_rt.float32"
                } else {
                    "_rt.float64"
                }
            }
            Type::String => {
                lens(&mut args);
                "_rt.string"
            }
            Type::Bytes => {
                lens(&mut args);
                "_rt.binary"
            }
            Type::Timestamp => "_rt.timestamp",
            Type::List(t) => {
                args.push((None, self.type_expr(t, None)?));
                lens(&mut args);
                "_rt.list_of"
            }
            Type::Map(kt, vt) => {
                args.push((None, self.type_expr(kt, None)?));
                args.push((None, self.type_expr(vt, None)?));
                lens(&mut args);
                "_rt.map_of"
            }
            Type::Enum(id) => {
                args.push((None, Py::Str(self.c.enum_name(*id))));
                "_rt.enum_ref"
            }
            Type::Message(id) => {
                args.push((None, Py::Str(self.c.message_name(*id))));
                "_rt.message_ref"
            }
            Type::Named(n) => return Err(format!("unresolved type `{n}`")),
        };
        Ok(Py::Call(func.into(), args))
    }

    /// A Python expression for a value of `ty` (a contract default), and whether it must be built per
    /// instance (`default_factory`): mutable values and values that name a module or class.
    fn value_expr(&self, ty: &Type, v: &Value, from: usize, roots: &mut Vec<String>) -> Result<(Py, bool), String> {
        let member = |id: &crate::contract::EnumId, roots: &mut Vec<String>| -> Result<Py, String> {
            let e = self.c.enum_def(*id);
            let idx = e
                .values
                .iter()
                .position(|ev| e.wire(ev) == *v)
                .ok_or_else(|| format!("{} is not a value of {}", v.render(), self.c.enum_name(*id)))?;
            let class = self.qualified(id.package, &self.enum_classes[id.package as usize][id.index as usize], from);
            roots.push(class.split('.').next().unwrap_or_default().to_string());
            Ok(Py::Atom(format!("{class}.{}", self.members[id.package as usize][id.index as usize][idx])))
        };
        Ok(match (ty, v) {
            (_, Value::Nil) => (Py::atom("None"), false),
            (Type::Enum(id), _) => (member(id, roots)?, false),
            (_, Value::Bool(b)) => (Py::atom(if *b { "True" } else { "False" }), false),
            (_, Value::Int(i)) => (Py::atom(i), false),
            (_, Value::F32(x)) => (Py::Atom(py_f32(*x)), false),
            (_, Value::F64(x)) => (Py::Atom(py_f64(*x)), false),
            (_, Value::Str(s)) => (Py::Str(s.clone()), false),
            (_, Value::Bin(b)) => (Py::Bytes(b.clone()), false),
            (_, Value::Timestamp(t)) => {
                (Py::Call("_rt.Timestamp".into(), vec![(None, Py::atom(t.secs)), (None, Py::atom(t.nanos))]), true)
            }
            (Type::List(t), Value::Array(items)) => {
                let items =
                    items.iter().map(|x| self.value_expr(t, x, from, roots).map(|p| p.0)).collect::<Result<_, _>>()?;
                (Py::List(items), true)
            }
            (Type::Map(kt, vt), Value::Map(entries)) => {
                let mut out = Vec::new();
                for (k, x) in entries {
                    out.push((self.value_expr(kt, k, from, roots)?.0, self.value_expr(vt, x, from, roots)?.0));
                }
                (Py::Dict(out), true)
            }
            (Type::Message(id), _) => {
                let m = self.c.message(*id);
                let attrs = &self.attrs[id.package as usize][id.index as usize];
                let mut args = Vec::new();
                for (fi, f) in m.fields.iter().enumerate() {
                    let fv = match v {
                        Value::Map(_) => v.get(&f.name),
                        Value::Array(items) => items.get(fi),
                        _ => return Err(format!("a value of {} must be a map or an array", self.c.message_name(*id))),
                    };
                    if let Some(fv) = fv {
                        args.push((Some(attrs[fi].clone()), self.value_expr(&f.ty, fv, from, roots)?.0));
                    }
                }
                let class = self.qualified(id.package, &self.classes[id.package as usize][id.index as usize], from);
                (Py::Call(class, args), true)
            }
            _ => return Err(format!("cannot write {} as a Python value of {}", v.render(), self.c.type_name(ty))),
        })
    }

    fn init_file(&self) -> String {
        let c = self.c;
        let mut pkgs: Vec<String> = c.packages.iter().map(|p| format!("{} {}", p.name, p.version)).collect();
        pkgs.sort();
        let mut o = self.header.clone();
        let doc = format!(
            "Message types generated from the msgpact contracts {}.\n\n\
             Each message is a dataclass with `to_msgpack()` and `from_msgpack(data)`; `decode(type_name, data)` and \
             `encode(value)` do the same by name. MESSAGE_TYPES maps \"package.Message\" to its class, ENUM_TYPES \
             \"package.Enum\" to its enum class, CONTRACTS_HASH is the wire hash of the contracts.\n\n\
             Absent and None: None is nil for a nullable field, and means absent (the key is not sent) for an optional \
             field; a field that is both optional and nullable uses ABSENT for absent and None for nil. Encoding and \
             decoding rules: see _runtime.",
            pkgs.join(", ")
        );
        o.push_str(&docstring(&doc, 0).join("\n"));
        o.push_str("\n\nfrom __future__ import annotations\n\n");
        let mut mods: Vec<&str> = self.modules.iter().map(String::as_str).collect();
        mods.sort();
        if !mods.is_empty() {
            o.push_str(&import_line("from . import ", &mods));
        }
        let rt = [
            "ABSENT",
            "Absent",
            "ContractError",
            "DecodeError",
            "EncodeError",
            "Message",
            "Timestamp",
            "decode",
            "encode",
        ];
        o.push_str(&import_line("from ._runtime import ", &rt));
        let mut all: Vec<String> = rt.iter().map(|s| s.to_string()).collect();
        all.extend(["CONTRACTS_HASH", "ENUM_TYPES", "MESSAGE_TYPES"].map(String::from));
        all.extend(mods.iter().map(|s| s.to_string()));
        all.sort();
        o.push('\n');
        o.push_str(&Py::List(all.into_iter().map(Py::Str).collect()).lines(0, "__all__ = ", "").join("\n"));
        o.push_str(&format!("\n\nCONTRACTS_HASH = {}\n\n", py_str(&self.hash)));
        let mut msgs = Vec::new();
        let mut enums = Vec::new();
        for (pi, p) in c.packages.iter().enumerate() {
            for (mi, m) in p.messages.iter().enumerate() {
                msgs.push((
                    Py::Str(format!("{}.{}", p.name, m.name)),
                    Py::Atom(format!("{}.{}", self.modules[pi], self.classes[pi][mi])),
                ));
            }
            for (ei, e) in p.enums.iter().enumerate() {
                enums.push((
                    Py::Str(format!("{}.{}", p.name, e.name)),
                    Py::Atom(format!("{}.{}", self.modules[pi], self.enum_classes[pi][ei])),
                ));
            }
        }
        o.push_str(&Py::Dict(msgs).lines(0, "MESSAGE_TYPES: dict[str, type[Message]] = ", "").join("\n"));
        o.push('\n');
        o.push_str(&Py::Dict(enums).lines(0, "ENUM_TYPES: dict[str, type] = ", "").join("\n"));
        o.push('\n');
        o
    }

    fn module_file(&self, pi: usize) -> Result<String, String> {
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
        for (ei, e) in p.enums.iter().enumerate() {
            let class = &self.enum_classes[pi][ei];
            let base = match e.repr {
                EnumRepr::String => "_enum.Enum",
                EnumRepr::Int => "_enum.IntEnum",
            };
            o.push_str(&format!("\n\nclass {class}({base}):\n"));
            let travel = match e.repr {
                EnumRepr::String => format!("Travels as `{}.{}`: the value's name, a str.", p.name, e.name),
                EnumRepr::Int => format!("Travels as `{}.{}`: the value's number, an int.", p.name, e.name),
            };
            let mut doc = join_paragraphs(&[e.doc.trim(), &travel]);
            if e.deprecated {
                doc.push_str("\n\nDeprecated.");
            }
            o.push_str(&docstring(&doc, 4).join("\n"));
            o.push_str("\n\n");
            for (vi, v) in e.values.iter().enumerate() {
                let value = match e.repr {
                    EnumRepr::String => py_str(&v.name),
                    EnumRepr::Int => v.number.to_string(),
                };
                o.push_str(&format!("    {} = {value}\n", self.members[pi][ei][vi]));
            }
            o.push_str(&format!("\n\n_rt.define_enum({class}, {})\n", py_str(&format!("{}.{}", p.name, e.name))));
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

    fn message_code(&self, pi: usize, mi: usize, m: &Message) -> Result<String, String> {
        let p = &self.c.packages[pi];
        let class = &self.classes[pi][mi];
        let attrs = &self.attrs[pi][mi];
        let full = format!("{}.{}", p.name, m.name);
        let mut o = String::new();
        o.push_str(&format!("\n\n@_dc.dataclass(kw_only=True, slots=True)\nclass {class}(_rt.Message):\n"));
        let wire = match m.shape {
            Shape::Map => format!("Travels as `{full}`: a map keyed by field name, in this order."),
            Shape::Array => format!("Travels as `{full}`: a positional array of the fields, in this order; absent optional fields at the end shorten it."),
        };
        let mut doc = join_paragraphs(&[m.doc.trim(), &wire]);
        if m.deprecated {
            doc.push_str("\n\nDeprecated.");
        }
        o.push_str(&docstring(&doc, 4).join("\n"));
        o.push('\n');
        let attr_set: HashSet<&str> = attrs.iter().map(String::as_str).collect();
        for (fi, f) in m.fields.iter().enumerate() {
            o.push('\n');
            let attr = &attrs[fi];
            let base = self.annotation(&f.ty, pi)?;
            let ann = match (f.optional, f.nullable) {
                (false, false) => base,
                (true, true) => format!("{base} | None | _rt.Absent"),
                _ => format!("{base} | None"),
            };
            let default = self.field_default(f, pi, &attr_set)?;
            o.push_str(&field_lines(attr, &ann, default.as_ref()).join("\n"));
            o.push('\n');
            let info = field_info(self.c, f);
            let fdoc = join_paragraphs(&[f.doc.trim(), &info]);
            o.push_str(&docstring(&fdoc, 4).join("\n"));
            o.push('\n');
        }
        let shape = match m.shape {
            Shape::Map => "_rt.MAP",
            Shape::Array => "_rt.ARRAY",
        };
        let mut specs = Vec::new();
        for (fi, f) in m.fields.iter().enumerate() {
            let mut args = vec![(None, Py::Str(f.name.clone())), (None, self.type_expr(&f.ty, Some(&f.constraints))?)];
            if f.optional {
                args.push((Some("optional".into()), Py::atom("True")));
            }
            if f.nullable {
                args.push((Some("nullable".into()), Py::atom("True")));
            }
            if attrs[fi] != f.name {
                args.push((Some("attr".into()), Py::Str(attrs[fi].clone())));
            }
            specs.push(Py::Call("_rt.field".into(), args));
        }
        let call = Py::Call(
            "_rt.define_message".into(),
            vec![
                (None, Py::Atom(class.clone())),
                (None, Py::Str(full.clone())),
                (None, Py::atom(shape)),
                (None, Py::List(specs)),
            ],
        );
        o.push_str("\n\n");
        o.push_str(&call.lines(0, "", "").join("\n"));
        o.push('\n');
        Ok(o)
    }

    /// The dataclass default of a field: absent for optional fields, else the contract's `default`.
    fn field_default(&self, f: &Field, pi: usize, attrs: &HashSet<&str>) -> Result<Option<Py>, String> {
        if f.optional {
            return Ok(Some(Py::atom(if f.nullable { "_rt.ABSENT" } else { "None" })));
        }
        let Some((_, Some(v))) = &f.default else { return Ok(None) };
        let mut roots = Vec::new();
        let (expr, mutable) = self.value_expr(&f.ty, v, pi, &mut roots)?;
        // a name in a class body would find an attribute of the same name defined before it; a lambda does not
        if mutable || roots.iter().any(|r| attrs.contains(r.as_str())) {
            Ok(Some(Py::Call("_dc.field".into(), vec![(Some("default_factory".into()), Py::Lambda(Box::new(expr)))])))
        } else {
            Ok(Some(expr))
        }
    }
}

fn collect_packages(ty: &Type, out: &mut BTreeSet<u32>) {
    match ty {
        Type::List(t) => collect_packages(t, out),
        Type::Map(k, v) => {
            collect_packages(k, out);
            collect_packages(v, out);
        }
        Type::Enum(id) => {
            out.insert(id.package);
        }
        Type::Message(id) => {
            out.insert(id.package);
        }
        _ => {}
    }
}

/// The contract of a field in one line: type, presence, constraints, default.
fn field_info(c: &Contracts, f: &Field) -> String {
    let mut parts = vec![format!("`{}`", c.type_name(&f.ty))];
    match (f.optional, f.nullable) {
        (true, true) => parts.push("optional and nullable: ABSENT when the key is absent, None for nil".into()),
        (true, false) => parts.push("optional: None when the key is absent".into()),
        (false, true) => parts.push("nullable: None for nil".into()),
        _ => {}
    }
    let k = &f.constraints;
    let unit = match f.ty {
        Type::String => " bytes of UTF-8",
        Type::Bytes => " bytes",
        Type::List(_) => " items",
        Type::Map(..) => " entries",
        _ => "",
    };
    match (k.min_len, k.max_len) {
        (Some(a), Some(b)) => parts.push(format!("{a} to {b}{unit}")),
        (Some(a), None) => parts.push(format!("at least {a}{unit}")),
        (None, Some(b)) => parts.push(format!("at most {b}{unit}")),
        _ => {}
    }
    let num = |n: Num| match n {
        Num::Int(i) => i.to_string(),
        Num::Float(x) => format!("{x:?}"),
    };
    match (k.min.map(num), k.max.map(num)) {
        (Some(a), Some(b)) => parts.push(format!("{a} to {b}")),
        (Some(a), None) => parts.push(format!("at least {a}")),
        (None, Some(b)) => parts.push(format!("at most {b}")),
        _ => {}
    }
    if k.allow_nan {
        parts.push("NaN allowed".into());
    }
    if k.allow_infinity {
        parts.push("infinities allowed".into());
    }
    if let Some((node, value)) = &f.default {
        let text = match (value, node.scalar()) {
            (Some(Value::Str(s)), _) => py_str(s),
            (_, Some(s)) => s.text.clone(),
            (Some(v), None) => v.render(),
            (None, None) => String::new(),
        };
        if !text.is_empty() && !text.contains('\n') {
            parts.push(format!("default {text}"));
        }
    }
    if f.deprecated {
        parts.push("deprecated".into());
    }
    format!("Contract: {}.", parts.join("; "))
}

fn join_paragraphs(parts: &[&str]) -> String {
    parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("\n\n")
}

/// `attr: annotation = default`, broken over lines when too long.
fn field_lines(attr: &str, ann: &str, default: Option<&Py>) -> Vec<String> {
    let mut head = format!("{attr}: {ann}");
    if 4 + head.len() + default.map_or(0, |_| 3) > WIDTH && ann.contains(" | ") {
        // a long annotation: one alternative per line, in parentheses
        let mut lines = vec![format!("    {attr}: (")];
        for (i, part) in ann.split(" | ").enumerate() {
            lines.push(format!("        {}{part}", if i == 0 { "" } else { "| " }));
        }
        match default {
            Some(d) => lines.extend(d.lines(4, ") = ", "")),
            None => lines.push("    )".into()),
        }
        return lines;
    }
    match default {
        Some(d) => {
            head.push_str(" = ");
            d.lines(4, &head, "")
        }
        None => vec![format!("    {head}")],
    }
}

/// `from X import a, b` or, when too long, one name per line in parentheses.
fn import_line(head: &str, names: &[&str]) -> String {
    let flat = format!("{head}{}", names.join(", "));
    if flat.len() <= WIDTH {
        return flat + "\n";
    }
    let mut s = format!("{head}(\n");
    for n in names {
        s.push_str(&format!("    {n},\n"));
    }
    s.push_str(")\n");
    s
}

/// A docstring at `indent`, wrapped to [`WIDTH`]; paragraphs and line breaks of the text are kept.
fn docstring(text: &str, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let text = escape_doc(text.trim());
    let one = format!("{pad}\"\"\"{text}\"\"\"");
    if !text.contains('\n') && one.len() <= WIDTH {
        return vec![one];
    }
    let mut lines = Vec::new();
    let mut first = true;
    for src in text.split('\n') {
        let prefix_len = if first { indent + 3 } else { indent };
        let wrapped =
            wrap(src.trim_end(), WIDTH.saturating_sub(prefix_len).max(20), WIDTH.saturating_sub(indent).max(20));
        for (i, w) in wrapped.iter().enumerate() {
            let q = if first && i == 0 { "\"\"\"" } else { "" };
            if w.is_empty() && q.is_empty() {
                lines.push(String::new());
            } else {
                lines.push(format!("{pad}{q}{w}"));
            }
        }
        first = false;
    }
    lines.push(format!("{pad}\"\"\""));
    lines
}

/// Words of `text` in lines of at most `first` (then `rest`) characters; an empty text gives one empty line.
fn wrap(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let lead: String = text.chars().take_while(|c| *c == ' ').collect();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let limit = if lines.is_empty() { first } else { rest };
        if cur.is_empty() {
            cur = format!("{lead}{word}");
        } else if cur.chars().count() + 1 + word.chars().count() <= limit {
            cur.push(' ');
            cur.push_str(word);
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
    }
    lines.push(cur);
    lines
}

/// Text made safe inside `"""..."""`: backslashes, quote runs and control characters escaped.
fn escape_doc(text: &str) -> String {
    let mut s = String::new();
    for ch in text.chars() {
        match ch {
            '\\' => s.push_str("\\\\"),
            '\n' => s.push('\n'),
            '\t' => s.push_str("    "),
            '\r' => {}
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => s.push_str(&format!("\\u{:04x}", c as u32)),
            c => s.push(c),
        }
    }
    let mut s = s.replace("\"\"\"", "\\\"\\\"\\\"");
    if s.ends_with('"') {
        s.pop();
        s.push_str("\\\"");
    }
    s
}

/// A Python str literal (double quotes).
pub fn py_str(s: &str) -> String {
    let mut o = String::from("\"");
    for ch in s.chars() {
        match ch {
            '\\' => o.push_str("\\\\"),
            '"' => o.push_str("\\\""),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => o.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' => {
                o.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// A Python bytes literal.
pub fn py_bytes(b: &[u8]) -> String {
    let mut o = String::from("b\"");
    for &x in b {
        match x {
            b'\\' => o.push_str("\\\\"),
            b'"' => o.push_str("\\\""),
            0x20..=0x7e => o.push(x as char),
            _ => o.push_str(&format!("\\x{x:02x}")),
        }
    }
    o.push('"');
    o
}

/// A float64 as Python reads it back exactly.
pub fn py_f64(x: f64) -> String {
    if x.is_nan() {
        "_rt.NAN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "_rt.INF" } else { "-_rt.INF" }.into()
    } else {
        format!("{x:?}")
    }
}

/// A float32 as its shortest text when Python (parsing a float64, then packing it as float32) gets the
/// same bits back, else as the exact float64 of its value.
pub fn py_f32(x: f32) -> String {
    if !x.is_finite() {
        return py_f64(x as f64);
    }
    let short = format!("{x:?}");
    match short.parse::<f64>() {
        Ok(d) if (d as f32).to_bits() == x.to_bits() => short,
        _ => py_f64(x as f64),
    }
}

/// A Python expression, printed on one line when it fits and broken at its brackets otherwise.
#[derive(Clone, Debug, PartialEq)]
enum Py {
    Atom(String),
    Str(String),
    Bytes(Vec<u8>),
    Call(String, Vec<(Option<String>, Py)>),
    List(Vec<Py>),
    Dict(Vec<(Py, Py)>),
    Lambda(Box<Py>),
}

impl Py {
    fn atom(x: impl std::fmt::Display) -> Py {
        Py::Atom(x.to_string())
    }

    fn flat(&self) -> String {
        match self {
            Py::Atom(s) => s.clone(),
            Py::Str(s) => py_str(s),
            Py::Bytes(b) => py_bytes(b),
            Py::Call(f, args) => {
                format!("{f}({})", args.iter().map(|(k, v)| arg_flat(k, v)).collect::<Vec<_>>().join(", "))
            }
            Py::List(items) => format!("[{}]", items.iter().map(Py::flat).collect::<Vec<_>>().join(", ")),
            Py::Dict(entries) => format!(
                "{{{}}}",
                entries.iter().map(|(k, v)| format!("{}: {}", k.flat(), v.flat())).collect::<Vec<_>>().join(", ")
            ),
            Py::Lambda(body) => format!("lambda: {}", body.flat()),
        }
    }

    /// The lines of `prefix + self + suffix` starting at column `indent`.
    fn lines(&self, indent: usize, prefix: &str, suffix: &str) -> Vec<String> {
        let pad = " ".repeat(indent);
        let flat = format!("{pad}{prefix}{}{suffix}", self.flat());
        if flat.chars().count() <= WIDTH {
            return vec![flat];
        }
        let inner = indent + 4;
        let mut out = Vec::new();
        match self {
            Py::Call(f, args) => {
                // hug a last list argument: `f(a, b, [` ... `])`
                if let Some((None, Py::List(items))) = args.last() {
                    let head_args: Vec<String> = args[..args.len() - 1].iter().map(|(k, v)| arg_flat(k, v)).collect();
                    let head =
                        format!("{pad}{prefix}{f}({}[", head_args.iter().map(|a| format!("{a}, ")).collect::<String>());
                    if head.chars().count() <= WIDTH && !items.is_empty() {
                        out.push(head);
                        for it in items {
                            out.extend(it.lines(inner, "", ","));
                        }
                        out.push(format!("{pad}]){suffix}"));
                        return out;
                    }
                }
                out.push(format!("{pad}{prefix}{f}("));
                for (k, v) in args {
                    let kp = k.as_ref().map(|k| format!("{k}=")).unwrap_or_default();
                    out.extend(v.lines(inner, &kp, ","));
                }
                out.push(format!("{pad}){suffix}"));
            }
            Py::List(items) => {
                out.push(format!("{pad}{prefix}["));
                for it in items {
                    out.extend(it.lines(inner, "", ","));
                }
                out.push(format!("{pad}]{suffix}"));
            }
            Py::Dict(entries) => {
                out.push(format!("{pad}{prefix}{{"));
                for (k, v) in entries {
                    out.extend(v.lines(inner, &format!("{}: ", k.flat()), ","));
                }
                out.push(format!("{pad}}}{suffix}"));
            }
            Py::Lambda(body) => return body.lines(indent, &format!("{prefix}lambda: "), suffix),
            Py::Str(s) if !s.is_empty() => {
                out.push(format!("{pad}{prefix}("));
                let room = WIDTH.saturating_sub(inner + 2).max(16);
                for chunk in chunks(s, room, |c| py_str(&c.to_string()).len() - 2) {
                    out.push(format!("{}{}", " ".repeat(inner), py_str(&chunk)));
                }
                out.push(format!("{pad}){suffix}"));
            }
            Py::Bytes(b) if !b.is_empty() => {
                out.push(format!("{pad}{prefix}("));
                let room = WIDTH.saturating_sub(inner + 3).max(16);
                let mut cur: Vec<u8> = Vec::new();
                for &x in b {
                    if py_bytes(&cur).len() - 3 + py_bytes(&[x]).len() - 3 > room {
                        out.push(format!("{}{}", " ".repeat(inner), py_bytes(&cur)));
                        cur.clear();
                    }
                    cur.push(x);
                }
                out.push(format!("{}{}", " ".repeat(inner), py_bytes(&cur)));
                out.push(format!("{pad}){suffix}"));
            }
            Py::Atom(a) if !prefix.is_empty() && inner + a.chars().count() <= WIDTH => {
                out.push(format!("{pad}{prefix}("));
                out.push(format!("{}{a}", " ".repeat(inner)));
                out.push(format!("{pad}){suffix}"));
            }
            _ => out.push(flat),
        }
        out
    }
}

fn arg_flat(k: &Option<String>, v: &Py) -> String {
    match k {
        Some(k) => format!("{k}={}", v.flat()),
        None => v.flat(),
    }
}

/// `s` cut into pieces whose escaped length is at most `room`.
fn chunks(s: &str, room: usize, width: impl Fn(char) -> usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut len = 0;
    for ch in s.chars() {
        let w = width(ch);
        if len + w > room && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            len = 0;
        }
        cur.push(ch);
        len += w;
    }
    out.push(cur);
    out
}

/// `_runtime.py` after the header: the contract-independent part of the generated package.
pub const RUNTIME: &str = r##""""The runtime of the code `msgpact codegen --lang python` generates: strict decoding, canonical encoding.

The generated modules declare one dataclass per message and one enum class per enum, and describe each
message's fields with `define_message`; this module turns the descriptions into decoders and encoders on
msgpack-python (`msgpack.unpackb` and `msgpack.Packer`). It does not depend on any contract.

Absent and None
---------------
- A required field that is not nullable always holds a value.
- nullable (the value may be nil): None is nil (`c0`).
- optional (the key may be absent) and not nullable: None means absent; the key is not written.
- optional and nullable: `ABSENT` means absent and None is nil. `ABSENT` is falsy; test it with `is ABSENT`.
Decoding gives the same representation: an absent optional field decodes to None, or to `ABSENT` when the
field is also nullable. A `default` written in the contract is only the constructor's default.

Encoding (`encode`, `Message.to_msgpack`) writes the canonical bytes of the golden vectors: a message as a
map with its fields in declared order (or a positional array for `shape: array`, ending early when trailing
optional fields are absent), integers in their smallest form, float32 as `ca` and float64 as `cb`, str and
bin kept apart, `map<K, V>` entries sorted by their encoded keys, timestamps as ext -1 in the smallest of
the 32/64/96-bit forms, enums as their name or number. Values are checked as in decoding first.

Decoding (`decode`, `Message.from_msgpack`) is strict about the values (msgpack types, integer ranges, str
versus bin, required fields, nil, enum values, the contract's constraints) and liberal about their encoding:
any valid MessagePack form of a value is accepted (a 5 written as a uint64, map keys in any order, a float32
where float64 is declared; an integer where a float is declared, when the float type holds it exactly; a
float64 where float32 is declared, when float32 holds it exactly). Fields the contract does not know are
ignored (newer writers may add optional fields); a key sent twice is an error.

Both raise `ContractError` (a `ValueError`; `DecodeError` or `EncodeError`) whose message starts with the
path of the field: `$.usage.prompt_tokens: 300 is out of range for uint32`.
"""

from __future__ import annotations

import datetime
import struct
from typing import Any, Dict, List, Optional, Sequence, Type, TypeVar, Union

import msgpack

__all__ = [
    "ABSENT",
    "Absent",
    "ContractError",
    "DecodeError",
    "EncodeError",
    "Message",
    "Timestamp",
    "decode",
    "encode",
]

#: ext -1 timestamps; keeps nanoseconds. `Timestamp.from_datetime` / `.to_datetime()` convert.
Timestamp = msgpack.Timestamp

#: For defaults written in the contracts.
NAN = float("nan")
INF = float("inf")

MAP = "map"
ARRAY = "array"

_M = TypeVar("_M", bound="Message")
_F32 = struct.Struct(">f")
_CA = struct.Struct(">Bf")
_CB = struct.Struct(">Bd")
_NIL = b"\xc0"
_TRUE = b"\xc3"
_FALSE = b"\xc2"
_MISSING = object()


class Absent:
    """The type of `ABSENT`: the key of an optional and nullable field is not sent."""

    __slots__ = ()

    def __new__(cls) -> Absent:
        try:
            return ABSENT
        except NameError:
            return object.__new__(cls)

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "ABSENT"

    def __copy__(self) -> Absent:
        return self

    def __deepcopy__(self, memo: Any) -> Absent:
        return self


ABSENT = Absent()


class ContractError(ValueError):
    """A payload or a value that breaks its contract. `path` names the field, `reason` says why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class DecodeError(ContractError):
    """The payload is not valid MessagePack, or not a valid value of its message type."""


class EncodeError(ContractError):
    """The value cannot be encoded as its contract says."""


class _Invalid(Exception):
    """Raised inside the codecs; the path is collected on the way out, innermost part first."""

    def __init__(self, reason: str, part: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.parts = [part] if part else []

    def path(self) -> str:
        return "$" + "".join(reversed(self.parts))


class _Pairs(list):
    """A decoded MessagePack map: its (key, value) pairs in wire order (msgpack's object_pairs_hook)."""

    __slots__ = ()


def _unpackb(data: Any) -> Any:
    return msgpack.unpackb(data, raw=False, strict_map_key=False, object_pairs_hook=_Pairs, use_list=True,
                           timestamp=0)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _describe(v: Any) -> str:
    """A value as decoded by msgpack, or as found in a Python object, for error messages."""
    if v is None:
        return "nil"
    t = type(v)
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return f"int {v}"
    if t is float:
        return f"float {v!r}"
    if t is str:
        return "str " + _short(_quote(v))
    if t is bytes:
        return f"bin ({len(v)} byte{'' if len(v) == 1 else 's'})"
    if t is _Pairs:
        return f"map ({len(v)} entries)"
    if t is list:
        return f"array ({len(v)} items)"
    if t is Timestamp:
        return "timestamp"
    if t is msgpack.ExtType:
        return f"ext type {v.code}"
    return f"{t.__module__}.{t.__qualname__} {_short(repr(v))}"


def _expected(what: str, v: Any) -> _Invalid:
    if v is None:
        return _Invalid(f"expected {what}, got nil (not nullable)")
    return _Invalid(f"expected {what}, got {_describe(v)}")


def _len_error(n: int, unit: str, min_len: Optional[int], max_len: Optional[int]) -> Optional[_Invalid]:
    if min_len is not None and n < min_len:
        return _Invalid(f"{n} {unit}, fewer than min_len {min_len}")
    if max_len is not None and n > max_len:
        return _Invalid(f"{n} {unit}, more than max_len {max_len}")
    return None


def _range_error(v: Union[int, float], lo: Any, hi: Any) -> Optional[_Invalid]:
    if lo is not None and v < lo:
        return _Invalid(f"{v!r} is less than min {lo!r}")
    if hi is not None and v > hi:
        return _Invalid(f"{v!r} is greater than max {hi!r}")
    return None


# Types. Each has `name` (as the contracts write it), `dec(v)` (a value from msgpack.unpackb -> the Python
# value) and `enc(v, out, packer)` (appends the canonical bytes of a Python value to the list `out`).


class _Bool:
    name = "bool"

    def dec(self, v: Any) -> bool:
        if v is True or v is False:
            return v
        raise _expected("bool", v)

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if v is True:
            out.append(_TRUE)
        elif v is False:
            out.append(_FALSE)
        else:
            raise _expected("bool", v)


_INT_RANGES = {
    "int8": (-(1 << 7), (1 << 7) - 1),
    "int16": (-(1 << 15), (1 << 15) - 1),
    "int32": (-(1 << 31), (1 << 31) - 1),
    "int64": (-(1 << 63), (1 << 63) - 1),
    "uint8": (0, (1 << 8) - 1),
    "uint16": (0, (1 << 16) - 1),
    "uint32": (0, (1 << 32) - 1),
    "uint64": (0, (1 << 64) - 1),
}


class _Int:
    def __init__(self, name: str, lo: Optional[int] = None, hi: Optional[int] = None) -> None:
        self.name = name
        self.type_lo, self.type_hi = _INT_RANGES[name]
        self.min, self.max = lo, hi
        self.lo = self.type_lo if lo is None or lo < self.type_lo else lo
        self.hi = self.type_hi if hi is None or hi > self.type_hi else hi

    def _check(self, v: int) -> int:
        if v < self.lo or v > self.hi:
            if v < self.type_lo or v > self.type_hi:
                raise _Invalid(f"{v} is out of range for {self.name} ({self.type_lo}..{self.type_hi})")
            raise _range_error(v, self.min, self.max) or _Invalid(f"{v} is out of range")
        return v

    def dec(self, v: Any) -> int:
        if type(v) is not int:
            raise _expected(self.name, v)
        if v < self.lo or v > self.hi:
            self._check(v)
        return v

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if type(v) is not int:
            if not isinstance(v, int) or isinstance(v, bool):
                raise _expected(self.name, v)
            v = int(v)
        if v < self.lo or v > self.hi:
            self._check(v)
        out.append(p.pack(v))


class _Float:
    def __init__(self, name: str, min: Optional[float] = None, max: Optional[float] = None,
                 allow_nan: bool = False, allow_infinity: bool = False) -> None:
        self.name = name
        self.single = name == "float32"
        self.min, self.max = min, max
        self.allow_nan, self.allow_infinity = allow_nan, allow_infinity

    def _check(self, v: float) -> float:
        if v != v:
            if not self.allow_nan:
                raise _Invalid("NaN is not allowed (allow_nan is not set)")
            return v
        if (v == INF or v == -INF) and not self.allow_infinity:
            raise _Invalid(f"{v!r} is not allowed (allow_infinity is not set)")
        err = _range_error(v, self.min, self.max)
        if err is not None:
            raise err
        return v

    def dec(self, v: Any) -> float:
        t = type(v)
        if t is not float:
            if t is not int:
                raise _expected(self.name, v)
            try:
                f = float(v)
            except OverflowError:
                raise _Invalid(f"integer {v} is out of range for {self.name}") from None
            if f != v:
                raise _Invalid(f"integer {v} is not exactly representable as {self.name}")
            v = f
        if self.single and v == v:
            try:
                exact = _F32.unpack(_F32.pack(v))[0] == v
            except OverflowError:
                exact = False
            if not exact:
                raise _Invalid(f"{v!r} is not exactly representable as float32")
        return self._check(v)

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if type(v) is not float:
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise _expected(self.name, v)
            try:
                v = float(v)
            except OverflowError:
                raise _Invalid(f"{v} is out of range for {self.name}") from None
        if self.single:
            try:
                b = _CA.pack(0xCA, v)
            except OverflowError:
                raise _Invalid(f"{v!r} is out of range for float32") from None
            self._check(_F32.unpack_from(b, 1)[0])
        else:
            b = _CB.pack(0xCB, v)
            self._check(v)
        out.append(b)


class _Str:
    name = "string"

    def __init__(self, min_len: Optional[int] = None, max_len: Optional[int] = None) -> None:
        self.min_len, self.max_len = min_len, max_len
        self.checked = min_len is not None or max_len is not None
        self.lo = min_len or 0
        self.hi = max_len if max_len is not None else float("inf")

    def _check(self, v: str) -> None:
        n = len(v)
        if not v.isascii():
            try:
                n = len(v.encode("utf-8"))
            except UnicodeEncodeError:
                raise _Invalid("the text is not valid Unicode (lone surrogate)") from None
        if n < self.lo or n > self.hi:
            raise _len_error(n, "bytes of UTF-8", self.min_len, self.max_len) or _Invalid("bad length")

    def dec(self, v: Any) -> str:
        if type(v) is not str:
            raise _expected("string (str)", v)
        if self.checked:
            self._check(v)
        return v

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if not isinstance(v, str):
            raise _expected("string (str)", v)
        if self.checked:
            self._check(v)
        try:
            out.append(p.pack(v))
        except UnicodeEncodeError:
            raise _Invalid("the text is not valid Unicode (lone surrogate)") from None


class _Bytes:
    name = "bytes"

    def __init__(self, min_len: Optional[int] = None, max_len: Optional[int] = None) -> None:
        self.min_len, self.max_len = min_len, max_len
        self.checked = min_len is not None or max_len is not None

    def dec(self, v: Any) -> bytes:
        if type(v) is not bytes:
            raise _expected("bytes (bin)", v)
        if self.checked:
            err = _len_error(len(v), "bytes", self.min_len, self.max_len)
            if err is not None:
                raise err
        return v

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if type(v) is not bytes:
            if not isinstance(v, (bytes, bytearray, memoryview)):
                raise _expected("bytes (bin)", v)
            v = bytes(v)
        self.dec(v)
        out.append(p.pack(v))


class _Timestamp:
    name = "timestamp"

    def dec(self, v: Any) -> Timestamp:
        if type(v) is not Timestamp:
            raise _expected("timestamp (ext -1)", v)
        return v

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if not isinstance(v, Timestamp):
            if not isinstance(v, datetime.datetime):
                raise _expected("timestamp (msgpack.Timestamp or an aware datetime)", v)
            if v.tzinfo is None:
                raise _Invalid("a naive datetime has no time zone; use an aware datetime or msgpack.Timestamp")
            v = Timestamp.from_datetime(v)
        try:
            out.append(p.pack(v))
        except (OverflowError, ValueError, TypeError) as e:
            raise _Invalid(f"timestamp out of range: {e}") from None


class _List:
    def __init__(self, item: Any, min_len: Optional[int] = None, max_len: Optional[int] = None) -> None:
        self.item = item
        self.min_len, self.max_len = min_len, max_len

    @property
    def name(self) -> str:
        return f"list<{self.item.name}>"

    def dec(self, v: Any) -> list:
        if type(v) is not list:
            raise _expected(f"{self.name} (array)", v)
        err = _len_error(len(v), "items", self.min_len, self.max_len)
        if err is not None:
            raise err
        dec = self.item.dec
        out = []
        for i, x in enumerate(v):
            try:
                out.append(dec(x))
            except _Invalid as e:
                e.parts.append(f"[{i}]")
                raise
        return out

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if not isinstance(v, (list, tuple)):
            raise _expected(f"{self.name} (list)", v)
        err = _len_error(len(v), "items", self.min_len, self.max_len)
        if err is not None:
            raise err
        out.append(p.pack_array_header(len(v)))
        enc = self.item.enc
        for i, x in enumerate(v):
            try:
                enc(x, out, p)
            except _Invalid as e:
                e.parts.append(f"[{i}]")
                raise


def _key_part(k: Any) -> str:
    return f"[{_quote(k)}]" if isinstance(k, str) else f"[{k!r}]"


class _Map:
    def __init__(self, key: Any, value: Any, min_len: Optional[int] = None, max_len: Optional[int] = None) -> None:
        self.key, self.value = key, value
        self.min_len, self.max_len = min_len, max_len

    @property
    def name(self) -> str:
        return f"map<{self.key.name}, {self.value.name}>"

    def dec(self, v: Any) -> dict:
        if type(v) is not _Pairs:
            raise _expected(f"{self.name} (map)", v)
        err = _len_error(len(v), "entries", self.min_len, self.max_len)
        if err is not None:
            raise err
        kdec, vdec = self.key.dec, self.value.dec
        out = {}
        for k, x in v:
            try:
                k = kdec(k)
            except _Invalid as e:
                raise _Invalid("map key: " + e.reason) from None
            if k in out:
                raise _Invalid(f"duplicate map key {_key_part(k)}")
            try:
                out[k] = vdec(x)
            except _Invalid as e:
                e.parts.append(_key_part(k))
                raise
        return out

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if not isinstance(v, dict):
            raise _expected(f"{self.name} (dict)", v)
        err = _len_error(len(v), "entries", self.min_len, self.max_len)
        if err is not None:
            raise err
        entries = []
        kenc = self.key.enc
        for k, x in v.items():
            kb: List[bytes] = []
            try:
                kenc(k, kb, p)
            except _Invalid as e:
                raise _Invalid("map key: " + e.reason) from None
            entries.append((b"".join(kb), k, x))
        entries.sort(key=lambda e: e[0])
        out.append(p.pack_map_header(len(entries)))
        venc = self.value.enc
        for kb, k, x in entries:
            out.append(kb)
            try:
                venc(x, out, p)
            except _Invalid as e:
                e.parts.append(_key_part(k))
                raise


class _Enum:
    def __init__(self, cls: Any, name: str) -> None:
        self.cls, self.name = cls, name
        self.by_wire = {m.value: m for m in cls}
        self.by_int = issubclass(cls, int)
        self.wire_type = int if self.by_int else str
        packer = msgpack.Packer(autoreset=True, use_bin_type=True)
        self.bytes = {m: packer.pack(m.value) for m in cls}

    def dec(self, v: Any) -> Any:
        if type(v) is not self.wire_type:
            raise _expected(f"{self.name} ({'int' if self.by_int else 'str'})", v)
        m = self.by_wire.get(v)
        if m is None:
            raise _Invalid(f"unknown {self.name} value {v!r}")
        return m

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        b = self.bytes.get(v) if isinstance(v, self.cls) else None
        if b is None:
            raise _expected(f"a member of {self.name}", v)
        out.append(b)


class _Field:
    __slots__ = ("name", "type", "attr", "optional", "nullable", "absent", "key", "part")

    def __init__(self, name: str, type: Any, attr: Optional[str], optional: bool, nullable: bool) -> None:
        self.name, self.type = name, type
        self.attr = attr or name
        self.optional, self.nullable = optional, nullable
        self.absent = ABSENT if optional and nullable else None
        self.key = msgpack.packb(name)
        self.part = "." + name


class _MessageType:
    def __init__(self, cls: Any, name: str, shape: str, fields: Sequence[_Field]) -> None:
        if shape not in (MAP, ARRAY):
            raise ValueError(f"shape must be {MAP!r} or {ARRAY!r}")
        self.cls, self.name, self.array = cls, name, shape == ARRAY
        self.fields = tuple(fields)

    def dec(self, v: Any) -> Any:
        kw = {}
        if self.array:
            if type(v) is not list:
                raise _expected(f"{self.name} (an array)", v)
            n = len(v)
            for i, f in enumerate(self.fields):
                if i >= n:
                    if not f.optional:
                        raise _Invalid(f"missing required field (the array has {n} items)", f.part)
                    kw[f.attr] = f.absent
                    continue
                x = v[i]
                if x is None and f.nullable:
                    kw[f.attr] = None
                    continue
                try:
                    kw[f.attr] = f.type.dec(x)
                except _Invalid as e:
                    e.parts.append(f.part)
                    raise
            return self.cls(**kw)
        if type(v) is not _Pairs:
            raise _expected(f"{self.name} (a map)", v)
        got = {}
        for k, x in v:
            if type(k) is str:
                if k in got:
                    raise _Invalid(f"duplicate key {_quote(k)}")
                got[k] = x
        for f in self.fields:
            x = got.get(f.name, _MISSING)
            if x is _MISSING:
                if not f.optional:
                    raise _Invalid("missing required field", f.part)
                kw[f.attr] = f.absent
            elif x is None and f.nullable:
                kw[f.attr] = None
            else:
                try:
                    kw[f.attr] = f.type.dec(x)
                except _Invalid as e:
                    e.parts.append(f.part)
                    raise
        return self.cls(**kw)

    @staticmethod
    def _enc_field(f: _Field, x: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if x is None:
            if not f.nullable:
                raise _Invalid("None is not allowed: the field is not nullable", f.part)
            out.append(_NIL)
            return
        if x is ABSENT:
            raise _Invalid("ABSENT is not allowed: the field is not optional", f.part)
        try:
            f.type.enc(x, out, p)
        except _Invalid as e:
            e.parts.append(f.part)
            raise

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if not isinstance(v, self.cls):
            raise _expected(self.name, v)
        if self.array:
            values = [(f, getattr(v, f.attr)) for f in self.fields]
            n = len(values)
            while n and _absent(*values[n - 1]):
                n -= 1
            for f, x in values[:n]:
                if _absent(f, x):
                    raise _Invalid("an array-shaped message cannot leave out a field before a field that is sent",
                                   f.part)
            out.append(p.pack_array_header(n))
            for f, x in values[:n]:
                self._enc_field(f, x, out, p)
            return
        start = len(out)
        out.append(b"")
        n = 0
        enc_field = self._enc_field
        for f in self.fields:
            x = getattr(v, f.attr)
            if f.optional and (x is ABSENT or (x is None and not f.nullable)):
                continue
            out.append(f.key)
            enc_field(f, x, out, p)
            n += 1
        out[start] = p.pack_map_header(n)


def _absent(f: _Field, x: Any) -> bool:
    """Whether an optional field's value in a Python object means: do not send the key."""
    return f.optional and (x is ABSENT or (x is None and not f.nullable))


class _Ref:
    """A message or enum named `package.Name`, found in the registry when first used (so that modules may
    refer to each other in any order)."""

    def __init__(self, registry: Dict[str, Any], name: str) -> None:
        self.registry, self.name = registry, name

    def _target(self) -> Any:
        target = self.registry.get(self.name)
        if target is None:
            raise _Invalid(f"type {self.name} is not defined (generated code is incomplete)")
        self.dec, self.enc = target.dec, target.enc
        return target

    def dec(self, v: Any) -> Any:
        return self._target().dec(v)

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        self._target().enc(v, out, p)


_MESSAGES: Dict[str, _MessageType] = {}
_ENUMS: Dict[str, _Enum] = {}
_BY_CLASS: Dict[type, _MessageType] = {}


# The type constructors the generated modules use.


def boolean() -> _Bool:
    return _Bool()


def integer(name: str, *, min: Optional[int] = None, max: Optional[int] = None) -> _Int:
    return _Int(name, min, max)


def float32(*, min: Optional[float] = None, max: Optional[float] = None, allow_nan: bool = False,
            allow_infinity: bool = False) -> _Float:
    return _Float("float32", min, max, allow_nan, allow_infinity)


def float64(*, min: Optional[float] = None, max: Optional[float] = None, allow_nan: bool = False,
            allow_infinity: bool = False) -> _Float:
    return _Float("float64", min, max, allow_nan, allow_infinity)


def string(*, min_len: Optional[int] = None, max_len: Optional[int] = None) -> _Str:
    return _Str(min_len, max_len)


def binary(*, min_len: Optional[int] = None, max_len: Optional[int] = None) -> _Bytes:
    return _Bytes(min_len, max_len)


def timestamp() -> _Timestamp:
    return _Timestamp()


def list_of(item: Any, *, min_len: Optional[int] = None, max_len: Optional[int] = None) -> _List:
    return _List(item, min_len, max_len)


def map_of(key: Any, value: Any, *, min_len: Optional[int] = None, max_len: Optional[int] = None) -> _Map:
    return _Map(key, value, min_len, max_len)


def message_ref(name: str) -> _Ref:
    return _Ref(_MESSAGES, name)


def enum_ref(name: str) -> _Ref:
    return _Ref(_ENUMS, name)


def field(name: str, type: Any, *, optional: bool = False, nullable: bool = False,
          attr: Optional[str] = None) -> _Field:
    """One field: its wire name, its type, and the attribute that holds it when that differs from the name."""
    return _Field(name, type, attr, optional, nullable)


def define_enum(cls: Any, name: str) -> None:
    _ENUMS[name] = _Enum(cls, name)


def define_message(cls: Any, name: str, shape: str, fields: Sequence[_Field]) -> None:
    mt = _MessageType(cls, name, shape, fields)
    _MESSAGES[name] = mt
    _BY_CLASS[cls] = mt


def _message_type(t: Union[str, type]) -> _MessageType:
    if isinstance(t, str):
        mt = _MESSAGES.get(t)
    else:
        mt = next((_BY_CLASS[c] for c in t.__mro__ if c in _BY_CLASS), None)
    if mt is None:
        raise TypeError(f"{t!r} is not a message type of these contracts")
    return mt


def decode(message_type: Union[str, Type[_M]], data: Union[bytes, bytearray, memoryview]) -> Any:
    """Decodes `data` as `message_type` (a generated class or its name, `"chat.ChatRequest"`).

    Raises DecodeError, with the path of the offending field, for anything the contract does not allow."""
    mt = _message_type(message_type)
    try:
        value = _unpackb(data)
    except Exception as e:
        detail = f": {e}" if str(e) else " (nested too deeply?)" if isinstance(e, msgpack.StackError) else ""
        raise DecodeError("$", f"not valid MessagePack: {type(e).__name__}{detail}") from None
    try:
        return mt.dec(value)
    except _Invalid as e:
        raise DecodeError(e.path(), e.reason) from None
    except RecursionError:
        raise DecodeError("$", "nested too deeply") from None


def encode(value: Message) -> bytes:
    """The canonical MessagePack bytes of a message. Raises EncodeError for a value the contract forbids."""
    mt = _message_type(type(value))
    out: List[bytes] = []
    try:
        mt.enc(value, out, msgpack.Packer(autoreset=True, use_bin_type=True))
    except _Invalid as e:
        raise EncodeError(e.path(), e.reason) from None
    except RecursionError:
        raise EncodeError("$", "nested too deeply (a cycle?)") from None
    return b"".join(out)


class Message:
    """The base class of the generated message dataclasses."""

    __slots__ = ()

    def to_msgpack(self) -> bytes:
        """The canonical MessagePack bytes of this message (see `encode`)."""
        return encode(self)

    @classmethod
    def from_msgpack(cls: Type[_M], data: Union[bytes, bytearray, memoryview]) -> _M:
        """Decodes and validates a payload (see `decode`)."""
        return decode(cls, data)
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_escape_keywords_and_clashes() {
        assert_eq!(
            attr_names(&["class", "class_", "userId", "to_msgpack", "__x", "self"]),
            ["class__", "class_", "user_id", "to_msgpack_", "f__x", "self"]
        );
        assert_eq!(
            member_names(&["user", "USER", "content_filter", "_x", "pcm16"]),
            ["USER", "USER_", "CONTENT_FILTER", "V_X", "PCM16"]
        );
        assert_eq!(module_names(&["chat", "import", "decode", "import_"]), ["chat", "import__", "decode_", "import_"]);
        assert_eq!(class_names(&["None", "Turn", "True"]), ["None_", "Turn", "True_"]);
    }

    #[test]
    fn literals() {
        assert_eq!(py_str("a\"b\\c\nd\u{1}é"), "\"a\\\"b\\\\c\\nd\\x01é\"");
        assert_eq!(py_bytes(b"R\x00\"\\"), "b\"R\\x00\\\"\\\\\"");
        assert_eq!(py_f32(0.7), "0.7");
        assert_eq!(py_f64(-0.0), "-0.0");
        assert_eq!(py_f64(f64::NEG_INFINITY), "-_rt.INF");
        assert_eq!(escape_doc("say \"\"\"hi\" \\o/"), "say \\\"\\\"\\\"hi\" \\\\o/");
        assert_eq!(escape_doc("ends with \""), "ends with \\\"");
    }

    #[test]
    fn repo_contracts_give_deterministic_pep8_width_files() {
        let (c, d) = Contracts::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts"));
        assert!(!d.has_errors());
        let opts = Options { lang: super::super::Lang::Python, out: PathBuf::from("out"), go_import_path: None };
        let files = generate(&c, &opts).unwrap();
        assert_eq!(files, generate(&c, &opts).unwrap());
        assert!(files.iter().any(|f| f.path == std::path::Path::new("__init__.py")));
        for f in &files {
            assert!(f.content.starts_with("# Code generated by msgpact codegen. DO NOT EDIT.\n"), "{:?}", f.path);
            assert!(f.content.contains(&wire_hash(&c)));
            for line in f.content.lines() {
                assert!(line.chars().count() <= WIDTH && !line.ends_with(' '), "{:?}: {line}", f.path);
            }
        }
    }

    #[test]
    fn long_expressions_break_at_brackets() {
        let call = Py::Call(
            "_rt.define_message".into(),
            vec![(None, Py::atom("X")), (None, Py::List(vec![Py::Str("a".repeat(60)), Py::Str("b".repeat(60))]))],
        );
        let lines = call.lines(0, "", "");
        assert_eq!(lines[0], "_rt.define_message(X, [");
        assert_eq!(lines.last().unwrap(), "])");
        assert!(lines.iter().all(|l| l.len() <= WIDTH));
        let long = Py::Str("x".repeat(300));
        assert!(long.lines(4, "a: str = ", "").iter().all(|l| l.len() <= WIDTH));
        let doc = docstring(&"word ".repeat(100), 4);
        assert!(doc.iter().all(|l| l.chars().count() <= WIDTH), "{doc:?}");
        assert!(doc[0].starts_with("    \"\"\"word"));
    }
}
