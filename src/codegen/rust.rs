//! Rust code generation: serde types for rmp-serde that encode in the canonical profile.
//!
//! rmp-serde's defaults produce several of the bugs msgpact exists to catch (INTEROP.md): structs as
//! arrays, `Vec<u8>` as arrays of ints, no timestamps, enums readable from their index. The generated
//! code avoids each: `rt::encode` writes structs as maps (`to_vec_named`), bytes are `serde_bytes::ByteBuf`
//! (bin), timestamps are `rt::Timestamp` (ext -1), enums only read their name (or number), maps sort
//! their keys by encoded bytes (`rt::Map`), optional fields are skipped when absent while nullable ones
//! are written as nil, array-shaped messages are positional tuples that end early when trailing optional
//! fields are absent. Decoding checks the contract's constraints (`rt::Validate`).
//!
//! The output is one file, `generated.rs`, for `mod generated;`. It needs `serde` (derive),
//! `serde_bytes` and `rmp-serde` 1.3. It is passed through `rustfmt` when it is installed.
use super::{header_lines, pascal_case, GeneratedFile, Options};
use crate::contract::hash::wire_hash;
use crate::contract::{Contracts, EnumDef, EnumRepr, Field, Message, Num, Package, Shape, Type};
use std::fmt::Write;
use std::path::PathBuf;

const RUNTIME: &str = include_str!("rust_rt.rs.in");

pub fn generate(c: &Contracts, _opts: &Options) -> Result<Vec<GeneratedFile>, String> {
    let mut out = String::new();
    for line in header_lines(c) {
        let _ = writeln!(out, "// {line}");
    }
    out.push_str("#![allow(dead_code, clippy::all)]\n\n");
    let _ = writeln!(out, "/// The wire hash of the contracts this file was generated from.");
    let _ = writeln!(out, "pub const CONTRACTS_HASH: &str = \"{}\";\n", wire_hash(c));
    out.push_str(RUNTIME);
    let mut packages: Vec<&Package> = c.packages.iter().collect();
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    for p in &packages {
        out.push('\n');
        package(c, p, &mut out);
    }
    out.push_str("\n/// Every message type of the contracts, by full name, with its decode-then-encode function.\n");
    out.push_str("pub const TYPES: &[(&str, rt::RoundTrip)] = &[\n");
    for p in &packages {
        for m in &p.messages {
            let _ = writeln!(
                out,
                "    (\"{}.{}\", rt::roundtrip::<{}::{}>),",
                p.name,
                m.name,
                module_name(&p.name),
                m.name
            );
        }
    }
    out.push_str("];\n");
    // `--config-path /dev/null`: rustfmt's defaults, never the configuration of the directory it runs in.
    let content = super::format_with("rustfmt", &["--edition", "2021", "--config-path", "/dev/null"], out);
    Ok(vec![GeneratedFile { path: PathBuf::from("generated.rs"), content }])
}

fn package(c: &Contracts, p: &Package, out: &mut String) {
    doc(out, "", &p.doc);
    let _ = writeln!(out, "pub mod {} {{", module_name(&p.name));
    out.push_str("    use super::rt;\n    #[allow(unused_imports)]\n    use serde::{Deserialize, Serialize};\n");
    for e in &p.enums {
        out.push('\n');
        enum_def(c, p, e, out);
    }
    for m in &p.messages {
        out.push('\n');
        message(c, p, m, out);
    }
    out.push_str("}\n");
}

fn enum_def(c: &Contracts, p: &Package, e: &EnumDef, out: &mut String) {
    let name = &e.name;
    doc(out, "    ", &e.doc);
    if e.deprecated {
        out.push_str("    #[deprecated]\n");
    }
    out.push_str("    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\n");
    let _ = writeln!(out, "    pub enum {name} {{");
    for v in &e.values {
        let _ = writeln!(out, "        {},", variant(&v.name));
    }
    out.push_str("    }\n\n");
    let full = format!("{}.{}", p.name, name);
    let _ = writeln!(out, "    impl {name} {{");
    match e.repr {
        EnumRepr::String => {
            out.push_str("        pub fn name(self) -> &'static str {\n            match self {\n");
            for v in &e.values {
                let _ = writeln!(out, "                {name}::{} => \"{}\",", variant(&v.name), v.name);
            }
            out.push_str("            }\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl Serialize for {name} {{");
            out.push_str("        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {\n");
            out.push_str("            s.serialize_str(self.name())\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl<'de> Deserialize<'de> for {name} {{");
            out.push_str("        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {\n");
            out.push_str("            let name = String::deserialize(d)?;\n            match name.as_str() {\n");
            for v in &e.values {
                let _ = writeln!(out, "                \"{}\" => Ok({name}::{}),", v.name, variant(&v.name));
            }
            let _ = writeln!(out, "                other => Err(serde::de::Error::custom(format!(\"`{{other}}` is not a value of {full}\"))),");
        }
        EnumRepr::Int => {
            out.push_str("        pub fn number(self) -> i64 {\n            match self {\n");
            for v in &e.values {
                let _ = writeln!(out, "                {name}::{} => {},", variant(&v.name), v.number);
            }
            out.push_str("            }\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl Serialize for {name} {{");
            out.push_str("        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {\n");
            out.push_str("            s.serialize_i64(self.number())\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl<'de> Deserialize<'de> for {name} {{");
            out.push_str("        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {\n");
            out.push_str("            let n = i64::deserialize(d)?;\n            match n {\n");
            for v in &e.values {
                let _ = writeln!(out, "                {} => Ok({name}::{}),", v.number, variant(&v.name));
            }
            let _ = writeln!(out, "                other => Err(serde::de::Error::custom(format!(\"{{other}} is not a number of {full}\"))),");
        }
    }
    out.push_str("            }\n        }\n    }\n");
    let _ = c;
}

fn message(c: &Contracts, p: &Package, m: &Message, out: &mut String) {
    doc(out, "    ", &m.doc);
    if m.deprecated {
        out.push_str("    #[deprecated]\n");
    }
    let derives = if m.shape == Shape::Map { ", Serialize, Deserialize" } else { "" };
    let _ = writeln!(out, "    #[derive(Clone, Debug, PartialEq{derives})]");
    let _ = writeln!(out, "    pub struct {} {{", m.name);
    for f in &m.fields {
        doc(out, "        ", &f.doc);
        if f.deprecated {
            out.push_str("        /// Deprecated.\n");
        }
        if m.shape == Shape::Map {
            let mut attrs: Vec<String> = Vec::new();
            let ident = field_ident(&f.name);
            if ident.trim_start_matches("r#") != f.name {
                attrs.push(format!("rename = \"{}\"", f.name));
            }
            match (f.optional, f.nullable) {
                (true, false) => attrs.push("default, skip_serializing_if = \"Option::is_none\"".into()),
                (false, true) => attrs.push("deserialize_with = \"rt::nullable\"".into()),
                (true, true) => attrs.push(
                    "default, skip_serializing_if = \"Option::is_none\", deserialize_with = \"rt::present\"".into(),
                ),
                (false, false) => {}
            }
            if !attrs.is_empty() {
                let _ = writeln!(out, "        #[serde({})]", attrs.join(", "));
            }
        }
        let _ = writeln!(out, "        pub {}: {},", field_ident(&f.name), field_type(c, p, f));
    }
    out.push_str("    }\n");
    if m.shape == Shape::Array {
        array_serde(c, p, m, out);
    }
    validate(p, m, out);
}

/// Serialize and Deserialize for an array-shaped message: a tuple that ends after the last present field.
fn array_serde(_c: &Contracts, _p: &Package, m: &Message, out: &mut String) {
    let name = &m.name;
    let _ = writeln!(out, "\n    impl Serialize for {name} {{");
    out.push_str("        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {\n");
    out.push_str("            use serde::ser::SerializeTuple;\n");
    let required = m.fields.iter().take_while(|f| !f.optional).count();
    let mut has_len = false;
    if required < m.fields.len() {
        let _ = writeln!(out, "            let mut len = {required};");
        has_len = true;
        for (i, f) in m.fields.iter().enumerate().skip(required) {
            let _ = writeln!(
                out,
                "            if self.{}.is_some() {{\n                len = {};\n            }}",
                field_ident(&f.name),
                i + 1
            );
        }
    }
    let len = if has_len { "len".to_string() } else { required.to_string() };
    let _ = writeln!(out, "            let mut t = s.serialize_tuple({len})?;");
    for (i, f) in m.fields.iter().enumerate() {
        let id = field_ident(&f.name);
        if f.optional {
            let _ = writeln!(out, "            match &self.{id} {{");
            let _ = writeln!(out, "                Some(v) => t.serialize_element(v)?,");
            let _ = writeln!(out, "                None if len > {i} => {{");
            let _ =
                writeln!(out, "                    let msg = \"`{}` is absent but a later field is present\";", f.name);
            out.push_str("                    return Err(serde::ser::Error::custom(msg));\n                }\n");
            out.push_str("                None => {}\n            }\n");
        } else {
            let _ = writeln!(out, "            t.serialize_element(&self.{id})?;");
        }
    }
    out.push_str("            t.end()\n        }\n    }\n");
    let _ = writeln!(out, "\n    impl<'de> Deserialize<'de> for {name} {{");
    out.push_str("        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {\n");
    out.push_str("            struct V;\n            impl<'de> serde::de::Visitor<'de> for V {\n");
    let _ = writeln!(out, "                type Value = {name};");
    out.push_str("                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {\n");
    let _ = writeln!(out, "                    f.write_str(\"an array of {name} fields\")");
    out.push_str("                }\n");
    out.push_str("                fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {\n");
    out.push_str("                    let mut items = rt::Items(&mut seq, 0);\n");
    let _ = writeln!(out, "                    let value = {name} {{");
    for f in &m.fields {
        let read =
            if f.optional { "items.optional()?".to_string() } else { format!("items.required(\"{}\")?", f.name) };
        let _ = writeln!(out, "                        {}: {read},", field_ident(&f.name));
    }
    out.push_str("                    };\n                    items.finish()?;\n                    Ok(value)\n                }\n            }\n");
    out.push_str("            d.deserialize_seq(V)\n        }\n    }\n");
}

fn validate(p: &Package, m: &Message, out: &mut String) {
    let _ = writeln!(out, "\n    impl rt::Validate for {} {{", m.name);
    let mut body = String::new();
    for f in &m.fields {
        let id = field_ident(&f.name);
        let checks = value_checks(&f.ty, Some(f), "v", &format!("\"{}\"", f.name), 4);
        if checks.is_empty() {
            continue;
        }
        let pattern = match (f.optional, f.nullable) {
            (false, false) => None,
            (true, true) => Some("Some(Some(v))"),
            _ => Some("Some(v)"),
        };
        match pattern {
            None => {
                let _ = writeln!(body, "            let v = &self.{id};");
                for line in checks {
                    let _ = writeln!(body, "            {line}");
                }
            }
            Some(pat) => {
                let _ = writeln!(body, "            if let {pat} = &self.{id} {{");
                for line in checks {
                    let _ = writeln!(body, "                {line}");
                }
                body.push_str("            }\n");
            }
        }
    }
    let param = if body.is_empty() { "_path" } else { "path" };
    let _ = writeln!(out, "        fn validate(&self, {param}: &str) -> Result<(), rt::Error> {{");
    out.push_str(&body);
    out.push_str("            Ok(())\n        }\n    }\n");
    let _ = p;
}

/// Statements that check the value `v` (a reference) of type `ty`; `name` is a Rust `&str` expression
/// naming it within its message (`"request_id"`, `&format!("{}[{i4}]", "history")`).
fn value_checks(ty: &Type, f: Option<&Field>, v: &str, name: &str, depth: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let k = f.map(|f| &f.constraints);
    let full = || format!("&format!(\"{{path}}.{{}}\", {name})");
    let opt = |x: Option<u64>| x.map_or("None".to_string(), |n| format!("Some({n})"));
    let optf = |x: Option<Num>| x.map_or("None".to_string(), |n| format!("Some({:?})", n.as_f64()));
    if let Some(k) = k {
        if k.min_len.is_some() || k.max_len.is_some() {
            lines.push(format!("rt::check_len(path, {name}, {v}.len(), {}, {})?;", opt(k.min_len), opt(k.max_len)));
        }
    }
    match ty {
        Type::Float32 | Type::Float64 if f.is_some() => {
            let k = k.cloned().unwrap_or_default();
            lines.push(format!("rt::check_float(path, {name}, *{v} as f64, {}, {})?;", k.allow_nan, k.allow_infinity));
            if k.min.is_some() || k.max.is_some() {
                lines.push(format!("rt::check_range(path, {name}, *{v} as f64, {}, {})?;", optf(k.min), optf(k.max)));
            }
        }
        Type::Int(_) => {
            if let Some(k) = k.filter(|k| k.min.is_some() || k.max.is_some()) {
                lines.push(format!("rt::check_range(path, {name}, *{v} as f64, {}, {})?;", optf(k.min), optf(k.max)));
            }
        }
        Type::Message(_) => lines.push(format!("rt::Validate::validate({v}, {})?;", full())),
        Type::List(elem) if contains_message(elem) => {
            let item = format!("x{depth}");
            let inner =
                value_checks(elem, None, &item, &format!("&format!(\"{{}}[{{i{depth}}}]\", {name})"), depth + 1);
            lines.push(format!("for (i{depth}, {item}) in {v}.iter().enumerate() {{"));
            lines.extend(inner.into_iter().map(|l| format!("    {l}")));
            lines.push("}".into());
        }
        Type::Map(_, val) if contains_message(val) => {
            let item = format!("x{depth}");
            let inner =
                value_checks(val, None, &item, &format!("&format!(\"{{}}[{{k{depth}:?}}]\", {name})"), depth + 1);
            lines.push(format!("for (k{depth}, {item}) in {v}.iter() {{"));
            lines.extend(inner.into_iter().map(|l| format!("    {l}")));
            lines.push("}".into());
        }
        _ => {}
    }
    lines
}

fn contains_message(ty: &Type) -> bool {
    match ty {
        Type::Message(_) => true,
        Type::List(t) => contains_message(t),
        Type::Map(_, v) => contains_message(v),
        _ => false,
    }
}

fn field_type(c: &Contracts, p: &Package, f: &Field) -> String {
    let t = rust_type(c, p, &f.ty);
    match (f.optional, f.nullable) {
        (false, false) => t,
        (true, true) => format!("Option<Option<{t}>>"),
        _ => format!("Option<{t}>"),
    }
}

fn rust_type(c: &Contracts, p: &Package, ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::Int(i) => match i.name() {
            n if n.starts_with("uint") => format!("u{}", i.bits()),
            _ => format!("i{}", i.bits()),
        },
        Type::Float32 => "f32".into(),
        Type::Float64 => "f64".into(),
        Type::String => "String".into(),
        Type::Bytes => "serde_bytes::ByteBuf".into(),
        Type::Timestamp => "rt::Timestamp".into(),
        Type::List(t) => format!("Vec<{}>", rust_type(c, p, t)),
        Type::Map(k, v) => format!("rt::Map<{}, {}>", rust_type(c, p, k), rust_type(c, p, v)),
        Type::Enum(id) => qualified(&c.packages[id.package as usize].name, &c.enum_def(*id).name, p),
        Type::Message(id) => qualified(&c.packages[id.package as usize].name, &c.message(*id).name, p),
        Type::Named(n) => n.clone(),
    }
}

fn qualified(pkg: &str, name: &str, current: &Package) -> String {
    if pkg == current.name {
        name.to_string()
    } else {
        format!("super::{}::{name}", module_name(pkg))
    }
}

fn doc(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let",
    "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type",
    "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

fn field_ident(name: &str) -> String {
    let snake = super::snake_case(name);
    match snake.as_str() {
        "self" | "super" | "crate" | "Self" => format!("{snake}_"),
        s if KEYWORDS.contains(&s) => format!("r#{s}"),
        _ => snake,
    }
}

fn module_name(pkg: &str) -> String {
    field_ident(pkg)
}

fn variant(name: &str) -> String {
    let v = pascal_case(name);
    if v.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        format!("V{v}")
    } else {
        v
    }
}
