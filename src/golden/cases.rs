//! Which golden cases a message gets: its examples, then edge cases derived from each field's type.
//!
//! Edge cases vary one field of the message's first example at a time (or of a minimal value when it has
//! none): integer width boundaries, string/bytes lengths around the format boundaries, list and map sizes,
//! every enum value, each timestamp form, float specials, absent optionals and nil nullables. Only values
//! the contract allows are generated ([`super::reject`] derives the payloads it forbids). The same contracts always give the same cases, in the same order.
use super::budget::{edge_cap, map_item, Weigher, NODE};
use super::points::{lengths, scalar_variants, text_of_len, SIZES};
use crate::contract::{Constraints, Contracts, Field, MsgId, Shape, Type};
use crate::limits::MAX_CASE_BYTES;
use crate::source::Span;
use crate::wire::{encode, Timestamp, Value};

#[derive(Clone, Debug)]
pub struct Case {
    pub message: MsgId,
    /// `example.<name>` or `edge.<field>.<variant>`.
    pub id: String,
    pub value: Value,
    pub bytes: Vec<u8>,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Origin {
    /// An example written in the contract.
    Example(Span),
    /// A variant of the field at this index.
    Edge { field: usize },
    /// A payload the contract forbids, about one field or the whole message (see [`super::reject`]).
    Reject { kind: crate::classes::RejectKind, field: Option<usize> },
    /// A value drawn by `msgpact fuzz`: a failure it found and saved (`fuzz.<id>`, see `golden::saved`).
    Drawn,
}

impl Case {
    /// The kind of a must-reject case.
    pub fn reject(&self) -> Option<crate::classes::RejectKind> {
        match self.origin {
            Origin::Reject { kind, .. } => Some(kind),
            _ => None,
        }
    }
}

pub fn for_message(c: &Contracts, id: MsgId) -> Vec<Case> {
    let m = c.message(id);
    let mut out = Vec::new();
    let mut push = |case_id: String, value: Value, origin: Origin| {
        let bytes = encode(&value);
        out.push(Case { message: id, id: case_id, value, bytes, origin });
    };
    for ex in &m.examples {
        if let Some(v) = &ex.value {
            push(format!("example.{}", ex.name), v.clone(), Origin::Example(ex.span));
        }
    }
    let base = m.examples.iter().find_map(|e| e.value.clone()).unwrap_or_else(|| minimal_message(c, id, 0));
    for (fi, f) in m.fields.iter().enumerate() {
        for (variant, value) in field_variants(c, f) {
            let v = with_field(c, id, &base, fi, value);
            push(format!("edge.{}.{variant}", f.name), v, Origin::Edge { field: fi });
        }
    }
    out
}

/// The variants of one field: `None` means the key is absent.
fn field_variants(c: &Contracts, f: &Field) -> Vec<(String, Option<Value>)> {
    let mut out: Vec<(String, Option<Value>)> = Vec::new();
    if f.optional {
        out.push(("absent".into(), None));
    }
    if f.nullable {
        out.push(("nil".into(), Some(Value::Nil)));
    }
    for (name, v) in type_variants(c, &f.ty, &f.constraints) {
        out.push((name, Some(v)));
    }
    out
}

/// The named variants of a value of type `ty` that the constraints allow.
fn type_variants(c: &Contracts, ty: &Type, k: &Constraints) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    match ty {
        Type::List(elem) => {
            let cap = edge_cap(Weigher::new(c).sample(elem, None, 1));
            for n in lengths(k, &SIZES, cap) {
                let item = sample(c, elem, None, 1);
                out.push((format!("len-{n}"), Value::Array(vec![item; n])));
            }
        }
        Type::Map(kt, vt) => {
            let cap = edge_cap(map_item(Weigher::new(c).sample(vt, None, 1)));
            for n in lengths(k, &SIZES, cap) {
                let keys = map_keys(kt, n);
                let val = sample(c, vt, None, 1);
                let mut entries: Vec<(Vec<u8>, (Value, Value))> =
                    keys.into_iter().map(|k| (encode(&k), (k, val.clone()))).collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                out.push((format!("len-{n}"), Value::Map(entries.into_iter().map(|(_, kv)| kv).collect())));
            }
        }
        Type::Message(id) => {
            let m = c.message(*id);
            for ex in &m.examples {
                if let Some(v) = &ex.value {
                    out.push((format!("example-{}", ex.name), v.clone()));
                }
            }
            if out.is_empty() {
                out.push(("minimal".into(), minimal_message(c, *id, 1)));
            }
        }
        Type::Named(_) => {}
        _ => out = scalar_variants(c, ty, k),
    }
    out
}

/// `n` distinct keys of the key type, spread over several formats so that sorting by encoded bytes shows.
pub(super) fn map_keys(kt: &Type, n: usize) -> Vec<Value> {
    match kt {
        Type::Int(it) => {
            let spread = [0i128, -1, 1, 127, -32, 128, -33, 255, 256, -129, 65535, 65536];
            let mut keys: Vec<i128> = spread.into_iter().filter(|&i| i >= it.min() && i <= it.max()).collect();
            let mut next = 2;
            let mut taken: std::collections::HashSet<i128> = keys.iter().copied().collect();
            // Ends when the key type runs out of keys (lint rejects a `min_len` beyond them).
            while keys.len() < n && next <= it.max() {
                if taken.insert(next) {
                    keys.push(next);
                }
                next += 1;
            }
            keys.truncate(n);
            keys.into_iter().map(Value::Int).collect()
        }
        _ => (0..n).map(|i| Value::Str(format!("k{i}"))).collect(),
    }
}

/// A small valid value of `ty`, used for list items, map values and fields a base value lacks.
pub fn sample(c: &Contracts, ty: &Type, k: Option<&Constraints>, depth: usize) -> Value {
    let k = k.cloned().unwrap_or_default();
    // A length within the constraints: at least one where possible, so the value shows its type.
    // Contracts over the bounds of `budget` never get here; the cap only keeps a caller that skipped the
    // check from asking for more memory than a case may weigh.
    let len = |default: u64| {
        default.max(k.min_len.unwrap_or(0)).min(k.max_len.unwrap_or(u64::MAX)).min(MAX_CASE_BYTES) as usize
    };
    let items_cap = (MAX_CASE_BYTES / NODE) as usize;
    match ty {
        Type::Bool => Value::Bool(false),
        Type::Int(it) => {
            let lo = k.min.map_or(it.min(), |m| (m.as_f64().ceil() as i128).max(it.min()));
            let hi = k.max.map_or(it.max(), |m| (m.as_f64().floor() as i128).min(it.max()));
            Value::Int(0i128.clamp(lo, hi.max(lo)))
        }
        Type::Float32 | Type::Float64 => {
            let lo = k.min.map_or(f64::MIN, |m| m.as_f64());
            let hi = k.max.map_or(f64::MAX, |m| m.as_f64());
            let x = 0.0f64.clamp(lo, hi.max(lo));
            if *ty == Type::Float32 {
                Value::F32(x as f32)
            } else {
                Value::F64(x)
            }
        }
        Type::String => Value::Str(text_of_len(len(1))),
        Type::Bytes => Value::Bin(vec![1; len(1)]),
        Type::Timestamp => Value::Timestamp(Timestamp { secs: 0, nanos: 0 }),
        Type::List(elem) => Value::Array(vec![sample(c, elem, None, depth + 1); len(0).min(items_cap)]),
        Type::Map(kt, vt) => {
            let val = sample(c, vt, None, depth + 1);
            let mut entries: Vec<(Vec<u8>, (Value, Value))> =
                map_keys(kt, len(0).min(items_cap)).into_iter().map(|key| (encode(&key), (key, val.clone()))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Map(entries.into_iter().map(|(_, kv)| kv).collect())
        }
        Type::Enum(id) => {
            let e = c.enum_def(*id);
            e.values.first().map_or(Value::Nil, |v| e.wire(v))
        }
        Type::Message(id) => {
            let m = c.message(*id);
            m.examples.iter().find_map(|e| e.value.clone()).unwrap_or_else(|| minimal_message(c, *id, depth + 1))
        }
        Type::Named(_) => Value::Nil,
    }
}

/// A message with only its required fields, each at a sample value (nil where nullable).
pub fn minimal_message(c: &Contracts, id: MsgId, depth: usize) -> Value {
    let m = c.message(id);
    let mut map = Vec::new();
    let mut items = Vec::new();
    for f in m.fields.iter().filter(|f| !f.optional) {
        let v = if f.nullable || depth > 32 { Value::Nil } else { sample(c, &f.ty, Some(&f.constraints), depth) };
        match m.shape {
            Shape::Map => map.push((Value::Str(f.name.clone()), v)),
            Shape::Array => items.push(v),
        }
    }
    match m.shape {
        Shape::Map => Value::Map(map),
        Shape::Array => Value::Array(items),
    }
}

/// `base` with field `fi` set to `value` (or removed), keeping the canonical shape.
pub fn with_field(c: &Contracts, id: MsgId, base: &Value, fi: usize, value: Option<Value>) -> Value {
    let m = c.message(id);
    match (m.shape, base) {
        (Shape::Map, Value::Map(entries)) => {
            let mut out = Vec::with_capacity(m.fields.len());
            for (i, f) in m.fields.iter().enumerate() {
                let v = if i == fi {
                    value.clone()
                } else {
                    entries.iter().find(|(k, _)| matches!(k, Value::Str(s) if *s == f.name)).map(|(_, v)| v.clone())
                };
                if let Some(v) = v {
                    out.push((Value::Str(f.name.clone()), v));
                }
            }
            Value::Map(out)
        }
        (Shape::Array, Value::Array(items)) => {
            let mut slots: Vec<Option<Value>> = (0..m.fields.len()).map(|i| items.get(i).cloned()).collect();
            slots[fi] = value;
            let len = slots.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
            let out = slots[..len]
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.clone().unwrap_or_else(|| sample(c, &m.fields[i].ty, Some(&m.fields[i].constraints), 1))
                })
                .collect();
            Value::Array(out)
        }
        _ => base.clone(),
    }
}
