//! Checks across files: duplicate names, type resolution, cycles of required references, constraints.
use super::types::SCALARS;
use super::*;
use crate::diag::{did_you_mean, Code};
use std::collections::{HashMap, HashSet};

pub fn check(c: &mut Contracts, diags: &mut Diagnostics) {
    duplicates(c, diags);
    resolve(c, diags);
    constraints(c, diags);
    array_shapes(c, diags);
    cycles(c, diags);
    super::names::check(c, diags);
}

fn duplicates(c: &Contracts, diags: &mut Diagnostics) {
    let mut packages: HashMap<&str, Span> = HashMap::new();
    for p in &c.packages {
        if let Some(first) = packages.insert(&p.name, p.span) {
            diags.error(
                Code::Duplicate,
                p.span,
                format!("package `{}` is defined twice (also at {})", p.name, c.sources.render(first)),
                "each package lives in one file; rename one of them",
            );
            packages.insert(&p.name, first);
        }
        let mut names: HashMap<&str, Span> = HashMap::new();
        // In file order, so that the later of two definitions is the one reported.
        let mut defs: Vec<(&str, Span)> = p
            .messages
            .iter()
            .map(|m| (m.name.as_str(), m.span))
            .chain(p.enums.iter().map(|e| (e.name.as_str(), e.span)))
            .collect();
        defs.sort_by_key(|(_, span)| *span);
        for (name, span) in defs {
            if let Some(first) = names.get(name) {
                diags.error(
                    Code::Duplicate,
                    span,
                    format!("`{}.{name}` is defined twice (first at line {})", p.name, first.line),
                    "message and enum names share one namespace per package",
                );
            } else {
                names.insert(name, span);
            }
        }
        for e in &p.enums {
            let mut seen_names = HashSet::new();
            let mut seen_numbers = HashMap::new();
            for v in &e.values {
                if !seen_names.insert(v.name.as_str()) {
                    diags.error(
                        Code::Duplicate,
                        v.span,
                        format!("enum value `{}` appears twice in `{}`", v.name, e.name),
                        "remove one of them",
                    );
                }
                if let Some(other) = seen_numbers.insert(v.number, v.name.as_str()) {
                    if e.repr == EnumRepr::Int {
                        diags.error(
                            Code::Duplicate,
                            v.span,
                            format!("`{}` and `{other}` share the number {} in `{}`", v.name, v.number, e.name),
                            "give every value its own number",
                        );
                    }
                }
            }
            if e.values.is_empty() {
                diags.error(
                    Code::MissingKey,
                    e.span,
                    format!("enum `{}` has no values", e.name),
                    "add at least one value",
                );
            }
        }
        for m in &p.messages {
            let mut fields: HashMap<&str, Span> = HashMap::new();
            for f in &m.fields {
                if let Some(first) = fields.insert(&f.name, f.span) {
                    diags.error(
                        Code::Duplicate,
                        f.span,
                        format!("field `{}` appears twice in `{}` (first at line {})", f.name, m.name, first.line),
                        "rename or remove one of them",
                    );
                }
            }
        }
    }
}

fn resolve(c: &mut Contracts, diags: &mut Diagnostics) {
    let names: Vec<String> = c.index.keys().cloned().collect();
    for pi in 0..c.packages.len() {
        let pkg = c.packages[pi].name.clone();
        for mi in 0..c.packages[pi].messages.len() {
            for fi in 0..c.packages[pi].messages[mi].fields.len() {
                let mut ty = c.packages[pi].messages[mi].fields[fi].ty.clone();
                let span = c.packages[pi].messages[mi].fields[fi].ty_span;
                resolve_type(c, &pkg, &mut ty, span, &names, diags);
                if let Type::Map(k, _) = &ty {
                    if !matches!(**k, Type::String | Type::Int(_) | Type::Named(_)) {
                        diags.error(
                            Code::InvalidMapKey,
                            span,
                            format!("map key type `{}` is not allowed", c.type_name(k)),
                            "map keys are `string` or an integer type (int8..uint64)",
                        );
                    }
                }
                c.packages[pi].messages[mi].fields[fi].ty = ty;
            }
        }
    }
}

fn resolve_type(c: &Contracts, pkg: &str, ty: &mut Type, span: Span, names: &[String], diags: &mut Diagnostics) {
    match ty {
        Type::List(t) => resolve_type(c, pkg, t, span, names, diags),
        Type::Map(k, v) => {
            resolve_type(c, pkg, k, span, names, diags);
            resolve_type(c, pkg, v, span, names, diags);
        }
        Type::Named(name) => {
            let full = if name.contains('.') { name.clone() } else { format!("{pkg}.{name}") };
            match c.lookup(&full) {
                Some(Def::Message(id)) => *ty = Type::Message(id),
                Some(Def::Enum(id)) => *ty = Type::Enum(id),
                None => {
                    let hint = unknown_type_hint(name, pkg, names);
                    diags.error(Code::UnknownType, span, format!("unknown type `{name}`"), hint);
                }
            }
        }
        _ => {}
    }
}

fn unknown_type_hint(name: &str, pkg: &str, names: &[String]) -> String {
    match name {
        "int" | "integer" | "uint" => return "give the width: int8, int16, int32, int64 or uint8..uint64".into(),
        "float" | "double" | "number" => return "give the width: float32 or float64".into(),
        "str" | "text" => return "the string type is `string`".into(),
        "binary" | "bin" | "blob" => return "raw bytes are `bytes`".into(),
        "datetime" | "time" | "date" => return "use `timestamp` (MessagePack ext -1)".into(),
        "array" | "vec" => return "use `list<T>`".into(),
        "dict" | "object" => return "use `map<string, T>` or a message".into(),
        _ => {}
    }
    let local: Vec<&str> = names.iter().filter_map(|n| n.strip_prefix(pkg).and_then(|r| r.strip_prefix('.'))).collect();
    let candidates = SCALARS.iter().copied().chain(local.iter().copied()).chain(names.iter().map(String::as_str));
    match did_you_mean(name, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None if name.contains('.') => "refer to another file's types as `package.Name`; check that file's `package:` and the name".into(),
        None => "types are scalars (bool, int8..int64, uint8..uint64, float32, float64, string, bytes, timestamp), list<T>, map<K, V>, or a message or enum name".into(),
    }
}

fn constraints(c: &Contracts, diags: &mut Diagnostics) {
    for p in &c.packages {
        for m in &p.messages {
            for f in &m.fields {
                let k = &f.constraints;
                let Some(span) = k.span else { continue };
                let is_len = matches!(f.ty, Type::String | Type::Bytes | Type::List(_) | Type::Map(..));
                let is_num = matches!(f.ty, Type::Int(_) | Type::Float32 | Type::Float64);
                let is_float = matches!(f.ty, Type::Float32 | Type::Float64);
                let tn = c.type_name(&f.ty);
                if (k.min_len.is_some() || k.max_len.is_some()) && !is_len {
                    diags.error(
                        Code::InvalidConstraint,
                        span,
                        format!("`min_len`/`max_len` do not apply to `{tn}`"),
                        "lengths apply to string, bytes, list and map fields",
                    );
                }
                if (k.min.is_some() || k.max.is_some()) && !is_num {
                    diags.error(
                        Code::InvalidConstraint,
                        span,
                        format!("`min`/`max` do not apply to `{tn}`"),
                        "ranges apply to integer and float fields",
                    );
                }
                if (k.allow_nan || k.allow_infinity) && !is_float {
                    diags.error(
                        Code::InvalidConstraint,
                        span,
                        format!("`allow_nan`/`allow_infinity` do not apply to `{tn}`"),
                        "they apply to float32 and float64 fields",
                    );
                }
                if let (Type::Map(kt, _), Some(n)) = (&f.ty, k.min_len) {
                    if let Type::Int(it) = kt.as_ref() {
                        let keys = it.max() - it.min() + 1;
                        if i128::from(n) > keys {
                            diags.error(
                                Code::InvalidConstraint,
                                span,
                                format!(
                                    "min_len {n} asks for more distinct keys than `{}` has ({keys})",
                                    c.type_name(kt)
                                ),
                                "lower min_len, or use a wider key type",
                            );
                        }
                    }
                }
                if let (Some(a), Some(b)) = (k.min_len, k.max_len) {
                    if a > b {
                        diags.error(
                            Code::InvalidConstraint,
                            span,
                            format!("min_len {a} is greater than max_len {b}"),
                            "swap them or fix one",
                        );
                    }
                }
                if let (Some(a), Some(b)) = (k.min, k.max) {
                    if a.as_f64() > b.as_f64() {
                        diags.error(
                            Code::InvalidConstraint,
                            span,
                            format!("min {a} is greater than max {b}"),
                            "swap them or fix one",
                        );
                    }
                }
                if let Type::Int(it) = f.ty {
                    for (label, bound) in [("min", k.min), ("max", k.max)] {
                        match bound {
                            Some(Num::Float(x)) => diags.error(
                                Code::InvalidConstraint,
                                span,
                                format!("{label} {x} is not an integer, but `{tn}` is"),
                                "write an integer bound",
                            ),
                            Some(Num::Int(i)) if i < it.min() || i > it.max() => diags.error(
                                Code::InvalidConstraint,
                                span,
                                format!("{label} {i} is outside the range of {tn} ({}..={})", it.min(), it.max()),
                                "a bound must fit the field's type",
                            ),
                            _ => {}
                        }
                    }
                }
                if is_float {
                    for (label, bound) in [("min", k.min), ("max", k.max)] {
                        if bound.is_some_and(|b| !b.as_f64().is_finite()) {
                            diags.error(
                                Code::InvalidConstraint,
                                span,
                                format!("{label} must be a finite number"),
                                "use allow_infinity for infinities",
                            );
                        }
                    }
                }
            }
        }
    }
}

/// In array-shaped messages an absent field can only be a trailing one: the array just ends early.
fn array_shapes(c: &Contracts, diags: &mut Diagnostics) {
    for p in &c.packages {
        for m in p.messages.iter().filter(|m| m.shape == Shape::Array) {
            if let Some(i) = m.fields.iter().position(|f| f.optional) {
                if let Some(req) = m.fields[i..].iter().find(|f| !f.optional) {
                    let opt = &m.fields[i];
                    diags.error(
                        Code::InvalidConstraint,
                        opt.span,
                        format!("optional field `{}` comes before required field `{}` in array-shaped `{}`", opt.name, req.name, m.name),
                        "an array cannot skip a position (the rmp-serde skip_serializing_if bug): move optional fields to the end, or make it `nullable` instead",
                    );
                }
            }
        }
    }
}

/// A required, non-nullable field of a message type must not lead back to the same message.
fn cycles(c: &Contracts, diags: &mut Diagnostics) {
    let edges = |id: MsgId| -> Vec<(MsgId, usize)> {
        c.message(id)
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.optional && !f.nullable)
            .filter_map(|(i, f)| if let Type::Message(t) = f.ty { Some((t, i)) } else { None })
            .collect()
    };
    let mut reported: HashSet<MsgId> = HashSet::new();
    for start in c.message_ids() {
        // Depth-first search for a path back to `start`, iteratively.
        let mut stack: Vec<(MsgId, Vec<(MsgId, usize)>)> = vec![(start, edges(start))];
        let mut path: Vec<(MsgId, usize)> = Vec::new();
        let mut seen: HashSet<MsgId> = HashSet::from([start]);
        while let Some((_, next)) = stack.last_mut() {
            let Some((to, fi)) = next.pop() else {
                stack.pop();
                path.pop();
                continue;
            };
            let from = stack.last().map(|(m, _)| *m).unwrap_or(start);
            if to == start {
                path.push((from, fi));
                if path.iter().all(|(m, _)| !reported.contains(m)) {
                    let names: Vec<String> = path
                        .iter()
                        .map(|(m, f)| format!("{}.{}", c.message_name(*m), c.message(*m).fields[*f].name))
                        .collect();
                    let (m0, f0) = path[0];
                    diags.error(
                        Code::CyclicRequired,
                        c.message(m0).fields[f0].ty_span,
                        format!("required fields form a cycle: {} -> {}", names.join(" -> "), c.message_name(start)),
                        "no finite value exists; make one field in the cycle `optional` or `nullable`, or a list",
                    );
                    reported.extend(path.iter().map(|(m, _)| *m));
                }
                path.pop();
                continue;
            }
            if seen.insert(to) {
                path.push((from, fi));
                stack.push((to, edges(to)));
            }
        }
    }
}
