//! A contract message in Rust: a struct with serde attributes for map-shaped messages (optional fields
//! skipped when absent, nullable ones read with `rt::nullable`), and hand-written Serialize/Deserialize
//! for array-shaped ones (a tuple that ends after the last present field).
use super::doc;
use super::names::field_ident;
use super::types::field_type;
use super::validate::validate;
use crate::contract::{Contracts, Message, Package, Shape};
use std::fmt::Write;

pub(super) fn message(c: &Contracts, p: &Package, m: &Message, out: &mut String) {
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
pub(super) fn array_serde(_c: &Contracts, _p: &Package, m: &Message, out: &mut String) {
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
