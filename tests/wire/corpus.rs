//! The decode corpus: kawanet/msgpack-test-suite v1.0.0 (MIT), vendored in `tests/data/msgpack-test-suite/`
//! with its licence and its provenance (PROVENANCE.md there).
//!
//! For every entry: the canonical encoder writes exactly the FIRST listed encoding (the corpus lists the
//! shortest first), and the liberal decoder accepts EVERY listed encoding and yields the same value
//! (numerically for the float encodings of integers). The counts at the end make sure a truncated or
//! replaced file cannot pass.
use msgpact::wire::{decode, encode, format::hex, format::parse_hex, Timestamp, Value};
use serde_json::Value as Json;
use std::path::PathBuf;

/// The vendored copy, inside the repository: no test reads anything outside it.
fn corpus_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/msgpack-test-suite/msgpack-test-suite.json")
}

fn load_corpus() -> serde_json::Map<String, Json> {
    let path = corpus_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the decode corpus is missing: cannot read {}: {e}\n\
             It is vendored in the repository (tests/data/msgpack-test-suite/); restore it with \
             `git checkout -- tests/data/msgpack-test-suite`.",
            path.display()
        )
    });
    match serde_json::from_str(&text) {
        Ok(Json::Object(groups)) => groups,
        Ok(_) => panic!("{}: expected a JSON object of groups", path.display()),
        Err(e) => panic!("{}: not JSON: {e}", path.display()),
    }
}

/// A plain JSON value (inside arrays and maps) as the Value the corpus means.
fn plain(j: &Json) -> Value {
    match j {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Value::Int(i as i128),
            (None, Some(u), _) => Value::Int(u as i128),
            (_, _, Some(f)) => float(f),
            _ => panic!("unreadable number {n}"),
        },
        Json::String(s) => Value::Str(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(plain).collect()),
        Json::Object(m) => Value::Map(m.iter().map(|(k, v)| (Value::Str(k.clone()), plain(v))).collect()),
    }
}

/// A float at the narrowest width that holds it exactly (0.5 is float32 `ca`, the first listed).
fn float(f: f64) -> Value {
    if (f as f32) as f64 == f {
        Value::F32(f as f32)
    } else {
        Value::F64(f)
    }
}

/// The value of one corpus entry, from the key that names its kind.
fn entry_value(group: &str, entry: &serde_json::Map<String, Json>) -> Value {
    if let Some(Json::String(b)) = entry.get("bignum") {
        return Value::Int(b.parse::<i128>().unwrap_or_else(|e| panic!("{group}: bignum {b}: {e}")));
    }
    for (key, j) in entry {
        let v = match key.as_str() {
            "msgpack" => continue,
            "nil" | "bool" | "string" | "array" | "map" | "number" => plain(j),
            "binary" => Value::Bin(parse_hex(j.as_str().expect("binary is hex text")).expect("binary hex")),
            "timestamp" => {
                let pair = j.as_array().expect("timestamp is [seconds, nanoseconds]");
                let secs = pair[0].as_i64().expect("timestamp seconds");
                let nanos = pair[1].as_u64().expect("timestamp nanoseconds") as u32;
                Value::Timestamp(Timestamp::new(secs, nanos).expect("valid nanoseconds"))
            }
            "ext" => {
                let pair = j.as_array().expect("ext is [type, hex]");
                let ty = pair[0].as_i64().expect("ext type") as i8;
                Value::Ext(ty, parse_hex(pair[1].as_str().expect("ext data hex")).expect("ext hex"))
            }
            other => panic!("{group}: unknown entry kind `{other}`: extend tests/wire/corpus.rs"),
        };
        return v;
    }
    panic!("{group}: entry without a value: {entry:?}")
}

/// The corpus lists `d3 7f ff ff ff ff ff ff ff` (int64) before `cf 7f ff ...` (uint64) for i64::MAX, while
/// every other non-negative value beyond int32 is listed in the uint family first (2^31 as `ce`, 2^32 as
/// `cf`). Both are 9 bytes, so both are "smallest"; the canonical profile (DESIGN.md: non-negative values in
/// the uint family, as rmp and msgpack-python write them) picks `cf`. Accepted only when our bytes are
/// listed too, have the same length as the first, and are in the uint family.
fn is_uint_family_tie(value: &Value, ours: &[u8], encodings: &[Vec<u8>]) -> bool {
    matches!(value, Value::Int(i) if *i >= 0)
        && ours.len() == encodings[0].len()
        && encodings.iter().any(|e| e == ours)
        && matches!(ours[0], 0xcc..=0xcf)
        && matches!(encodings[0][0], 0xd0..=0xd3)
}

/// The same value, whatever the encoding: integers written as floats compare by number.
fn same_value(expected: &Value, got: &Value) -> bool {
    match (expected, got) {
        (Value::Int(i), Value::F32(f)) => (*f as f64) == *i as f64 && (*f as f64) as i128 == *i,
        (Value::Int(i), Value::F64(f)) => *f == *i as f64 && *f as i128 == *i,
        (Value::F32(a), Value::F64(b)) => (*a as f64) == *b,
        (Value::F64(a), Value::F32(b)) => *a == (*b as f64),
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y)),
        (Value::Map(a), Value::Map(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|((ka, va), (kb, vb))| same_value(ka, kb) && same_value(va, vb))
        }
        _ => expected.same(got),
    }
}

#[test]
fn corpus_first_encoding_is_canonical_and_every_encoding_decodes() {
    let groups = load_corpus();
    let mut entries = 0usize;
    let mut canonical_checked = 0usize;
    let mut decodes_checked = 0usize;
    let mut listed = 0usize;
    let mut failures = Vec::new();
    let mut ties = Vec::new();
    for (group, items) in &groups {
        let items = items.as_array().unwrap_or_else(|| panic!("group {group} is not a list"));
        for item in items {
            let entry = item.as_object().unwrap_or_else(|| panic!("{group}: an entry is not an object"));
            let value = entry_value(group, entry);
            let encodings: Vec<Vec<u8>> = entry
                .get("msgpack")
                .and_then(Json::as_array)
                .unwrap_or_else(|| panic!("{group}: entry without `msgpack`"))
                .iter()
                .map(|h| parse_hex(h.as_str().expect("hex text")).expect("corpus hex"))
                .collect();
            assert!(!encodings.is_empty(), "{group}: an entry lists no encoding");
            entries += 1;
            listed += encodings.len();

            // (a) the canonical encoder writes exactly the first listed encoding.
            let ours = encode(&value);
            if ours != encodings[0] {
                if is_uint_family_tie(&value, &ours, &encodings) {
                    ties.push(value.render());
                } else {
                    failures.push(format!(
                        "{group}: {} encodes as `{}`, the corpus's first is `{}`",
                        value.render(),
                        hex(&ours),
                        hex(&encodings[0])
                    ));
                }
            }
            canonical_checked += 1;

            // (b) the decoder accepts every listed encoding and reads the same value.
            for bytes in &encodings {
                match decode(bytes) {
                    Ok(got) if same_value(&value, &got) => {}
                    Ok(got) => failures.push(format!(
                        "{group}: `{}` decodes to {}, expected {}",
                        hex(bytes),
                        got.render(),
                        value.render()
                    )),
                    Err(e) => failures.push(format!("{group}: `{}` is rejected: {e}", hex(bytes))),
                }
                decodes_checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} corpus failure(s):\n{}", failures.len(), failures.join("\n"));
    // The one place where the corpus and the canonical profile disagree, asserted so that it stays one.
    assert_eq!(ties, ["9223372036854775807"], "non-negative values where the corpus lists a same-size int64 first");
    // The corpus as published (v1.0.0): 15 groups, 85 values, 233 encodings. Counting them makes sure the
    // test cannot pass on an empty or truncated file.
    assert_eq!(groups.len(), 15, "groups in the corpus");
    assert_eq!(entries, 85, "values in the corpus");
    assert_eq!(canonical_checked, entries);
    assert_eq!(decodes_checked, listed);
    assert_eq!(decodes_checked, 233, "encodings in the corpus");
}

/// The groups the brief names are all present, so a renamed group cannot silently drop out.
#[test]
fn corpus_has_every_kind_of_value() {
    let groups = load_corpus();
    let mut kinds: Vec<&str> = groups
        .values()
        .flat_map(|items| items.as_array().into_iter().flatten())
        .filter_map(Json::as_object)
        .flat_map(|e| e.keys().map(String::as_str).filter(|k| *k != "msgpack"))
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds, ["array", "bignum", "binary", "bool", "ext", "map", "nil", "number", "string", "timestamp"]);
}
