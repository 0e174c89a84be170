//! `rt::Validate` for a message: the contract's constraints on its fields (lengths, ranges, NaN and
//! infinities), and nested messages validated at their path (`history[2]`).
use super::layout::{if_let, statement, Expr};
use super::push_lines;
use crate::contract::{Field, Message, Num, Type};
use std::fmt::Write;

/// `rt::Validate` for message `m`, whose Rust type is `name` and members `idents` (`boxed` ones hold a
/// `Box` of their message).
pub(super) fn validate(m: &Message, name: &str, idents: &[String], boxed: &[bool], out: &mut String) {
    let _ = writeln!(out, "\n    impl rt::Validate for {name} {{");
    let mut body = String::new();
    for ((f, id), &boxed) in m.fields.iter().zip(idents).zip(boxed) {
        let pattern = match (f.optional, f.nullable) {
            (false, false) => None,
            (true, true) => Some("Some(Some(v))"),
            _ => Some("Some(v)"),
        };
        let indent = if pattern.is_some() { 16 } else { 12 };
        let v = if boxed { "&**v" } else { "v" };
        let checks = value_checks(&f.ty, Some(f), v, &Expr::atom(format!("\"{}\"", f.name)), 4, indent);
        if checks.is_empty() {
            continue;
        }
        match pattern {
            None => {
                let _ = writeln!(body, "            let v = &self.{id};");
                push_lines(&mut body, checks);
            }
            Some(pat) => {
                push_lines(&mut body, if_let(12, pat, &format!("&self.{id}")));
                push_lines(&mut body, checks);
                body.push_str("            }\n");
            }
        }
    }
    let param = if body.is_empty() { "_path" } else { "path" };
    let _ = writeln!(out, "        fn validate(&self, {param}: &str) -> Result<(), rt::Error> {{");
    out.push_str(&body);
    out.push_str("            Ok(())\n        }\n    }\n");
}

/// Statements at `indent` that check the value `v` (a reference) of type `ty`; `name` is a Rust `&str`
/// expression naming it within its message (`"request_id"`, `&format!("{}[{i4}]", "history")`).
fn value_checks(ty: &Type, f: Option<&Field>, v: &str, name: &Expr, depth: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let k = f.map(|f| &f.constraints);
    let atom = |s: String| Expr::atom(s);
    let opt = |x: Option<u64>| atom(x.map_or("None".to_string(), |n| format!("Some({n})")));
    let optf = |x: Option<Num>| atom(x.map_or("None".to_string(), |n| format!("Some({:?})", n.as_f64())));
    let check = |lines: &mut Vec<String>, func: &str, args: Vec<Expr>| {
        let mut all = vec![atom("path".into()), name.clone()];
        all.extend(args);
        lines.extend(statement(indent, &Expr::call(func, all).try_(), ";"));
    };
    if let Some(k) = k {
        if k.min_len.is_some() || k.max_len.is_some() {
            check(&mut lines, "rt::check_len", vec![atom(format!("{v}.len()")), opt(k.min_len), opt(k.max_len)]);
        }
    }
    let value = || atom(format!("*{v} as f64"));
    match ty {
        Type::Float32 | Type::Float64 if f.is_some() => {
            let k = k.cloned().unwrap_or_default();
            let allow = |b: bool| atom(b.to_string());
            check(&mut lines, "rt::check_float", vec![value(), allow(k.allow_nan), allow(k.allow_infinity)]);
            if k.min.is_some() || k.max.is_some() {
                check(&mut lines, "rt::check_range", vec![value(), optf(k.min), optf(k.max)]);
            }
        }
        Type::Int(_) => {
            if let Some(k) = k.filter(|k| k.min.is_some() || k.max.is_some()) {
                check(&mut lines, "rt::check_range", vec![value(), optf(k.min), optf(k.max)]);
            }
        }
        Type::Message(_) => {
            let path = Expr::format(vec![atom("\"{path}.{}\"".into()), name.clone()]).reference();
            let call = Expr::call("rt::Validate::validate", vec![atom(v.into()), path]);
            lines.extend(statement(indent, &call.try_(), ";"));
        }
        Type::List(elem) if contains_message(elem) => {
            let item = format!("x{depth}");
            let at = Expr::format(vec![atom(format!("\"{{}}[{{i{depth}}}]\"")), name.clone()]).reference();
            let pad = " ".repeat(indent);
            lines.push(format!("{pad}for (i{depth}, {item}) in {v}.iter().enumerate() {{"));
            lines.extend(value_checks(elem, None, &item, &at, depth + 1, indent + 4));
            lines.push(format!("{pad}}}"));
        }
        Type::Map(_, val) if contains_message(val) => {
            let item = format!("x{depth}");
            let at = Expr::format(vec![atom(format!("\"{{}}[{{k{depth}:?}}]\"")), name.clone()]).reference();
            let pad = " ".repeat(indent);
            lines.push(format!("{pad}for (k{depth}, {item}) in {v}.iter() {{"));
            lines.extend(value_checks(val, None, &item, &at, depth + 1, indent + 4));
            lines.push(format!("{pad}}}"));
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
