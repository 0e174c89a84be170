//! The classes of interop bugs msgpact tells apart, in one registry.
//!
//! Every disagreement between a peer and the contract is put in one class (INTEROP.md lists the library
//! defaults behind them), so that a report can say what kind of bug it is and how to fix it in the peer's
//! own library, and so that policy can say which classes fail the gate and which only warn.
use serde::Serialize;

macro_rules! classes {
    ($($variant:ident = $id:literal, $title:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum Class { $($variant),* }
        impl Class {
            pub const ALL: &'static [Class] = &[$(Class::$variant),*];
            pub fn id(self) -> &'static str { match self { $(Class::$variant => $id),* } }
            pub fn title(self) -> &'static str { match self { $(Class::$variant => $title),* } }
            pub fn parse(s: &str) -> Option<Class> { Class::ALL.iter().copied().find(|c| c.id() == s) }
        }
    };
}

classes! {
    FieldName = "field-name", "a field travels under another name (UserID for user_id)";
    FieldMissing = "field-missing", "a field the contract requires is not written";
    UnknownField = "unknown-field", "a field the contract does not declare is written";
    FieldOrder = "field-order", "message fields in another order than declared";
    IntWidth = "int-width", "an integer in a wider format than its value needs (int64 for 5)";
    LengthFormat = "length-format", "a str, bin, array or map header wider than its length needs";
    BinVsStr = "bin-vs-str", "bytes written as str or text written as bin";
    BytesAsArray = "bytes-as-array", "bytes written as an array of integers";
    ArrayVsMap = "array-vs-map", "a message written as an array where it is a map, or the reverse";
    NilVsAbsent = "nil-vs-absent", "nil where the key should be absent or hold a value, or a key left out where nil or a value is required";
    EnumRepr = "enum-repr", "an enum as its index where the contract sends its name, or the reverse";
    TimestampForm = "timestamp-form", "a timestamp as text or a number, or in a wider ext -1 form than needed";
    FloatWidth = "float-width", "float64 where float32 is declared, or the reverse";
    IntVsFloat = "int-vs-float", "a float where an integer is declared, or the reverse";
    MapKeyOrder = "map-key-order", "map<K,V> keys not sorted by their encoded bytes";
    MapKeyType = "map-key-type", "integer map keys a reader refuses (msgpack-python's strict_map_key)";
    IntRange = "int-range", "an integer out of its type's range, or wrapped around";
    ValueChanged = "value-changed", "another value than the one sent";
}

/// What a class of finding does to the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gate {
    Fail,
    Warn,
}

impl Gate {
    pub fn parse(s: &str) -> Option<Gate> {
        match s {
            "fail" => Some(Gate::Fail),
            "warn" => Some(Gate::Warn),
            _ => None,
        }
    }
}

/// The default policy: every class fails the gate, except the key order of `map<K,V>` fields, which warns.
pub fn default_gate(class: Class) -> Gate {
    match class {
        Class::MapKeyOrder => Gate::Warn,
        _ => Gate::Fail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_parse_back() {
        for c in Class::ALL {
            assert_eq!(Class::parse(c.id()), Some(*c));
        }
        let mut ids: Vec<_> = Class::ALL.iter().map(|c| c.id()).collect();
        ids.dedup();
        assert_eq!(ids.len(), Class::ALL.len());
    }
}
