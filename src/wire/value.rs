//! The MessagePack data model as msgpact sees it.
use super::Timestamp;

/// A MessagePack value. Integers of every width are one variant (`i128` holds both `i64::MIN` and
/// `u64::MAX`); the float width is kept because the contract says which one a field has.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Nil,
    Bool(bool),
    Int(i128),
    F32(f32),
    F64(f64),
    Str(String),
    Bin(Vec<u8>),
    Array(Vec<Value>),
    Map(Vec<(Value, Value)>),
    Timestamp(Timestamp),
    Ext(i8, Vec<u8>),
}

impl Value {
    /// A short name of the value's kind, for messages ("str", "int", "map"...).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::F32(_) => "float32",
            Value::F64(_) => "float64",
            Value::Str(_) => "str",
            Value::Bin(_) => "bin",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::Timestamp(_) => "timestamp",
            Value::Ext(..) => "ext",
        }
    }

    /// The value of `key` in a map with string keys.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| matches!(k, Value::Str(s) if s == key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Equality of the values themselves, whatever their encoding: NaN equals NaN (same bits class),
    /// and map entries are compared in order (callers that ignore order sort first).
    pub fn same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::F32(a), Value::F32(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Value::F64(a), Value::F64(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y)),
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|((ka, va), (kb, vb))| ka.same(kb) && va.same(vb))
            }
            _ => self == other,
        }
    }

    /// A readable one-line rendering, with long strings and byte strings shortened.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    fn render_into(&self, out: &mut String) {
        use std::fmt::Write;
        match self {
            Value::Nil => out.push_str("nil"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::F32(f) => render_float(out, *f as f64, "f32", f.to_string()),
            Value::F64(f) => render_float(out, *f, "f64", f.to_string()),
            Value::Str(s) => render_str(out, s),
            Value::Bin(b) => {
                let _ = write!(out, "bin[{}]", b.len());
                if !b.is_empty() {
                    out.push(' ');
                    out.push_str(&super::format::hex_short(b, 16));
                }
            }
            Value::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if i == 8 && items.len() > 10 {
                        let _ = write!(out, "… {} more", items.len() - 8);
                        break;
                    }
                    v.render_into(out);
                }
                out.push(']');
            }
            Value::Map(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if i == 8 && entries.len() > 10 {
                        let _ = write!(out, "… {} more", entries.len() - 8);
                        break;
                    }
                    match k {
                        Value::Str(s) if is_plain_key(s) => out.push_str(s),
                        _ => k.render_into(out),
                    }
                    out.push_str(": ");
                    v.render_into(out);
                }
                out.push('}');
            }
            Value::Timestamp(t) => out.push_str(&t.to_rfc3339()),
            Value::Ext(t, d) => {
                let _ = write!(out, "ext({t}, {})", super::format::hex_short(d, 16));
            }
        }
    }
}

fn render_float(out: &mut String, f: f64, suffix: &str, shortest: String) {
    use std::fmt::Write;
    if f.is_nan() {
        let _ = write!(out, "NaN_{suffix}");
    } else if f.is_infinite() {
        let _ = write!(out, "{}inf_{suffix}", if f < 0.0 { "-" } else { "" });
    } else if shortest.contains(['.', 'e']) {
        let _ = write!(out, "{shortest}_{suffix}");
    } else {
        let _ = write!(out, "{shortest}.0_{suffix}");
    }
}

fn render_str(out: &mut String, s: &str) {
    const MAX: usize = 48;
    let n = s.chars().count();
    let shown: String = s.chars().take(MAX).collect();
    out.push_str(&format!("{shown:?}"));
    if n > MAX {
        out.pop();
        out.push_str(&format!("…\" ({} bytes)", s.len()));
    }
}

fn is_plain_key(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_readably() {
        let v = Value::Map(vec![
            (Value::Str("user_id".into()), Value::Str("u1".into())),
            (Value::Str("n".into()), Value::Int(5)),
            (Value::Str("t".into()), Value::F32(0.5)),
            (Value::Str("b".into()), Value::Bin(vec![1, 2])),
        ]);
        assert_eq!(v.render(), r#"{user_id: "u1", n: 5, t: 0.5_f32, b: bin[2] 01 02}"#);
    }

    #[test]
    fn long_strings_are_shortened_with_their_length() {
        let v = Value::Str("a".repeat(300));
        let r = v.render();
        assert!(r.ends_with("…\" (300 bytes)"), "{r}");
        assert!(r.len() < 70);
    }

    #[test]
    fn nan_is_the_same_value_as_nan() {
        assert!(Value::F64(f64::NAN).same(&Value::F64(f64::NAN)));
        assert!(!Value::F64(1.0).same(&Value::F32(1.0)));
    }
}
