//! Which values a type accepts, and how two types compare on the wire: the same, wider (new readers read
//! old data, old readers may not read new data), narrower (the reverse), or changed (neither).
//!
//! The safe cases are the ones the real libraries decode: an integer type whose range contains the other's
//! (every reader accepts every int encoding whose value fits), float32 -> float64 (readers of float64
//! accept `ca`; Go float32 readers reject `cb`), small ints -> float (serde and vmihailenco read ints as
//! floats), string-repr enum <-> string and int-repr enum <-> int (same bytes), and containers of those.
use crate::contract::{Contracts, EnumDef, EnumRepr, IntType, Type};
use std::collections::{BTreeSet, HashMap};

/// How a type compares with the previous one.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Same,
    /// New accepts everything old did, and more: breaks forward compatibility.
    Widened(String),
    /// Old accepted values that new does not: breaks backward compatibility.
    Narrowed(String),
    /// Neither contains the other: breaks both.
    Changed(String),
}

impl Verdict {
    /// The verdict of a container whose parts compare as `self` and `other`.
    pub fn and(self, other: Verdict) -> Verdict {
        match (self, other) {
            (Verdict::Same, v) | (v, Verdict::Same) => v,
            (Verdict::Changed(a), _) => Verdict::Changed(a),
            (_, Verdict::Changed(b)) => Verdict::Changed(b),
            (Verdict::Widened(a), Verdict::Widened(b)) => Verdict::Widened(format!("{a}; {b}")),
            (Verdict::Narrowed(a), Verdict::Narrowed(b)) => Verdict::Narrowed(format!("{a}; {b}")),
            (Verdict::Widened(a), Verdict::Narrowed(b)) | (Verdict::Narrowed(b), Verdict::Widened(a)) => {
                Verdict::Changed(format!("{a}, but {b}"))
            }
        }
    }
    fn map_reason(self, f: impl Fn(String) -> String) -> Verdict {
        match self {
            Verdict::Same => Verdict::Same,
            Verdict::Widened(r) => Verdict::Widened(f(r)),
            Verdict::Narrowed(r) => Verdict::Narrowed(f(r)),
            Verdict::Changed(r) => Verdict::Changed(f(r)),
        }
    }
}

/// An inclusive integer range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub lo: i128,
    pub hi: i128,
}

impl Range {
    pub fn of(t: IntType) -> Range {
        Range { lo: t.min(), hi: t.max() }
    }
    pub fn contains(self, other: Range) -> bool {
        self.lo <= other.lo && other.hi <= self.hi
    }
    pub fn intersect(self, other: Range) -> Range {
        Range { lo: self.lo.max(other.lo), hi: self.hi.min(other.hi) }
    }
}

impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..={}", self.lo, self.hi)
    }
}

/// Two contract versions side by side, with the messages the newer one renamed.
pub struct Pair<'a> {
    pub prev: &'a Contracts,
    pub cur: &'a Contracts,
    /// `package.Message` in `prev` -> `package.Message` in `cur`, for renamed messages.
    pub renamed: &'a HashMap<String, String>,
}

impl Pair<'_> {
    /// Compares a field type of the previous version with one of the current version.
    pub fn types(&self, old: &Type, new: &Type) -> Verdict {
        let (on, nn) = (self.prev.type_name(old), self.cur.type_name(new));
        match (old, new) {
            (Type::Bool, Type::Bool)
            | (Type::String, Type::String)
            | (Type::Bytes, Type::Bytes)
            | (Type::Timestamp, Type::Timestamp)
            | (Type::Float32, Type::Float32)
            | (Type::Float64, Type::Float64) => Verdict::Same,
            (Type::Int(a), Type::Int(b)) => ints(Range::of(*a), Range::of(*b), &on, &nn),
            (Type::Float32, Type::Float64) => Verdict::Widened(
                "old Go readers of float32 reject the `cb` float64 token (`invalid code=cb decoding float32`) and rmp-serde rounds it to f32".into(),
            ),
            (Type::Float64, Type::Float32) => Verdict::Narrowed(
                "old writers send `cb` float64 tokens, which new Go float32 readers reject (`invalid code=cb decoding float32`) and rmp-serde rounds".into(),
            ),
            (Type::Int(a), Type::Float32 | Type::Float64) => {
                let mantissa: i128 = if matches!(new, Type::Float32) { 1 << 24 } else { 1 << 53 };
                if a.min() >= -mantissa && a.max() <= mantissa {
                    Verdict::Widened(format!("new readers read old int tokens as floats (serde, vmihailenco), but old `{on}` readers reject float tokens"))
                } else {
                    Verdict::Changed(format!("`{on}` values beyond 2^{} lose precision as `{nn}`, and old `{on}` readers reject float tokens", if mantissa == 1 << 24 { 24 } else { 53 }))
                }
            }
            (Type::Float32 | Type::Float64, Type::Int(_)) => Verdict::Narrowed(format!(
                "old writers send float tokens (`ca`/`cb`), which new `{nn}` readers reject (serde: invalid type; msgpack-python peers reject 5.0 for ints)"
            )),
            (Type::String, Type::Bytes) | (Type::Bytes, Type::String) => Verdict::Changed(format!(
                "`{on}` travels as str and `{nn}` as bin (or the reverse): msgpack-python hands str where bytes were expected (or the reverse), rmp-serde `Vec<u8>` without serde_bytes rejects bin, and only vmihailenco accepts both"
            )),
            (Type::List(a), Type::List(b)) => self.types(a, b).map_reason(|r| format!("list elements: {r}")),
            (Type::Map(k1, v1), Type::Map(k2, v2)) => {
                let k = self.types(k1, k2).map_reason(|r| format!("map keys: {r}"));
                let v = self.types(v1, v2).map_reason(|r| format!("map values: {r}"));
                k.and(v)
            }
            (Type::Message(a), Type::Message(b)) => {
                let (a, b) = (self.prev.message_name(*a), self.cur.message_name(*b));
                if a == b || self.renamed.get(&a) == Some(&b) {
                    Verdict::Same
                } else {
                    Verdict::Changed(format!("message `{a}` became message `{b}`, another set of fields"))
                }
            }
            (Type::Enum(a), Type::Enum(b)) => {
                let (ea, eb) = (self.prev.enum_def(*a), self.cur.enum_def(*b));
                if self.prev.enum_name(*a) == self.cur.enum_name(*b) {
                    // The enum's own rules (ENUM_VALUE_*) report changes of its values.
                    Verdict::Same
                } else {
                    enums(ea, eb, &on, &nn)
                }
            }
            (Type::Enum(a), Type::String) if self.prev.enum_def(*a).repr == EnumRepr::String => Verdict::Widened(format!(
                "both travel as str, but new writers may send strings that are no value of `{on}`, which old readers reject"
            )),
            (Type::String, Type::Enum(b)) if self.cur.enum_def(*b).repr == EnumRepr::String => Verdict::Narrowed(format!(
                "both travel as str, but old writers may have sent strings that are no value of `{nn}`, which new readers reject"
            )),
            (Type::Enum(a), Type::Int(b)) if self.prev.enum_def(*a).repr == EnumRepr::Int => {
                let nums = numbers(self.prev.enum_def(*a));
                if nums.iter().all(|n| Range::of(*b).contains(Range { lo: *n, hi: *n })) {
                    Verdict::Widened(format!("both travel as int, but new writers may send numbers that are no value of `{on}`, which old readers reject"))
                } else {
                    Verdict::Changed(format!("some numbers of `{on}` do not fit `{nn}`"))
                }
            }
            (Type::Int(a), Type::Enum(b)) if self.cur.enum_def(*b).repr == EnumRepr::Int => {
                let nums = numbers(self.cur.enum_def(*b));
                if nums.iter().all(|n| Range::of(*a).contains(Range { lo: *n, hi: *n })) {
                    Verdict::Narrowed(format!("both travel as int, but old writers may have sent numbers that are no value of `{nn}`, which new readers reject"))
                } else {
                    Verdict::Changed(format!("some numbers of `{nn}` do not fit `{on}`"))
                }
            }
            _ => Verdict::Changed(format!("`{on}` travels as {} and `{nn}` as {}", family(self.prev, old), family(self.cur, new))),
        }
    }
}

/// Integer ranges: wider is readable by new readers only; rmp-serde rejects out-of-range values, Go wraps.
pub fn ints(old: Range, new: Range, on: &str, nn: &str) -> Verdict {
    if old == new {
        Verdict::Same
    } else if new.contains(old) {
        Verdict::Widened(format!(
            "new readers read every old value, but new writers may send values outside {old} that old `{on}` readers reject (rmp-serde, msgpack-python peers) or wrap silently (Go)"
        ))
    } else if old.contains(new) {
        Verdict::Narrowed(format!(
            "old writers may have sent values outside {new} that new `{nn}` readers reject (rmp-serde, msgpack-python peers) or wrap silently (Go: 300 into uint8 is 44)"
        ))
    } else {
        Verdict::Changed(format!("neither range contains the other ({on} {old}, {nn} {new})"))
    }
}

fn numbers(e: &EnumDef) -> BTreeSet<i128> {
    e.values.iter().map(|v| v.number as i128).collect()
}

/// Two different enums compare by what travels: their names (repr string) or numbers (repr int).
fn enums(a: &EnumDef, b: &EnumDef, an: &str, bn: &str) -> Verdict {
    if a.repr != b.repr {
        return Verdict::Changed(format!("`{an}` and `{bn}` have different reprs (str vs int)"));
    }
    let wire = |e: &EnumDef| -> BTreeSet<String> {
        e.values
            .iter()
            .map(|v| if e.repr == EnumRepr::String { v.name.clone() } else { v.number.to_string() })
            .collect()
    };
    let (wa, wb) = (wire(a), wire(b));
    if wa == wb {
        Verdict::Same
    } else if wb.is_superset(&wa) {
        Verdict::Widened(format!("`{bn}` has values `{an}` lacks, which old readers reject"))
    } else if wa.is_superset(&wb) {
        Verdict::Narrowed(format!("`{an}` has values `{bn}` lacks, which new readers reject in old data"))
    } else {
        Verdict::Changed(format!("`{an}` and `{bn}` have different values"))
    }
}

/// The MessagePack family a type travels as, for messages.
fn family(c: &Contracts, t: &Type) -> &'static str {
    match t {
        Type::Bool => "bool",
        Type::Int(_) => "int",
        Type::Float32 => "float32",
        Type::Float64 => "float64",
        Type::String => "str",
        Type::Bytes => "bin",
        Type::Timestamp => "ext -1 (timestamp)",
        Type::List(_) => "array",
        Type::Map(..) => "map",
        Type::Named(_) => "an unresolved name",
        Type::Enum(id) => match c.enum_def(*id).repr {
            EnumRepr::String => "str (enum)",
            EnumRepr::Int => "int (enum)",
        },
        Type::Message(id) => match c.message(*id).shape {
            crate::contract::Shape::Map => "map (message)",
            crate::contract::Shape::Array => "array (message)",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_ranges() {
        let r = |t| Range::of(t);
        assert!(matches!(ints(r(IntType::U8), r(IntType::U16), "uint8", "uint16"), Verdict::Widened(_)));
        assert!(matches!(ints(r(IntType::I32), r(IntType::I64), "int32", "int64"), Verdict::Widened(_)));
        assert!(matches!(ints(r(IntType::U8), r(IntType::I16), "uint8", "int16"), Verdict::Widened(_)));
        assert!(matches!(ints(r(IntType::U16), r(IntType::U8), "uint16", "uint8"), Verdict::Narrowed(_)));
        assert!(matches!(ints(r(IntType::U32), r(IntType::I32), "uint32", "int32"), Verdict::Changed(_)));
        assert!(matches!(ints(r(IntType::I8), r(IntType::U8), "int8", "uint8"), Verdict::Changed(_)));
    }

    #[test]
    fn containers_combine() {
        let w = Verdict::Widened("a".into());
        let n = Verdict::Narrowed("b".into());
        assert_eq!(Verdict::Same.and(w.clone()), w);
        assert!(matches!(w.and(n), Verdict::Changed(_)));
    }
}
