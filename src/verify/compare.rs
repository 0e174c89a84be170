//! Comparing a peer's reply with the canonical vector: identical bytes, same value, or another value.
use super::canonical;
use super::verdict::{Also, Detail, Verdict};
use crate::annotate::{annotate, Annotated, FindingKind, Reading};
use crate::classes::Class;
use crate::contract::{Contracts, MsgId};
use crate::wire::format::hex_short;
use crate::wire::{decode, Value};

/// The verdict for `actual` (what the peer wrote) against the canonical `expected` value and bytes.
pub fn compare(c: &Contracts, msg: MsgId, expected: &Value, expected_bytes: &[u8], actual: &[u8]) -> Verdict {
    if actual == expected_bytes {
        return Verdict::Identical;
    }
    let reading = annotate(c, msg, actual);
    let canonical =
        decode(actual).map_err(|e| unreadable(&reading, e)).and_then(|v| canonical::message(c, msg, &v, "$"));
    match canonical {
        Ok(v) if v.same(expected) => {
            Verdict::SameValue { detail: same_value_detail(c, msg, &reading, expected_bytes, actual) }
        }
        _ => {
            let Some((path, class, note)) = finding(c, msg, expected, actual) else {
                let mut detail =
                    detail_at(c, msg, &reading, expected_bytes, "$", Class::ValueChanged, "unreadable".into());
                mark_malformed(&mut detail);
                return Verdict::DifferentValue { detail };
            };
            let mut detail = detail_at(c, msg, &reading, expected_bytes, &path, class, note);
            match decode(actual) {
                Ok(v) => detail.also = further(c, msg, expected, v, &path, class),
                Err(_) => mark_malformed(&mut detail),
            }
            Verdict::DifferentValue { detail }
        }
    }
}

/// A reply that does not decode. What the reading found at the place it went wrong is kept as the class only
/// when it explains the bytes (`bin-vs-str`: a str that is not UTF-8 where bytes are declared); any other
/// class there is an artefact of reading a misplaced header (a str header one too long reads as nil, say),
/// so the finding is `value-changed` and marked malformed for its hint.
fn mark_malformed(detail: &mut Detail) {
    detail.malformed = true;
    if detail.class != Class::BinVsStr {
        detail.class = Class::ValueChanged;
    }
}

/// At most this many findings after the first are reported per payload.
const MAX_ALSO: usize = 8;

/// The first difference of `actual` (bytes) from the canonical `expected` value: path, class and why.
fn finding(c: &Contracts, msg: MsgId, expected: &Value, actual: &[u8]) -> Option<(String, Class, String)> {
    let reading = annotate(c, msg, actual);
    match decode(actual).map_err(|e| unreadable(&reading, e)).and_then(|v| canonical::message(c, msg, &v, "$")) {
        Ok(v) if v.same(expected) => None,
        Ok(v) => {
            let (path, want, got) = canonical::first_difference(expected, &v, "$")
                .unwrap_or_else(|| ("$".into(), expected.render(), v.render()));
            let class = difference_class(&reading, &path, &want, &got);
            Some((path, class, format!("expected {want}, found {got}")))
        }
        Err(m) => {
            // A required field left out because it held a zero value is Go's `omitempty` (or rmp-serde's
            // skip_serializing_if): nil-vs-absent, not a field the peer does not know.
            let class = match (m.class, value_at(expected, &m.path)) {
                (Class::FieldMissing, Some(v)) if is_zero(v) => Class::NilVsAbsent,
                (class, _) => class,
            };
            Some((m.path, class, m.reason))
        }
    }
}

/// The findings after the first: the peer's value is mended where the last finding was (the expected value
/// put there, or the key removed) and checked again, so that a second bug in the same payload is reported
/// with the first instead of after it is fixed. A finding about the whole message or a renamed key stops it.
fn further(c: &Contracts, msg: MsgId, expected: &Value, mut actual: Value, first: &str, class: Class) -> Vec<Also> {
    let mut out: Vec<Also> = Vec::new();
    let (mut path, mut class) = (first.to_string(), class);
    while out.len() < MAX_ALSO && !matches!(class, Class::FieldName | Class::ArrayVsMap) && path != "$" {
        if !mend(&mut actual, &path, value_at(expected, &path).cloned()) {
            break;
        }
        let Some((p, cl, note)) = finding(c, msg, expected, &crate::wire::encode(&actual)) else { break };
        if p == path || p == first || out.iter().any(|a| a.path == p) {
            break;
        }
        out.push(Also { path: p.clone(), class: cl, note });
        (path, class) = (p, cl);
    }
    out
}

/// Sets the value at a map path (`$.a.b`) of `v` to `new`, or removes the key when `new` is `None`.
fn mend(v: &mut Value, path: &str, new: Option<Value>) -> bool {
    let segs: Vec<&str> = path.trim_start_matches('$').split('.').filter(|s| !s.is_empty()).collect();
    let Some((last, head)) = segs.split_last() else { return false };
    let mut cur = v;
    for seg in head {
        let Value::Map(entries) = cur else { return false };
        let Some((_, next)) = entries.iter_mut().find(|(k, _)| matches!(k, Value::Str(s) if s == seg)) else {
            return false;
        };
        cur = next;
    }
    if last.contains('[') {
        return false;
    }
    let Value::Map(entries) = cur else { return false };
    let at = entries.iter().position(|(k, _)| matches!(k, Value::Str(s) if s == last));
    match (at, new) {
        (Some(i), Some(x)) => entries[i].1 = x,
        (Some(i), None) => {
            entries.remove(i);
        }
        (None, Some(x)) => entries.push((Value::Str(last.to_string()), x)),
        (None, None) => return false,
    }
    true
}

/// The first non-canonical token of the peer's bytes, next to the canonical token at the same path.
fn same_value_detail(c: &Contracts, msg: MsgId, reading: &Reading, expected_bytes: &[u8], actual: &[u8]) -> Detail {
    let deviation = reading.findings().find(|(_, f)| f.kind == FindingKind::Deviation);
    match deviation {
        Some((t, f)) => {
            let expected_reading = annotate(c, msg, expected_bytes);
            let mut detail = Detail {
                path: t.path.clone(),
                offset: Some(t.offset),
                expected: token_at(&expected_reading, &t.path, t.what == "(key)"),
                actual: describe(t),
                class: f.class,
                note: f.text.clone(),
                also: reading
                    .findings()
                    .filter(|(_, g)| g.kind == FindingKind::Deviation)
                    .skip(1)
                    .take(MAX_ALSO)
                    .map(|(u, g)| Also { path: u.path.clone(), class: g.class, note: g.text.clone() })
                    .collect(),
                malformed: false,
            };
            // The two key tokens of a field-order finding are the same key: show the two orders instead.
            if f.class == Class::FieldOrder {
                let parent = t.path.rsplit_once('.').map_or("$", |(p, _)| p);
                if let (Some(want), Some(got)) = (keys_at(expected_bytes, parent), keys_at(actual, parent)) {
                    detail.expected = format!("keys in declared order: {}", want.join(", "));
                    detail.actual = format!("keys as written:       {}", got.join(", "));
                }
            }
            detail
        }
        None => {
            // Same tokens but other bytes somewhere (e.g. a NaN payload): point at the first differing byte.
            let at = expected_bytes
                .iter()
                .zip(actual)
                .position(|(a, b)| a != b)
                .unwrap_or(expected_bytes.len().min(actual.len()));
            let t = reading.tokens.iter().rev().find(|t| t.offset <= at);
            Detail {
                path: t.map_or("$".into(), |t| t.path.clone()),
                offset: Some(at),
                expected: hex_short(&expected_bytes[at.min(expected_bytes.len())..], 10),
                actual: hex_short(&actual[at.min(actual.len())..], 10),
                class: Class::ValueChanged,
                note: "same value, other bytes".into(),
                also: Vec::new(),
                malformed: false,
            }
        }
    }
}

/// The class of a value that reads fine but differs: wrapped integers are `int-range`; otherwise what the
/// reading found at that path, else `value-changed`.
fn difference_class(reading: &Reading, path: &str, want: &str, got: &str) -> Class {
    const ZERO: [&str; 9] = ["false", "0", "\"\"", "[]", "{}", "nil", "bin[0]", "0.0_f32", "0.0_f64"];
    match (want, got) {
        (_, "(absent)") if ZERO.contains(&want) => return Class::NilVsAbsent,
        (_, "(absent)") => return Class::FieldMissing,
        ("(absent)", "nil") => return Class::NilVsAbsent,
        ("(absent)", _) => return Class::UnknownField,
        _ => {}
    }
    if let (Ok(a), Ok(b)) = (want.parse::<i128>(), got.parse::<i128>()) {
        let d = (a - b).unsigned_abs();
        if [8u32, 16, 32, 64].iter().any(|bits| d != 0 && d % (1u128 << bits) == 0) {
            return Class::IntRange;
        }
    }
    reading
        .tokens
        .iter()
        .filter(|t| t.path == path)
        .flat_map(|t| &t.findings)
        .find(|f| f.kind == FindingKind::Problem)
        .map_or(Class::ValueChanged, |f| f.class)
}

/// A payload that does not decode: the reading knows where and often why (a str that is not UTF-8 where
/// bytes are declared is the usual form of `use_bin_type=False`).
fn unreadable(reading: &Reading, e: crate::wire::DecodeError) -> canonical::Mismatch {
    match reading.findings().find(|(_, f)| f.kind == FindingKind::Problem) {
        Some((t, f)) => canonical::Mismatch {
            path: t.path.clone(),
            class: f.class,
            reason: format!("{}; the payload is unreadable {e}", f.text),
        },
        None => canonical::Mismatch {
            path: "$".into(),
            class: Class::ValueChanged,
            reason: format!("unreadable MessagePack {e}"),
        },
    }
}

/// The value at a field path of a canonical map-shaped value (`$.usage.prompt_tokens`).
/// The keys of the map at `path` of a payload, in the order they were written.
fn keys_at(bytes: &[u8], path: &str) -> Option<Vec<String>> {
    let v = decode(bytes).ok()?;
    let Value::Map(entries) = value_at(&v, path)? else { return None };
    Some(entries.iter().map(|(k, _)| if let Value::Str(s) = k { s.clone() } else { k.render() }).collect())
}

fn value_at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = v;
    for seg in path.trim_start_matches('$').split('.').filter(|s| !s.is_empty()) {
        if seg.contains('[') {
            return None;
        }
        cur = cur.get(seg)?;
    }
    Some(cur)
}

/// false, 0, "", empty bytes, lists and maps, nil: what `omitempty` leaves out.
fn is_zero(v: &Value) -> bool {
    match v {
        Value::Nil | Value::Bool(false) | Value::Int(0) => true,
        Value::F32(x) => *x == 0.0,
        Value::F64(x) => *x == 0.0,
        Value::Str(s) => s.is_empty(),
        Value::Bin(b) => b.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

#[allow(clippy::too_many_arguments)]
fn detail_at(
    c: &Contracts,
    msg: MsgId,
    reading: &Reading,
    expected_bytes: &[u8],
    path: &str,
    class: Class,
    note: String,
) -> Detail {
    let expected_reading = annotate(c, msg, expected_bytes);
    if matches!(class, Class::FieldName | Class::UnknownField) {
        // About a key: show the peer's key next to the contract's.
        let actual_key = reading.tokens.iter().find(|t| t.path == path && t.what == "(key)");
        let contract_path = match (class, c.field_at(msg, path)) {
            (Class::FieldName, Some(f)) => {
                format!("{}.{}", path.rsplit_once('.').map_or("$", |(head, _)| head), f.name)
            }
            _ => path.to_string(),
        };
        return Detail {
            path: path.to_string(),
            offset: actual_key.map(|t| t.offset),
            expected: token_at(&expected_reading, &contract_path, true),
            actual: actual_key.map_or("(absent)".into(), describe),
            class,
            note,
            also: Vec::new(),
            malformed: false,
        };
    }
    let actual_token = reading
        .tokens
        .iter()
        .find(|t| t.path == path && t.what != "(key)")
        .or_else(|| reading.tokens.iter().find(|t| t.path == path));
    let problem =
        reading.findings().find(|(_, f)| f.kind == FindingKind::Problem).map(|(t, f)| (t.clone(), f.text.clone()));
    let (actual, offset, note) = match (actual_token, problem) {
        (Some(t), _) => (describe(t), Some(t.offset), note),
        (None, Some((t, text))) => (describe(&t), Some(t.offset), format!("{note}; {text}")),
        (None, None) => ("(absent)".into(), None, note),
    };
    let also = Vec::new();
    Detail {
        path: path.to_string(),
        offset,
        expected: token_at(&expected_reading, path, false),
        actual,
        class,
        note,
        also,
        malformed: false,
    }
}

fn token_at(reading: &Reading, path: &str, key: bool) -> String {
    reading
        .tokens
        .iter()
        .find(|t| t.path == path && (t.what == "(key)") == key)
        .map(describe)
        .unwrap_or_else(|| "(absent)".into())
}

fn describe(t: &Annotated) -> String {
    format!("{}  {} {}", t.hex(), t.format.name(), t.what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::golden;

    fn contracts() -> Contracts {
        let (c, d) = Contracts::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts"));
        assert!(!d.has_errors());
        c
    }

    fn case<'a>(cases: &'a [golden::Case], c: &Contracts, msg: &str, id: &str) -> &'a golden::Case {
        cases.iter().find(|k| c.message_name(k.message) == msg && k.id == id).unwrap()
    }

    #[test]
    fn go_full_width_int_is_same_value_other_bytes() {
        let c = contracts();
        let cases = golden::generate(&c);
        let k = case(&cases, &c, "common.TokenUsage", "example.typical");
        // total_tokens 1042 as int64 (d3) instead of uint16 (cd).
        let mut actual = k.bytes.clone();
        let at = actual.windows(3).position(|w| w == [0xcd, 0x04, 0x12]).unwrap();
        actual.splice(at..at + 3, [0xd3, 0, 0, 0, 0, 0, 0, 0x04, 0x12]);
        match compare(&c, k.message, &k.value, &k.bytes, &actual) {
            Verdict::SameValue { detail } => {
                assert_eq!(detail.path, "$.total_tokens");
                assert!(detail.actual.starts_with("d3 00"), "{detail:?}");
                assert!(detail.expected.starts_with("cd 04 12"), "{detail:?}");
                assert!(detail.note.contains("int64"), "{detail:?}");
                assert_eq!(detail.class, Class::IntWidth);
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn renamed_field_is_a_different_value_at_that_field() {
        let c = contracts();
        let cases = golden::generate(&c);
        let k = case(&cases, &c, "common.TokenUsage", "example.typical");
        let at = k.bytes.windows(12).position(|w| w == b"total_tokens").unwrap();
        let mut actual = k.bytes.clone();
        actual[at..at + 12].copy_from_slice(b"TOTAL_TOKENS");
        match compare(&c, k.message, &k.value, &k.bytes, &actual) {
            Verdict::DifferentValue { detail } => {
                assert_eq!(detail.path, "$.TOTAL_TOKENS");
                assert_eq!(detail.class, Class::FieldName, "{detail:?}");
                assert!(detail.note.contains("`total_tokens`"), "{detail:?}");
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn identical_bytes_are_identical() {
        let c = contracts();
        let cases = golden::generate(&c);
        let k = &cases[0];
        assert_eq!(compare(&c, k.message, &k.value, &k.bytes, &k.bytes), Verdict::Identical);
    }
}
