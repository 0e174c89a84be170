//! A decoded payload read back into the canonical shape of its message type.
//!
//! Readers must be liberal (every valid encoding of a value is the same value), so to compare what a peer
//! wrote with what the contract expects, the peer's bytes are decoded and re-shaped the way the contract
//! shapes a value: fields in declared order, the declared float width, sorted map keys. What cannot be
//! re-shaped (a str for bytes, an unknown field, an array for a map-shaped message) is a [`Mismatch`]
//! at a field path.
use crate::classes::Class;
use crate::contract::{same_name_loosely, Contracts, EnumRepr, Field, MsgId, Shape, Type};
use crate::wire::{encode, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    pub path: String,
    pub class: Class,
    pub reason: String,
}

fn mismatch(path: &str, class: Class, reason: impl Into<String>) -> Mismatch {
    Mismatch { path: path.to_string(), class, reason: reason.into() }
}

/// `v` (decoded from a peer's bytes) as the canonical value of message `id`.
pub fn message(c: &Contracts, id: MsgId, v: &Value, path: &str) -> Result<Value, Mismatch> {
    let m = c.message(id);
    let name = c.message_name(id);
    match (m.shape, v) {
        (Shape::Map, Value::Map(entries)) => {
            for (k, _) in entries {
                match k {
                    Value::Str(s) if m.fields.iter().any(|f| &f.name == s) => {}
                    Value::Str(s) => {
                        return Err(match m.fields.iter().find(|f| same_name_loosely(&f.name, s)) {
                            Some(f) => mismatch(
                                &format!("{path}.{s}"),
                                Class::FieldName,
                                format!("field `{}` of {name} is written as `{s}`", f.name),
                            ),
                            None => mismatch(
                                &format!("{path}.{s}"),
                                Class::UnknownField,
                                format!("unknown field `{s}` in {name}"),
                            ),
                        })
                    }
                    other => {
                        return Err(mismatch(
                            path,
                            Class::UnknownField,
                            format!("a {} key in {name}; field keys are str", other.kind()),
                        ))
                    }
                }
            }
            let mut out = Vec::with_capacity(m.fields.len());
            for f in &m.fields {
                let sub = format!("{path}.{}", f.name);
                let found: Vec<&Value> = entries
                    .iter()
                    .filter(|(k, _)| matches!(k, Value::Str(s) if *s == f.name))
                    .map(|(_, v)| v)
                    .collect();
                match found.as_slice() {
                    [] if f.optional => {}
                    [] => return Err(missing(f, &sub, None)),
                    [v] => out.push((Value::Str(f.name.clone()), field(c, f, v, &sub)?)),
                    _ => {
                        return Err(mismatch(
                            &sub,
                            Class::ValueChanged,
                            format!("field `{}` appears {} times", f.name, found.len()),
                        ))
                    }
                }
            }
            Ok(Value::Map(out))
        }
        (Shape::Array, Value::Array(items)) => {
            if items.len() > m.fields.len() {
                return Err(mismatch(
                    path,
                    Class::ValueChanged,
                    format!("{} items for the {} fields of {name}", items.len(), m.fields.len()),
                ));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, f) in m.fields.iter().enumerate() {
                let sub = format!("{path}.{}", f.name);
                match items.get(i) {
                    Some(v) => out.push(field(c, f, v, &sub)?),
                    None if f.optional => {}
                    None => return Err(missing(f, &sub, Some(items.len()))),
                }
            }
            Ok(Value::Array(out))
        }
        (Shape::Map, Value::Array(items)) => Err(mismatch(
            path,
            Class::ArrayVsMap,
            format!("an array of {} items where {name} is a map keyed by field names", items.len()),
        )),
        (Shape::Array, Value::Map(_)) => {
            Err(mismatch(path, Class::ArrayVsMap, format!("a map where {name} is a positional array")))
        }
        (_, other) => {
            Err(mismatch(path, Class::ValueChanged, format!("a {} where the message {name} is expected", other.kind())))
        }
    }
}

fn field(c: &Contracts, f: &Field, v: &Value, path: &str) -> Result<Value, Mismatch> {
    if *v == Value::Nil {
        return if f.nullable {
            Ok(Value::Nil)
        } else {
            Err(mismatch(
                path,
                Class::NilVsAbsent,
                format!(
                    "nil, but `{}` is not nullable{}",
                    f.name,
                    if f.optional { " (it is optional: leave the key out)" } else { "" }
                ),
            ))
        };
    }
    typed(c, &f.ty, v, path)
}

pub fn typed(c: &Contracts, ty: &Type, v: &Value, path: &str) -> Result<Value, Mismatch> {
    let tn = || c.type_name(ty);
    let wrong = || mismatch(path, kind_class(ty, v), format!("a {} where {} is declared", v.kind(), tn()));
    Ok(match (ty, v) {
        (Type::Bool, Value::Bool(_)) => v.clone(),
        (Type::Int(it), Value::Int(i)) => {
            if *i < it.min() || *i > it.max() {
                return Err(mismatch(path, Class::IntRange, format!("{i} is out of range for {}", tn())));
            }
            v.clone()
        }
        (Type::Float32, Value::F32(_)) | (Type::Float64, Value::F64(_)) => v.clone(),
        (Type::Float32, Value::F64(x)) => {
            if x.is_nan() || (*x as f32) as f64 == *x {
                Value::F32(*x as f32)
            } else {
                return Err(mismatch(path, Class::FloatWidth, format!("{x} (float64) is not a float32 value")));
            }
        }
        (Type::Float64, Value::F32(x)) => Value::F64(*x as f64),
        (Type::String, Value::Str(_)) | (Type::Bytes, Value::Bin(_)) | (Type::Timestamp, Value::Timestamp(_)) => {
            v.clone()
        }
        (Type::Enum(id), _) => {
            let e = c.enum_def(*id);
            let ok = match (e.repr, v) {
                (EnumRepr::String, Value::Str(s)) => e.values.iter().any(|x| &x.name == s),
                (EnumRepr::Int, Value::Int(n)) => e.values.iter().any(|x| x.number as i128 == *n),
                _ => return Err(wrong()),
            };
            if !ok {
                return Err(mismatch(path, Class::ValueChanged, format!("{} is not a value of {}", v.render(), tn())));
            }
            v.clone()
        }
        (Type::List(elem), Value::Array(items)) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| typed(c, elem, x, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        (Type::Map(kt, vt), Value::Map(entries)) => {
            let mut out: Vec<(Vec<u8>, (Value, Value))> = Vec::with_capacity(entries.len());
            for (k, x) in entries {
                let key = typed(c, kt, k, &format!("{path}[{}]", k.render()))?;
                let val = typed(c, vt, x, &format!("{path}[{}]", k.render()))?;
                out.push((encode(&key), (key, val)));
            }
            out.sort_by(|a, b| a.0.cmp(&b.0));
            if out.windows(2).any(|w| w[0].0 == w[1].0) {
                return Err(mismatch(path, Class::ValueChanged, "the same key appears twice"));
            }
            Value::Map(out.into_iter().map(|(_, kv)| kv).collect())
        }
        (Type::Message(id), _) => message(c, *id, v, path)?,
        _ => return Err(wrong()),
    })
}

/// A required field that is not there: dropped, or (for a zero value) left out the way Go's `omitempty`
/// and rmp-serde's `skip_serializing_if` do.
fn missing(f: &Field, path: &str, items: Option<usize>) -> Mismatch {
    let at = items.map_or(String::new(), |n| format!(" (the array has {n} items)"));
    if f.nullable {
        return mismatch(
            path,
            Class::NilVsAbsent,
            format!("`{}` is left out, but it is required (nullable, so nil is allowed; absent is not){at}", f.name),
        );
    }
    mismatch(path, Class::FieldMissing, format!("required field `{}` is missing{at}", f.name))
}

/// The class of a value of the wrong kind for its declared type.
fn kind_class(ty: &Type, v: &Value) -> Class {
    match (ty, v) {
        (Type::String, Value::Bin(_)) | (Type::Bytes, Value::Str(_)) => Class::BinVsStr,
        (Type::Bytes, Value::Array(_)) => Class::BytesAsArray,
        (Type::Int(_), Value::F32(_) | Value::F64(_)) | (Type::Float32 | Type::Float64, Value::Int(_)) => {
            Class::IntVsFloat
        }
        (Type::Timestamp, _) => Class::TimestampForm,
        (Type::Enum(_), Value::Int(_) | Value::Str(_)) => Class::EnumRepr,
        (Type::List(_) | Type::Map(..), Value::Nil) | (_, Value::Nil) => Class::NilVsAbsent,
        (Type::Message(_), Value::Array(_) | Value::Map(_)) => Class::ArrayVsMap,
        _ => Class::ValueChanged,
    }
}

/// The path of the first place where two canonical values differ, with both sides rendered.
pub fn first_difference(expected: &Value, actual: &Value, path: &str) -> Option<(String, String, String)> {
    match (expected, actual) {
        (Value::Map(a), Value::Map(b)) => {
            for (ka, va) in a {
                let sub = match ka {
                    Value::Str(s) => format!("{path}.{s}"),
                    k => format!("{path}[{}]", k.render()),
                };
                match b.iter().find(|(kb, _)| kb.same(ka)) {
                    Some((_, vb)) => {
                        if let Some(d) = first_difference(va, vb, &sub) {
                            return Some(d);
                        }
                    }
                    None => return Some((sub, va.render(), "(absent)".into())),
                }
            }
            b.iter().find(|(kb, _)| !a.iter().any(|(ka, _)| ka.same(kb))).map(|(kb, vb)| {
                let sub = match kb {
                    Value::Str(s) => format!("{path}.{s}"),
                    k => format!("{path}[{}]", k.render()),
                };
                (sub, "(absent)".into(), vb.render())
            })
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                if let Some(d) = first_difference(x, y, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            (a.len() != b.len()).then(|| (path.to_string(), format!("{} items", a.len()), format!("{} items", b.len())))
        }
        _ if expected.same(actual) => None,
        _ => Some((path.to_string(), expected.render(), actual.render())),
    }
}
