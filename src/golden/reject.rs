//! Must-reject cases: payloads the contract forbids, which every peer must answer with `decode-error`.
//!
//! Golden vectors show that the values someone thought of agree; a reader that *accepts* what it should
//! refuse (an integer wrapped into a narrower type, a duplicate key, invalid UTF-8, a truncated payload)
//! passes every one of them. So each message also gets `reject.<kind>[.<field>[.<variant>]]` cases, one per
//! kind of [`RejectKind`] and per field where the kind is about a field, varied from the same base value as
//! the edge cases (the first example, or a minimal value). Cases that would weigh more than a golden case
//! may (a `max_len` beyond [`MAX_EDGE_LEN`]) are left out. The twin says why each must be refused ([`why`]).
use super::cases::{minimal_message, sample, with_field, Case, Origin};
use super::points::text_of_len;
use crate::classes::RejectKind;
use crate::contract::{Contracts, EnumRepr, Field, MsgId, Num, Shape, Type};
use crate::limits::{MAX_CASE_BYTES, MAX_EDGE_LEN};
use crate::wire::{encode, Value};

/// The key an unknown-key case adds (with a suffix if a field already has that name).
const UNKNOWN_KEY: &str = "msgpact_unknown";

/// At most this many items in a too-long list or map (a bigger `max_len` gets no too-long case).
const MAX_REJECT_ITEMS: usize = 4096;

/// The must-reject cases of message `id`, in a fixed order: per-field kinds in field order, then the kinds
/// about the whole payload.
pub fn for_message(c: &Contracts, id: MsgId) -> Vec<Case> {
    let m = c.message(id);
    let base = m.examples.iter().find_map(|e| e.value.clone()).unwrap_or_else(|| minimal_message(c, id, 0));
    let base_bytes = encode(&base);
    let mut out = Vec::new();
    let mut push = |kind: RejectKind, field: Option<usize>, suffix: &str, bytes: Vec<u8>, value: Value| {
        let mut case_id = format!("reject.{}", kind.id());
        if let Some(fi) = field {
            case_id.push('.');
            case_id.push_str(&m.fields[fi].name);
        }
        if !suffix.is_empty() {
            case_id.push('.');
            case_id.push_str(suffix);
        }
        out.push(Case { message: id, id: case_id, value, bytes, origin: Origin::Reject { kind, field } });
    };
    let set = |fi: usize, v: Option<Value>| {
        let value = with_field(c, id, &base, fi, v);
        (encode(&value), value)
    };
    for (fi, f) in m.fields.iter().enumerate() {
        if !f.optional && m.shape == Shape::Map {
            let (b, v) = set(fi, None);
            push(RejectKind::MissingKey, Some(fi), "", b, v);
        }
        if !f.nullable {
            let (b, v) = set(fi, Some(Value::Nil));
            push(RejectKind::NilNotNullable, Some(fi), "", b, v);
        }
        let (b, v) = set(fi, Some(wrong_type(c, &f.ty)));
        push(RejectKind::WrongType, Some(fi), "", b, v);
        for (suffix, x) in out_of_range(f) {
            let (b, v) = set(fi, Some(x));
            push(RejectKind::OutOfRange, Some(fi), suffix, b, v);
        }
        if let Some(x) = too_long(c, f) {
            let (b, v) = set(fi, Some(x));
            push(RejectKind::TooLong, Some(fi), "", b, v);
        }
        if let Type::Enum(e) = &f.ty {
            let e = c.enum_def(*e);
            let x = match e.repr {
                EnumRepr::String => {
                    let mut name = "NOT_A_VALUE".to_string();
                    while e.values.iter().any(|v| v.name == name) {
                        name.push('_');
                    }
                    Value::Str(name)
                }
                EnumRepr::Int => Value::Int(e.values.iter().map(|v| v.number as i128).max().unwrap_or(0) + 1),
            };
            let (b, v) = set(fi, Some(x));
            push(RejectKind::UnknownEnum, Some(fi), "", b, v);
        }
    }
    // Invalid UTF-8 in the first str field: a marker string put there, whose bytes are then spoiled.
    if let Some(fi) = m.fields.iter().position(|f| f.ty == Type::String) {
        let f = &m.fields[fi];
        let len = 2u64.max(f.constraints.min_len.unwrap_or(0)).min(f.constraints.max_len.unwrap_or(u64::MAX));
        if (1..=32).contains(&len) {
            let marker: String = (0..len as u8).map(|i| char::from(b'\x01' + i % 30)).collect();
            let value = with_field(c, id, &base, fi, Some(Value::Str(marker.clone())));
            let mut bytes = encode(&value);
            let needle = encode(&Value::Str(marker));
            let at = find(&bytes, &needle);
            if let Some(at) = at {
                let body = at + needle.len() - len as usize;
                bytes[body] = 0xc3;
                if len >= 2 {
                    bytes[body + 1] = 0x28;
                } else {
                    bytes[body] = 0xff;
                }
                push(RejectKind::InvalidUtf8, Some(fi), "", bytes, value);
            }
        }
    }
    if let (Shape::Map, Value::Map(entries)) = (m.shape, &base) {
        if let Some(first) = entries.first() {
            let mut dup = entries.clone();
            dup.push(first.clone());
            let value = Value::Map(dup);
            push(RejectKind::DuplicateKey, None, "", encode(&value), value);
        }
        let mut key = UNKNOWN_KEY.to_string();
        while m.fields.iter().any(|f| f.name == key) {
            key.push('_');
        }
        let mut more = entries.clone();
        more.push((Value::Str(key), Value::Int(1)));
        let value = Value::Map(more);
        push(RejectKind::UnknownKey, None, "", encode(&value), value);
    }
    if m.shape == Shape::Array {
        let required = m.fields.iter().filter(|f| !f.optional).count();
        if required > 0 {
            if let Value::Array(items) = &base {
                let value = Value::Array(items[..required - 1].to_vec());
                push(RejectKind::TooFewItems, None, "", encode(&value), value);
            }
        }
        let mut items: Vec<Value> = m
            .fields
            .iter()
            .map(|f| if f.nullable { Value::Nil } else { sample(c, &f.ty, Some(&f.constraints), 1) })
            .collect();
        if let Value::Array(b) = &base {
            items.splice(..b.len(), b.iter().cloned());
        }
        items.push(Value::Int(1));
        let value = Value::Array(items);
        push(RejectKind::TooManyItems, None, "", encode(&value), value);
    }
    let mut trailing = base_bytes.clone();
    trailing.push(0xc0);
    push(RejectKind::TrailingBytes, None, "", trailing, base.clone());
    let cut = base_bytes[..base_bytes.len() - 1].to_vec();
    push(RejectKind::Truncated, None, "", cut, base);
    out
}

/// A value of another MessagePack type than `ty`, picked among the confusions libraries let through: bytes
/// for text and text for bytes, an enum's index for its name, Unix seconds for a timestamp.
fn wrong_type(c: &Contracts, ty: &Type) -> Value {
    match ty {
        Type::Bool => Value::Int(1),
        Type::Int(_) => Value::Str("1".into()),
        Type::Float32 | Type::Float64 => Value::Str("1.5".into()),
        Type::String => Value::Bin(b"text".to_vec()),
        Type::Bytes => Value::Str("bytes".into()),
        Type::Timestamp => Value::Int(1_714_564_800),
        Type::List(_) => Value::Map(Vec::new()),
        Type::Map(..) => Value::Array(Vec::new()),
        Type::Enum(e) => match c.enum_def(*e).repr {
            EnumRepr::String => Value::Int(0),
            EnumRepr::Int => Value::Str(c.enum_def(*e).values.first().map_or("x".into(), |v| v.name.clone())),
        },
        Type::Message(m) => match c.message(*m).shape {
            Shape::Map => Value::Array(Vec::new()),
            Shape::Array => Value::Map(Vec::new()),
        },
        Type::Named(_) => Value::Bool(true),
    }
}

/// Integers just outside their type (`type`), and numbers just outside their `min`/`max` (`min`, `max`).
fn out_of_range(f: &Field) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    let k = &f.constraints;
    match &f.ty {
        Type::Int(it) => {
            // The nearest integer outside the type that MessagePack can carry (int64 and uint64 span it).
            let past = if it.max() < u64::MAX as i128 { it.max() + 1 } else { it.min() - 1 };
            out.push(("type", Value::Int(past)));
            let bound = |n: Num| match n {
                Num::Int(i) => i,
                Num::Float(x) => x as i128,
            };
            if let Some(min) = k.min.map(bound).filter(|&m| m > it.min()) {
                out.push(("min", Value::Int(min - 1)));
            }
            if let Some(max) = k.max.map(bound).filter(|&m| m < it.max()) {
                out.push(("max", Value::Int(max + 1)));
            }
        }
        Type::Float32 | Type::Float64 => {
            let wrap = |x: f64| if f.ty == Type::Float32 { Value::F32(x as f32) } else { Value::F64(x) };
            if let Some(min) = k.min {
                out.push(("min", wrap(min.as_f64() - 1.0)));
            }
            if let Some(max) = k.max {
                out.push(("max", wrap(max.as_f64() + 1.0)));
            }
        }
        _ => {}
    }
    out
}

/// A str, bin, list or map one over its `max_len`, when that stays within the edge cases' bounds.
fn too_long(c: &Contracts, f: &Field) -> Option<Value> {
    let n = f.constraints.max_len? as usize + 1;
    let items = matches!(f.ty, Type::List(_) | Type::Map(..));
    if n > MAX_EDGE_LEN || (items && n > MAX_REJECT_ITEMS) {
        return None;
    }
    let v = match &f.ty {
        Type::String => Value::Str(text_of_len(n)),
        Type::Bytes => Value::Bin(vec![1; n]),
        Type::List(elem) => Value::Array(vec![sample(c, elem, None, 1); n]),
        Type::Map(kt, vt) => {
            let val = sample(c, vt, None, 1);
            let keys = super::cases::map_keys(kt, n);
            if keys.len() < n {
                return None; // the key type has fewer distinct keys than that
            }
            let mut entries: Vec<(Vec<u8>, (Value, Value))> =
                keys.into_iter().map(|k| (encode(&k), (k, val.clone()))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Map(entries.into_iter().map(|(_, kv)| kv).collect())
        }
        _ => return None,
    };
    // Never heavier than a golden case may be (docs/limits.md).
    (encode(&v).len() as u64 <= MAX_CASE_BYTES).then_some(v)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Why a must-reject case must be refused, in one sentence for its twin and its reports.
pub fn why(c: &Contracts, case: &Case) -> String {
    let Origin::Reject { kind, field } = case.origin else { return String::new() };
    let m = c.message(case.message);
    let f = field.map(|fi| &m.fields[fi]);
    let name = f.map_or(String::new(), |f| f.name.clone());
    let ty = f.map_or(String::new(), |f| c.type_name(&f.ty));
    let got = f.and_then(|f| match &case.value {
        Value::Map(_) => case.value.get(&f.name).cloned(),
        Value::Array(items) => field.and_then(|fi| items.get(fi).cloned()),
        _ => None,
    });
    let got = got.map_or(String::new(), |v| v.render());
    let shape = match m.shape {
        Shape::Map => "map",
        Shape::Array => "array",
    };
    match kind {
        RejectKind::MissingKey => format!("the required key `{name}` is absent"),
        RejectKind::NilNotNullable => format!("`{name}` ({ty}) is nil, but the field is not nullable"),
        RejectKind::WrongType => format!("`{name}` is declared {ty} but holds {got}"),
        RejectKind::OutOfRange => format!("`{name}` ({ty}) is {got}, outside its {}", range_of(f)),
        RejectKind::TooLong => {
            format!("`{name}` ({ty}) is one over its max_len {}", f.and_then(|f| f.constraints.max_len).unwrap_or(0))
        }
        RejectKind::UnknownEnum => format!("`{name}` is {got}, which is not a value of {ty}"),
        RejectKind::InvalidUtf8 => format!("`{name}` is a str whose bytes are not UTF-8 (c3 28)"),
        RejectKind::DuplicateKey => "the first key of the map is written twice".into(),
        RejectKind::TooFewItems => format!("the {shape}-shaped message lacks its last required item"),
        RejectKind::TooManyItems => {
            format!("the {shape}-shaped message has one item more than its {} fields", m.fields.len())
        }
        RejectKind::TrailingBytes => "a nil (c0) follows the message".into(),
        RejectKind::Truncated => "the last byte of the message is cut off".into(),
        RejectKind::UnknownKey => {
            format!("the key `{UNKNOWN_KEY}` is not a field of {} (default policy: warn)", c.message_name(case.message))
        }
    }
}

fn range_of(f: Option<&Field>) -> String {
    let Some(f) = f else { return String::new() };
    let k = &f.constraints;
    match (&f.ty, k.min, k.max) {
        (_, None, None) => "type's range".into(),
        (Type::Int(it), min, max) => format!(
            "type's range or min/max ({}..={})",
            min.map_or(it.min().to_string(), |n| n.as_f64().to_string()),
            max.map_or(it.max().to_string(), |n| n.as_f64().to_string())
        ),
        (_, min, max) => format!(
            "min/max ({}..={})",
            min.map_or(String::new(), |n| n.as_f64().to_string()),
            max.map_or(String::new(), |n| n.as_f64().to_string())
        ),
    }
}
