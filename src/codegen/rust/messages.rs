//! A contract message in Rust: a struct with serde attributes for map-shaped messages (optional fields
//! skipped when absent, nullable ones read with `rt::nullable`), and hand-written Serialize/Deserialize
//! for array-shaped ones (a tuple that ends after the last present field).
use super::layout::{assign, attribute, if_some, statement, struct_field, Expr, Rhs};
use super::names::{is_snake_case, Names};
use super::types::{boxed_fields, field_type};
use super::validate::validate;
use super::{doc, push_lines};
use crate::contract::{Contracts, Message, MsgId, Shape, Type};
use std::fmt::Write;

pub(super) fn message(c: &Contracts, names: &Names, pi: usize, mi: usize, out: &mut String) {
    let m = &c.packages[pi].messages[mi];
    let name = &names.messages[pi][mi];
    let idents = &names.fields[pi][mi];
    let boxed = boxed_fields(c, MsgId { package: pi as u32, index: mi as u32 });
    doc(out, "    ", &m.doc);
    if m.deprecated {
        out.push_str("    #[deprecated]\n");
    }
    // rustc checks field names at the struct, so that is where a contract name like `user__id` is allowed
    if !idents.iter().all(|i| is_snake_case(i)) {
        out.push_str("    #[allow(non_snake_case)]\n");
    }
    let derives = if m.shape == Shape::Map { ", Serialize, Deserialize" } else { "" };
    let _ = writeln!(out, "    #[derive(Clone, Debug, PartialEq{derives})]");
    if m.fields.is_empty() {
        let _ = writeln!(out, "    pub struct {name} {{}}");
    } else {
        let _ = writeln!(out, "    pub struct {name} {{");
    }
    for ((f, ident), &boxed) in m.fields.iter().zip(idents).zip(&boxed) {
        doc(out, "        ", &f.doc);
        if f.deprecated {
            out.push_str("        /// Deprecated.\n");
        }
        if m.shape == Shape::Map {
            let mut attrs: Vec<&str> = Vec::new();
            let rename = format!("rename = \"{}\"", f.name);
            if ident.trim_start_matches("r#") != f.name {
                attrs.push(&rename);
            }
            // str and bin are read strictly (serde reads either as the other), nil only where nullable.
            let strict = matches!(f.ty, Type::String | Type::Bytes);
            match (f.optional, f.nullable, strict) {
                (true, false, false) => attrs.extend([
                    "default",
                    "skip_serializing_if = \"Option::is_none\"",
                    "deserialize_with = \"rt::some\"",
                ]),
                (true, false, true) => attrs.extend([
                    "default",
                    "skip_serializing_if = \"Option::is_none\"",
                    "deserialize_with = \"rt::some_strict\"",
                ]),
                (false, true, false) => attrs.push("deserialize_with = \"rt::nullable\""),
                (false, _, true) => attrs.push("deserialize_with = \"rt::strict\""),
                (true, true, false) => attrs.extend([
                    "default",
                    "skip_serializing_if = \"Option::is_none\"",
                    "deserialize_with = \"rt::present\"",
                ]),
                (true, true, true) => attrs.extend([
                    "default",
                    "skip_serializing_if = \"Option::is_none\"",
                    "deserialize_with = \"rt::present_strict\"",
                ]),
                (false, false, false) => {}
            }
            if !attrs.is_empty() {
                push_lines(out, attribute(8, "serde", &attrs));
            }
        }
        let ty = Rhs::Type(field_type(names, pi, f, boxed));
        push_lines(out, assign(8, &format!("pub {ident}"), ":", &ty, ","));
    }
    if !m.fields.is_empty() {
        out.push_str("    }\n");
    }
    if m.shape == Shape::Array {
        array_serde(m, name, idents, out);
    }
    validate(m, name, idents, &boxed, out);
}

/// Serialize and Deserialize for an array-shaped message: a tuple that ends after the last present field.
/// `name` is its Rust type and `idents` its members.
fn array_serde(m: &Message, name: &str, idents: &[String], out: &mut String) {
    let _ = writeln!(out, "\n    impl Serialize for {name} {{");
    out.push_str("        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {\n");
    out.push_str("            use serde::ser::SerializeTuple;\n");
    let required = m.fields.iter().take_while(|f| !f.optional).count();
    let mut has_len = false;
    if required < m.fields.len() {
        let _ = writeln!(out, "            let mut len = {required};");
        has_len = true;
        for (i, id) in idents.iter().enumerate().skip(required) {
            push_lines(out, if_some(12, id));
            let _ = writeln!(out, "                len = {};\n            }}", i + 1);
        }
    }
    let len = if has_len { "len".to_string() } else { required.to_string() };
    let _ = writeln!(out, "            let mut t = s.serialize_tuple({len})?;");
    for (i, (f, id)) in m.fields.iter().zip(idents).enumerate() {
        if f.optional {
            let _ = writeln!(out, "            match &self.{id} {{");
            let _ = writeln!(out, "                Some(v) => t.serialize_element(v)?,");
            let _ = writeln!(out, "                None if len > {i} => {{");
            let msg = Rhs::Expr(Expr::atom(format!("\"`{}` is absent but a later field is present\"", f.name)));
            push_lines(out, assign(20, "let msg", " =", &msg, ";"));
            out.push_str("                    return Err(serde::ser::Error::custom(msg));\n                }\n");
            out.push_str("                None => {}\n            }\n");
        } else {
            let element = Expr::call("t.serialize_element", vec![Expr::atom(format!("&self.{id}"))]);
            push_lines(out, statement(12, &element.try_(), ";"));
        }
    }
    out.push_str("            t.end()\n        }\n    }\n");
    let _ = writeln!(out, "\n    impl<'de> Deserialize<'de> for {name} {{");
    out.push_str("        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {\n");
    out.push_str("            struct V;\n            impl<'de> serde::de::Visitor<'de> for V {\n");
    let _ = writeln!(out, "                type Value = {name};");
    out.push_str("                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {\n");
    let expecting = Expr::call("f.write_str", vec![Expr::atom(format!("\"an array of {} fields\"", m.name))]);
    push_lines(out, statement(20, &expecting, ""));
    out.push_str("                }\n");
    out.push_str("                fn visit_seq<A: serde::de::SeqAccess<'de>>(\n");
    out.push_str("                    self,\n                    mut seq: A,\n");
    out.push_str("                ) -> Result<Self::Value, A::Error> {\n");
    out.push_str("                    let mut items = rt::Items(&mut seq, 0);\n");
    if m.fields.is_empty() {
        let _ = writeln!(out, "                    let value = {name} {{}};");
    } else {
        let _ = writeln!(out, "                    let value = {name} {{");
        for (f, id) in m.fields.iter().zip(idents) {
            let strict = if matches!(f.ty, Type::String | Type::Bytes) { "_strict" } else { "" };
            let read = match f.optional {
                true => format!("items.optional{strict}()?"),
                false => format!("items.required{strict}(\"{}\")?", f.name),
            };
            push_lines(out, struct_field(24, id, "items", &read["items".len()..]));
        }
        out.push_str("                    };\n");
    }
    out.push_str(
        "                    items.finish()?;\n                    Ok(value)\n                }\n            }\n",
    );
    out.push_str("            d.deserialize_seq(V)\n        }\n    }\n");
}
