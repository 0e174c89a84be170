//! A contract enum in Rust: a plain enum with `name()` (`repr: string`) or `number()` (`repr: int`), and
//! Serialize/Deserialize impls that write and read only that name or number.
use super::layout::{match_arm, Expr};
use super::names::variant;
use super::{doc, push_lines};
use crate::contract::{EnumDef, EnumRepr, Package};
use std::fmt::Write;

pub(super) fn enum_def(p: &Package, e: &EnumDef, out: &mut String) {
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
    let arm = |out: &mut String, pat: &str, body: Expr| push_lines(out, match_arm(16, pat, &body));
    // `other => Err(serde::de::Error::custom(format!("...")))`
    let unknown = |message: String| {
        let format = Expr::format(vec![Expr::atom(format!("\"{message}\""))]);
        Expr::call("Err", vec![Expr::call("serde::de::Error::custom", vec![format])])
    };
    let _ = writeln!(out, "    impl {name} {{");
    match e.repr {
        EnumRepr::String => {
            out.push_str("        pub fn name(self) -> &'static str {\n            match self {\n");
            for v in &e.values {
                arm(out, &format!("{name}::{}", variant(&v.name)), Expr::atom(format!("\"{}\"", v.name)));
            }
            out.push_str("            }\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl Serialize for {name} {{");
            out.push_str("        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {\n");
            out.push_str("            s.serialize_str(self.name())\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl<'de> Deserialize<'de> for {name} {{");
            out.push_str("        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {\n");
            out.push_str("            let name = String::deserialize(d)?;\n            match name.as_str() {\n");
            for v in &e.values {
                let value = Expr::call("Ok", vec![Expr::atom(format!("{name}::{}", variant(&v.name)))]);
                arm(out, &format!("\"{}\"", v.name), value);
            }
            arm(out, "other", unknown(format!("`{{other}}` is not a value of {full}")));
        }
        EnumRepr::Int => {
            out.push_str("        pub fn number(self) -> i64 {\n            match self {\n");
            for v in &e.values {
                arm(out, &format!("{name}::{}", variant(&v.name)), Expr::atom(v.number.to_string()));
            }
            out.push_str("            }\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl Serialize for {name} {{");
            out.push_str("        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {\n");
            out.push_str("            s.serialize_i64(self.number())\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl<'de> Deserialize<'de> for {name} {{");
            out.push_str("        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {\n");
            out.push_str("            let n = i64::deserialize(d)?;\n            match n {\n");
            for v in &e.values {
                let value = Expr::call("Ok", vec![Expr::atom(format!("{name}::{}", variant(&v.name)))]);
                arm(out, &v.number.to_string(), value);
            }
            arm(out, "other", unknown(format!("{{other}} is not a number of {full}")));
        }
    }
    out.push_str("            }\n        }\n    }\n");
}
