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
    AcceptsInvalid = "accepts-invalid", "a payload the contract forbids was accepted instead of refused";
}

macro_rules! reject_kinds {
    ($($variant:ident = $id:literal, $title:literal;)*) => {
        /// The kinds of must-reject payloads golden derives (`reject.<kind>...` cases): each is a payload the
        /// contract forbids, which every peer must answer with `decode-error`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum RejectKind { $($variant),* }
        impl RejectKind {
            pub const ALL: &'static [RejectKind] = &[$(RejectKind::$variant),*];
            pub fn id(self) -> &'static str { match self { $(RejectKind::$variant => $id),* } }
            pub fn title(self) -> &'static str { match self { $(RejectKind::$variant => $title),* } }
            pub fn parse(s: &str) -> Option<RejectKind> { RejectKind::ALL.iter().copied().find(|c| c.id() == s) }
        }
    };
}

reject_kinds! {
    MissingKey = "missing-key", "a required key absent";
    NilNotNullable = "nil-not-nullable", "nil where the field is not nullable";
    WrongType = "wrong-type", "a value of another MessagePack type than the field's";
    OutOfRange = "out-of-range", "an integer outside its type's range or its min/max";
    TooLong = "too-long", "a str, bin, list or map over its max_len";
    UnknownEnum = "unknown-enum", "an enum name or number that does not exist";
    InvalidUtf8 = "invalid-utf8", "invalid UTF-8 in a str";
    DuplicateKey = "duplicate-key", "a map key written twice";
    TooFewItems = "too-few-items", "an array-shaped message with fewer items than its required fields";
    TooManyItems = "too-many-items", "an array-shaped message with more items than its fields";
    TrailingBytes = "trailing-bytes", "bytes after the message";
    Truncated = "truncated", "a payload cut short";
    UnknownKey = "unknown-key", "a key the contract does not declare in a map-shaped message";
}

impl RejectKind {
    /// The policy key of this kind (`accepts-unknown-key`): it overrides the class `accepts-invalid`.
    pub fn policy_key(self) -> String {
        format!("accepts-{}", self.id())
    }
}

/// What a policy entry names: a class, or one kind of must-reject payload (`accepts-unknown-key`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKey {
    Class(Class),
    Reject(RejectKind),
}

impl PolicyKey {
    pub fn parse(s: &str) -> Option<PolicyKey> {
        if let Some(c) = Class::parse(s) {
            return Some(PolicyKey::Class(c));
        }
        s.strip_prefix("accepts-").and_then(RejectKind::parse).map(PolicyKey::Reject)
    }

    /// Every key a policy may name, for did-you-mean and error messages.
    pub fn all_ids() -> Vec<String> {
        let classes = Class::ALL.iter().map(|c| c.id().to_string());
        classes.chain(RejectKind::ALL.iter().map(|k| k.policy_key())).collect()
    }
}

/// What a class of finding does to the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gate {
    Fail,
    Warn,
    /// The finding is reported in the JSON and JUnit reports but passes, silently in the terminal.
    Allow,
}

impl Gate {
    pub fn parse(s: &str) -> Option<Gate> {
        match s {
            "fail" => Some(Gate::Fail),
            "warn" => Some(Gate::Warn),
            "allow" => Some(Gate::Allow),
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

/// The default for a peer that accepts a must-reject payload of `kind`: it fails, except an unknown key in a
/// map-shaped message, which warns (many services ignore unknown keys on purpose: it is what lets a writer
/// add an optional field before every reader knows it, docs/breaking.md).
pub fn default_reject_gate(kind: RejectKind) -> Gate {
    match kind {
        RejectKind::UnknownKey => Gate::Warn,
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

    #[test]
    fn policy_keys_name_classes_and_reject_kinds() {
        assert_eq!(PolicyKey::parse("int-width"), Some(PolicyKey::Class(Class::IntWidth)));
        assert_eq!(PolicyKey::parse("accepts-invalid"), Some(PolicyKey::Class(Class::AcceptsInvalid)));
        assert_eq!(PolicyKey::parse("accepts-unknown-key"), Some(PolicyKey::Reject(RejectKind::UnknownKey)));
        assert_eq!(PolicyKey::parse("accepts-nothing"), None);
        for k in RejectKind::ALL {
            assert_eq!(PolicyKey::parse(&k.policy_key()), Some(PolicyKey::Reject(*k)));
            assert_eq!(RejectKind::parse(k.id()), Some(*k));
        }
        assert_eq!(default_reject_gate(RejectKind::UnknownKey), Gate::Warn);
        assert_eq!(default_reject_gate(RejectKind::DuplicateKey), Gate::Fail);
    }
}
