//! What the contract says about a field, in the terms every generator's documentation uses: whether it may
//! be absent or nil, what its length counts, which special floats it allows. Each language words these
//! facts its own way (`nil = absent` in Go, `None when the key is absent` in Python), but decides them here,
//! so that the three generated packages never disagree about a field.
use crate::contract::{Constraints, Field, Type};

/// Whether a field may be absent (optional) and whether it may be nil (nullable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never nil.
    Required,
    /// May be absent; never nil.
    Optional,
    /// Always present (the key is always sent); may be nil.
    Nullable,
    /// Absent, nil or a value: three states.
    OptionalNullable,
}

pub fn presence(f: &Field) -> Presence {
    match (f.optional, f.nullable) {
        (false, false) => Presence::Required,
        (true, false) => Presence::Optional,
        (false, true) => Presence::Nullable,
        (true, true) => Presence::OptionalNullable,
    }
}

/// What `min_len`/`max_len` count for a type: UTF-8 bytes of a string, bytes, list items or map entries;
/// `None` for a type that has no length.
pub fn length_unit(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::String => Some("bytes of UTF-8"),
        Type::Bytes => Some("bytes"),
        Type::List(_) => Some("items"),
        Type::Map(..) => Some("entries"),
        _ => None,
    }
}

/// The special float values a field accepts beyond the finite ones, as documentation words.
pub fn float_allowances(k: &Constraints) -> Vec<&'static str> {
    let mut out = Vec::new();
    if k.allow_nan {
        out.push("NaN allowed");
    }
    if k.allow_infinity {
        out.push("infinities allowed");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::IntType;

    #[test]
    fn lengths_count_what_the_wire_counts() {
        assert_eq!(length_unit(&Type::String), Some("bytes of UTF-8"));
        assert_eq!(length_unit(&Type::List(Box::new(Type::Bool))), Some("items"));
        assert_eq!(length_unit(&Type::Map(Box::new(Type::String), Box::new(Type::Bool))), Some("entries"));
        assert_eq!(length_unit(&Type::Int(IntType::U8)), None);
        let k = Constraints { allow_infinity: true, ..Constraints::default() };
        assert_eq!(float_allowances(&k), ["infinities allowed"]);
    }
}
