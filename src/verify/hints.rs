//! How to fix each class of finding, said in the peer's own library terms.
use crate::classes::{Class, RejectKind};
use crate::contract::{Field, Type};

/// The hint for a reply that is not well-formed MessagePack (`Detail::malformed`): no class's usual remedy
/// fits, since what was read after the bad header is not what the peer meant to write.
pub fn malformed_hint(language: &str, field: Option<&str>) -> String {
    let f = field.unwrap_or("the value");
    let lib = match language.to_ascii_lowercase().as_str() {
        "python" => "msgpack.packb writes headers that fit: look for bytes built by hand, a `default` hook or an ExtType",
        "go" => "msgpack.Marshal writes headers that fit: look for a custom EncodeMsgpack or bytes written to the Encoder by hand",
        "rust" => "rmp-serde writes headers that fit: look for a hand-written Serialize or an rmp::encode::write_*_len call",
        _ => "the library's own encoder writes headers that fit: look for bytes the peer builds by hand",
    };
    format!(
        "the peer wrote bytes that are not well-formed MessagePack at {f}: a header does not fit the bytes after it \
         (a str or bin length counts bytes, not characters; an array or map header counts items); {lib}"
    )
}

/// A fix hint for `class` in a peer written in `language` (`rust`, `python`, `go`, anything else), about
/// `field` (the contract's name for it) when known.
pub fn hint(class: Class, language: &str, field: Option<&str>) -> String {
    let f = field.unwrap_or("the field");
    let lang = language.to_ascii_lowercase();
    let by = |rust: &str, python: &str, go: &str, other: &str| -> String {
        match lang.as_str() {
            "rust" => rust.to_string(),
            "python" => python.to_string(),
            "go" => go.to_string(),
            _ => other.to_string(),
        }
    };
    match class {
        Class::FieldName => by(
            &format!("name the wire key `{f}`: `#[serde(rename = \"{f}\")]` on the struct field"),
            &format!("use the key \"{f}\" in the dict you pack"),
            &format!("tag the struct field `msgpack:\"{f}\"` (vmihailenco uses the Go field name when there is no tag)"),
            &format!("write the field under its contract name `{f}`"),
        ),
        Class::FieldMissing => by(
            &format!("write `{f}` always: add it to the struct, and no `skip_serializing_if` on required fields"),
            &format!("put \"{f}\" in the dict you pack, also when its value is empty or zero"),
            &format!("add the field with `msgpack:\"{f}\"` and no `omitempty` (omitempty drops zero values)"),
            &format!("write `{f}` in every payload: the contract requires it"),
        ),
        Class::UnknownField => "remove the field from what the peer writes, or add it to the contract (as optional, so older readers still agree)".into(),
        Class::FieldOrder => "write the fields in the contract's declared order (the order of the struct's fields or of the dict's keys)".into(),
        Class::IntWidth => by(
            "write integers in their smallest form (rmp-serde's serializer does; check hand-written rmp::encode calls)",
            "write integers in their smallest form (msgpack.packb does; check a custom Packer or ExtType)",
            "encode with a msgpack.Encoder and `enc.UseCompactInts(true)`: msgpack.Marshal writes int64/uint32... at full width",
            "write every integer in its smallest MessagePack format",
        ),
        Class::LengthFormat => "write str, bin, array and map headers in their smallest format (fixstr below 32 bytes, str8 below 256...)".into(),
        Class::BinVsStr => by(
            "bytes fields: `serde_bytes::ByteBuf` or `#[serde(with = \"serde_bytes\")]`; text fields: String",
            "pack with `use_bin_type=True` (the default of msgpack 1.x), bytes for bytes fields and str for text; unpack with `raw=False`",
            "use `[]byte` for bytes fields and `string` for text fields",
            "send bytes fields as bin and text as str",
        ),
        Class::BytesAsArray => by(
            &format!("`Vec<u8>` serializes as an array of ints: add `#[serde(with = \"serde_bytes\")]` to `{f}` or use `serde_bytes::ByteBuf`"),
            "pass a bytes object, not a list of ints",
            "use a `[]byte` field, not `[]uint8` in an interface{} or a []int",
            "send bytes as bin, not as an array of integers",
        ),
        Class::ArrayVsMap => by(
            "`rmp_serde::to_vec` writes structs as arrays: use `rmp_serde::to_vec_named` (or `Serializer::with_struct_map()`)",
            "pack a dict keyed by field names, not a list or tuple",
            "drop `msgpack:\",as_array\"` and `UseArrayEncodedStructs`: the contract's message is a map",
            "write the message in its contract shape (map keyed by field names, or positional array)",
        ),
        Class::NilVsAbsent => by(
            "absent optional fields: `#[serde(skip_serializing_if = \"Option::is_none\")]`; required lists: `Vec<T>`, not `Option<Vec<T>>` (None is nil)",
            "leave an absent optional field's key out instead of packing None; use [] or b\"\" rather than None for required values",
            "`omitempty` drops zero values and nil slices/maps encode as nil: no omitempty on required fields, initialise slices to empty; pointer + omitempty for optional",
            "optional means the key may be absent; nullable means the value may be nil: keep them apart",
        ),
        Class::EnumRepr => by(
            "serialize the enum as its contract representation: unit variants as names (serde's default), or numbers with `serde_repr` for `repr: int`; rmp-serde also reads an index as the first variants silently",
            "pack `member.name` for `repr: string` enums (an IntEnum packs as its int) and the number for `repr: int`",
            "encode the enum as its name string for `repr: string`, or as an integer for `repr: int`",
            "send the enum as the contract says: its name (repr: string) or its number (repr: int)",
        ),
        Class::TimestampForm => by(
            "rmp-serde has no timestamp type (chrono writes RFC 3339 text): write ext -1 through `_ExtStruct`, or use the generated `rt::Timestamp`",
            "pack datetimes with `msgpack.packb(..., datetime=True)` (tz-aware) or `msgpack.Timestamp`; unpack with `timestamp=3` keeps only microseconds, use `timestamp=0`/Timestamp for ns",
            "use `time.Time` (vmihailenco writes ext -1); don't send Unix seconds or formatted strings",
            "send timestamps as MessagePack ext -1 in the smallest of the 32/64/96-bit forms",
        ),
        Class::FloatWidth => by(
            &format!("declare `{f}` as f32 (float32) or f64 (float64) as the contract says"),
            "pack float32 fields as float32: `Packer(use_single_float=True)` applies to every float, so pack that field with struct `>Bf` 0xca, or use the generated types",
            &format!("declare `{f}` as float32 or float64 as the contract says"),
            "write float32 fields as float32 (ca) and float64 fields as float64 (cb)",
        ),
        Class::IntVsFloat => by(
            "use an integer type for integer fields and a float type for float fields",
            "keep integers as int (5, not 5.0) and floats as float (5.0, not 5)",
            "use integer types for integer fields; don't enable `UseCompactFloats` (it writes 5.0 as 5)",
            "integers and floats are different types on the wire",
        ),
        Class::MapKeyOrder => by(
            "sort map keys by their encoded bytes (a BTreeMap sorts by value, not by encoding; the generated `rt::Map` does it)",
            "build the dict in the order of the keys' encoded bytes (shorter strings first)",
            "Go maps iterate in random order: sort the keys by their encoded bytes before encoding (or use the generated types)",
            "write map<K,V> keys sorted by their encoded bytes",
        ),
        Class::MapKeyType => by(
            "integer map keys are valid MessagePack; the Python peer must read them",
            "unpack with `strict_map_key=False` to read integer map keys (msgpack 1.x refuses them by default)",
            "integer map keys are valid MessagePack; the Python peer must read them",
            "read integer map keys: msgpack-python needs `strict_map_key=False`",
        ),
        Class::IntRange => by(
            &format!("declare `{f}` with the contract's integer type: rmp-serde refuses values out of range"),
            &format!("check `{f}` against the contract's range before packing"),
            &format!("declare `{f}` with a Go type as wide as the contract's (vmihailenco wraps 300 into uint8 as 44, u64::MAX into int64 as -1, silently)"),
            &format!("use a type for `{f}` as wide as the contract's"),
        ),
        Class::ValueChanged => format!("the peer changed the value of {f}: check how it converts this field"),
        Class::AcceptsInvalid => "refuse payloads the contract forbids: decode with the generated types, which check what the library lets through".into(),
    }
}

/// What a peer wrote at a field whose presence is in question (`nil-vs-absent`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// The key is there, with nil.
    Nil,
    /// The key is not there.
    Absent,
}

/// The fix hint for `class` about `field`, specialised where the generic text of [`hint`] would be wrong or
/// thin for this field: nil-vs-absent says the one remedy that fits the field (nullable, optional, or
/// neither) and what the peer wrote (`written`); a changed timestamp in Python says where the nanoseconds
/// went. Otherwise [`hint`].
pub fn hint_for(class: Class, language: &str, field: Option<&Field>, written: Option<Written>) -> String {
    let lang = language.to_ascii_lowercase();
    match (class, field) {
        (Class::NilVsAbsent, Some(f)) => {
            nil_vs_absent(&lang, f, written).unwrap_or_else(|| hint(class, language, Some(&f.name)))
        }
        (Class::ValueChanged, Some(f)) if f.ty == Type::Timestamp && lang == "python" => format!(
            "`{}` is a timestamp with nanoseconds and a Python `datetime` holds microseconds: `unpackb(timestamp=3)` \
             and `packb(datetime=True)` cut them. Unpack with `timestamp=0` (a `msgpack.Timestamp`: seconds and \
             nanoseconds) and pack that Timestamp back (ext -1), or use the generated types",
            f.name
        ),
        _ => hint(class, language, field.map(|f| f.name.as_str())),
    }
}

/// The one remedy for a nil/absent mix-up at `f`, from what the contract says of it and what was written.
fn nil_vs_absent(lang: &str, f: &Field, written: Option<Written>) -> Option<String> {
    let n = &f.name;
    let list = matches!(f.ty, Type::List(_) | Type::Map(..));
    let text = match (f.optional, f.nullable, written?) {
        // Nullable and required: the key must be there, nil when there is no value.
        (false, true, Written::Absent) => match lang {
            "python" => format!("`{n}` is nullable, not optional: keep the key and pack None (`\"{n}\": None`); do not drop None values from the dict"),
            "go" => format!("`{n}` is nullable, not optional: remove `omitempty` from its tag, so that a nil pointer goes out as nil"),
            "rust" => format!("`{n}` is nullable, not optional: remove `skip_serializing_if` from it, so that `None` goes out as nil"),
            _ => format!("`{n}` is nullable, not optional: write the key, with nil when there is no value"),
        },
        // Optional and not nullable: leave the key out, never nil.
        (true, false, Written::Nil) => match lang {
            "python" => format!("`{n}` is optional, not nullable: leave the key out when there is no value instead of packing None"),
            "go" => format!("`{n}` is optional, not nullable: make it a pointer (or slice/map) with `omitempty`, so that no value leaves the key out"),
            "rust" => format!("`{n}` is optional, not nullable: add `#[serde(skip_serializing_if = \"Option::is_none\")]`, so that `None` leaves the key out"),
            _ => format!("`{n}` is optional, not nullable: leave the key out when there is no value, never nil"),
        },
        // Required and not nullable, written as nil: a nil list or map (Go) or None (Python).
        (false, false, Written::Nil) => match lang {
            "python" => format!("`{n}` is required and not nullable: pack {} rather than None", if list { "[] (or {})" } else { "its value" }),
            "go" if list => format!("`{n}` is a required list: initialise the slice (or map) to empty, a nil one encodes as nil"),
            "go" => format!("`{n}` is required and not nullable: use a value type, not a pointer left nil"),
            "rust" => format!("`{n}` is required and not nullable: declare it without `Option` (`Vec<T>`, not `Option<Vec<T>>`)"),
            _ => format!("`{n}` is required and not nullable: write its value, never nil"),
        },
        // Required and not nullable, left out: a zero value dropped.
        (false, false, Written::Absent) => match lang {
            "python" => format!("put `{n}` in the dict you pack, also when its value is empty or zero"),
            "go" => format!("remove `omitempty` from `{n}`'s tag: it drops the zero value of a required field"),
            "rust" => format!("remove `skip_serializing_if` from `{n}`: the contract requires it, also when empty"),
            _ => format!("write `{n}` in every payload, also when its value is empty or zero"),
        },
        _ => return None,
    };
    Some(text)
}

/// A fix hint for a peer in `language` that accepted a must-reject payload of `kind` (about `field`): what
/// its library lets through by default, and what refuses it.
pub fn reject_hint(kind: RejectKind, language: &str, field: Option<&Field>) -> String {
    let number = field.is_some_and(|f| matches!(f.ty, Type::Float32 | Type::Float64));
    let bounded = field.is_some_and(|f| f.constraints.min.is_some() || f.constraints.max.is_some());
    let f = field.map_or("the field", |f| f.name.as_str());
    let lang = language.to_ascii_lowercase();
    let by = |rust: String, python: String, go: String| -> String {
        match lang.as_str() {
            "rust" => rust,
            "python" => python,
            "go" => go,
            _ => {
                "decode with msgpact's generated types for your language: they refuse what the contract forbids".into()
            }
        }
    };
    let generated = "or decode with the generated types, which do";
    match kind {
        RejectKind::MissingKey => by(
            format!("no `#[serde(default)]` on the required field `{f}`: serde then refuses a missing key"),
            format!("read `{f}` as `d[\"{f}\"]` and fail on KeyError (`d.get` invents None), {generated}"),
            format!("vmihailenco leaves a missing key `{f}` at its zero value silently: check that every required key was read, {generated}"),
        ),
        RejectKind::NilNotNullable => by(
            format!("declare `{f}` without `Option` (serde refuses nil for it)"),
            format!("msgpack-python hands you None for nil: check `{f} is not None`, {generated}"),
            format!("vmihailenco decodes nil into the zero value of `{f}`: peek for nil (`dec.PeekCode() == msgpcode.Nil`) and refuse it, {generated}"),
        ),
        RejectKind::WrongType => by(
            format!("declare `{f}` with the contract's type; `serde_bytes`, `String` and integer types refuse the others"),
            format!("msgpack-python returns whatever type the payload holds: check `isinstance` on `{f}`, {generated}"),
            format!("vmihailenco converts between MessagePack types (str into []byte, bin into string): check the type code of `{f}` before decoding it, {generated}"),
        ),
        RejectKind::OutOfRange if number => by(
            format!("check `{f}` against its min/max after decoding (the generated `validate` does)"),
            format!("check `{f}` against its min/max, {generated}"),
            format!("check `{f}` against its min/max, {generated}"),
        ),
        RejectKind::OutOfRange if bounded => by(
            format!("the Rust type of `{f}` holds values its min/max forbid: check them after decoding (the generated `validate` does)"),
            format!("check `{f}` against the contract's range (type and min/max), {generated}"),
            format!("check `{f}` against its min/max (and decode it as int64/uint64: vmihailenco wraps into a narrower type silently), {generated}"),
        ),
        RejectKind::OutOfRange => by(
            format!("rmp-serde refuses values outside the Rust type of `{f}`; check its min/max after decoding (the generated `validate` does)"),
            format!("Python ints are unbounded: check `{f}` against the contract's range, {generated}"),
            format!("vmihailenco wraps integers into a narrower Go type silently (300 into uint8 is 44): decode `{f}` as int64/uint64 and check the range, {generated}"),
        ),
        RejectKind::TooLong => by(
            format!("check the length of `{f}` against its max_len after decoding (the generated `validate` does)"),
            format!("check `len({f})` against its max_len, {generated}"),
            format!("check `len({f})` against its max_len, {generated}"),
        ),
        RejectKind::UnknownEnum => by(
            "a serde enum refuses unknown names; an integer `repr` needs `serde_repr`, which refuses unknown numbers".to_string(),
            format!("convert `{f}` with the enum class (`Role(x)` / `Role[x]` raise on unknown values), {generated}"),
            format!("a string or integer Go type takes any value: check `{f}` against the enum's values, {generated}"),
        ),
        RejectKind::InvalidUtf8 => by(
            "decode text into `String` (rmp-serde checks UTF-8); `&[u8]`/`Vec<u8>` for a str field does not".to_string(),
            "unpack with `raw=False` (the default of msgpack 1.x), which raises on invalid UTF-8".to_string(),
            format!("vmihailenco does not check UTF-8: check `utf8.ValidString({f})`, {generated}"),
        ),
        RejectKind::DuplicateKey => by(
            "serde's derived structs refuse a duplicate field; a `HashMap`/`BTreeMap` keeps the last value: refuse duplicates in a custom visitor".to_string(),
            "msgpack-python keeps the last value of a duplicate key: unpack with an `object_pairs_hook` that refuses duplicates (the SDK's generated types do)".to_string(),
            format!("vmihailenco keeps the last value of a duplicate key: remember the keys read and refuse a second one, {generated}"),
        ),
        RejectKind::TooFewItems | RejectKind::TooManyItems => by(
            "an array-shaped message has exactly its fields' items: refuse other lengths in the visitor (`Items::finish` must not skip extra items)".to_string(),
            format!("check `len(items)` against the message's fields before reading them, {generated}"),
            format!("check the array length (vmihailenco's `as_array` only checks it for structs), {generated}"),
        ),
        RejectKind::TrailingBytes => by(
            "`rmp_serde::from_slice` stops after the value: compare the deserializer's position with the payload length (the generated `rt::decode` does)".to_string(),
            "`msgpack.unpackb` raises ExtraData on trailing bytes, a streaming `Unpacker` does not: unpack a payload with `unpackb`".to_string(),
            format!("`msgpack.Unmarshal` ignores bytes after the value: check that the decoder consumed the whole payload, {generated}"),
        ),
        RejectKind::Truncated => by(
            "a payload cut short must be refused: do not fill in what is missing".to_string(),
            "a payload cut short must be refused: `unpackb` raises on it; do not catch and fill in".to_string(),
            "a payload cut short must be refused: do not ignore io.ErrUnexpectedEOF".to_string(),
        ),
        RejectKind::UnknownKey => by(
            "`#[serde(deny_unknown_fields)]` refuses unknown keys; if the service ignores them on purpose, say so with `accepts-unknown-key = \"allow\"` in its peer.toml [policy]".to_string(),
            "check the dict's keys against the message's fields; if the service ignores them on purpose, set `accepts-unknown-key = \"allow\"` in its peer.toml [policy]".to_string(),
            "`dec.DisallowUnknownFields(true)` refuses unknown keys; if the service ignores them on purpose, set `accepts-unknown-key = \"allow\"` in its peer.toml [policy]".to_string(),
        ),
    }
}

/// The class of a peer's error message: a field path under another spelling of a contract field is a
/// renamed field (`$.UserID: required field is missing` for `user_id`); some library messages name the
/// class themselves.
pub fn classify_error(c: &crate::contract::Contracts, msg: crate::contract::MsgId, error: &str) -> Option<Class> {
    let lower = error.to_ascii_lowercase();
    if lower.contains("variant index") || lower.contains("unknown variant") {
        return Some(Class::EnumRepr);
    }
    if lower.contains("strict_map_key") || lower.contains("is not allowed for map key") {
        return Some(Class::MapKeyType);
    }
    // msgpack-python's packb without datetime=True: "can not serialize 'datetime.datetime' object".
    if lower.contains("datetime") && lower.contains("serializ") {
        return Some(Class::TimestampForm);
    }
    let start = error.find("$.")?;
    let path: String = error[start..]
        .chars()
        .take_while(|ch| ch.is_alphanumeric() || matches!(ch, '$' | '.' | '_' | '[' | ']'))
        .collect();
    let last = path.rsplit('.').next()?.split('[').next()?;
    let m = c.message(msg);
    let declared = m.fields.iter().any(|f| f.name == last);
    let loose = m.fields.iter().any(|f| crate::contract::same_name_loosely(&f.name, last));
    (!declared && loose).then_some(Class::FieldName)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_speak_the_peer_language() {
        assert!(hint(Class::IntWidth, "go", None).contains("UseCompactInts(true)"));
        assert!(hint(Class::ArrayVsMap, "rust", None).contains("to_vec_named"));
        assert!(hint(Class::BinVsStr, "python", None).contains("use_bin_type=True"));
        assert!(hint(Class::FieldName, "go", Some("user_id")).contains("msgpack:\"user_id\""));
        assert!(hint(Class::TimestampForm, "python", None).contains("datetime=True"));
        for c in Class::ALL {
            for l in ["rust", "python", "go", "java"] {
                assert!(!hint(*c, l, Some("x")).is_empty());
            }
        }
        for k in RejectKind::ALL {
            for l in ["rust", "python", "go", "java"] {
                assert!(!reject_hint(*k, l, None).is_empty());
            }
        }
        assert!(reject_hint(RejectKind::OutOfRange, "go", None).contains("wraps"));
        assert!(reject_hint(RejectKind::DuplicateKey, "python", None).contains("object_pairs_hook"));
        assert!(reject_hint(RejectKind::UnknownKey, "go", None).contains("DisallowUnknownFields"));
    }
}
