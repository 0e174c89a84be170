//! A contract enum in Rust: a plain enum with `name()` (`repr: string`) or `number()` (`repr: int`), and
//! Serialize/Deserialize impls that write and read only that name or number.
use super::layout::{match_arm, Expr};
use super::names::Names;
use super::{doc, push_lines};
use crate::contract::{Contracts, EnumRepr};
use std::fmt::Write;

pub(super) fn enum_def(c: &Contracts, names: &Names, pi: usize, ei: usize, out: &mut String) {
    let p = &c.packages[pi];
    let e = &p.enums[ei];
    let name = &names.enums[pi][ei];
    let vars = &names.variants[pi][ei];
    doc(out, "    ", &e.doc);
    if e.deprecated {
        out.push_str("    #[deprecated]\n");
    }
    out.push_str("    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\n");
    let _ = writeln!(out, "    pub enum {name} {{");
    for v in vars {
        let _ = writeln!(out, "        {v},");
    }
    out.push_str("    }\n\n");
    let full = format!("{}.{}", p.name, e.name);
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
            for (v, var) in e.values.iter().zip(vars) {
                arm(out, &format!("{name}::{var}"), Expr::atom(format!("\"{}\"", v.name)));
            }
            out.push_str("            }\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl Serialize for {name} {{");
            out.push_str("        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {\n");
            out.push_str("            s.serialize_str(self.name())\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl<'de> Deserialize<'de> for {name} {{");
            out.push_str("        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {\n");
            out.push_str("            let name = String::deserialize(d)?;\n            match name.as_str() {\n");
            for (v, var) in e.values.iter().zip(vars) {
                let value = Expr::call("Ok", vec![Expr::atom(format!("{name}::{var}"))]);
                arm(out, &format!("\"{}\"", v.name), value);
            }
            arm(out, "other", unknown(format!("`{{other}}` is not a value of {full}")));
        }
        EnumRepr::Int => {
            out.push_str("        pub fn number(self) -> i64 {\n            match self {\n");
            for (v, var) in e.values.iter().zip(vars) {
                arm(out, &format!("{name}::{var}"), Expr::atom(v.number.to_string()));
            }
            out.push_str("            }\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl Serialize for {name} {{");
            out.push_str("        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {\n");
            out.push_str("            s.serialize_i64(self.number())\n        }\n    }\n\n");
            let _ = writeln!(out, "    impl<'de> Deserialize<'de> for {name} {{");
            out.push_str("        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {\n");
            out.push_str("            let n = i64::deserialize(d)?;\n            match n {\n");
            for (v, var) in e.values.iter().zip(vars) {
                let value = Expr::call("Ok", vec![Expr::atom(format!("{name}::{var}"))]);
                arm(out, &v.number.to_string(), value);
            }
            arm(out, "other", unknown(format!("{{other}} is not a number of {full}")));
        }
    }
    out.push_str("            }\n        }\n    }\n");
}
