//! `rt::Validate` for a message: the contract's constraints on its fields (lengths, ranges, NaN and
//! infinities), and nested messages validated at their path (`history[2]`).
use super::names::field_ident;
use crate::contract::{Field, Message, Num, Package, Type};
use std::fmt::Write;

pub(super) fn validate(p: &Package, m: &Message, out: &mut String) {
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
pub(super) fn value_checks(ty: &Type, f: Option<&Field>, v: &str, name: &str, depth: usize) -> Vec<String> {
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

pub(super) fn contains_message(ty: &Type) -> bool {
    match ty {
        Type::Message(_) => true,
        Type::List(t) => contains_message(t),
        Type::Map(_, v) => contains_message(v),
        _ => false,
    }
}
