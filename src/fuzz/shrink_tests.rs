use super::*;
use crate::fuzz::gen::{presence_count, stream, Gen, Limits};
use crate::fuzz::testing::{load, repository, ALL_KINDS};

/// The first of `tries` values of `name` (seed 5) for which `pred` holds.
fn failing(c: &Contracts, name: &str, tries: u64, pred: &dyn Fn(&Value) -> bool) -> (MsgId, Value) {
    let id = c.find_message(name).unwrap();
    let mi = c.message_ids().position(|m| m == id).unwrap();
    for n in 0..tries {
        let mut g = Gen::new(c, stream(5, mi, n), Limits::default());
        let v = g.message(id, Some(n % presence_count(c, id)));
        if pred(&v) {
            return (id, v);
        }
    }
    panic!("no value of {name} in {tries} makes the predicate true");
}

fn text_of<'v>(v: &'v Value, key: &str) -> &'v str {
    match v.get(key) {
        Some(Value::Str(s)) => s,
        other => panic!("{key}: {other:?}"),
    }
}

#[test]
fn a_string_bug_of_32_to_255_bytes_shrinks_to_the_boundary() {
    let c = repository();
    // what-the-pack#3: the str header picked by character count, the length by byte count.
    let bug = |v: &Value| matches!(v.get("text"), Some(Value::Str(s)) if s.chars().count() < 32 && s.len() >= 32);
    let (id, v) = failing(&c, "chat.ChatTurn", 5000, &bug);
    let (small, checks) = shrink_with(&c, id, v.clone(), 5000, bug);
    let text = text_of(&small, "text");
    assert!(bug(&small), "still fails");
    assert!((32..=35).contains(&text.len()), "{} bytes: {text:?}", text.len());
    assert_eq!(text.chars().filter(|ch| !ch.is_ascii()).count(), 1, "one multi-byte character is enough: {text:?}");
    assert!(text.chars().filter(|ch| ch.is_ascii()).all(|ch| ch == 'a'), "{text:?}");
    assert!(encode(&small).len() < encode(&v).len() && encode(&small).len() <= 50, "{}", small.render());
    assert!(checks > 0);
}

#[test]
fn a_nul_bug_shrinks_to_one_nul_and_minimal_other_fields() {
    let c = repository();
    let bug = |v: &Value| matches!(v.get("message"), Some(Value::Str(s)) if s.contains('\0'));
    let (id, v) = failing(&c, "stream.StreamError", 5000, &bug);
    let (small, _) = shrink_with(&c, id, v, 5000, bug);
    assert_eq!(text_of(&small, "message"), "\0");
    assert_eq!(text_of(&small, "request_id"), "a", "min_len 1: the plainest string of one byte");
    assert_eq!(small.get("code"), Some(&Value::Int(0)));
    assert_eq!(small.get("retryable"), Some(&Value::Bool(false)));
}

#[test]
fn a_map_bug_from_sixteen_entries_shrinks_to_sixteen() {
    let c = load(ALL_KINDS);
    let bug = |v: &Value| matches!(v.get("counts"), Some(Value::Map(m)) if m.len() >= 16);
    let (id, v) = failing(&c, "k.All", 5000, &bug);
    let (small, _) = shrink_with(&c, id, v, 20_000, bug);
    let Some(Value::Map(m)) = small.get("counts") else { panic!() };
    assert_eq!(m.len(), 16);
    assert!(m.iter().all(|(_, x)| *x == Value::Int(0)), "{}", small.render());
    // Everything optional is gone, everything nullable is nil, numbers at zero or their bound.
    for absent in ["raw", "wide", "leaf", "tree"] {
        assert_eq!(small.get(absent), None, "{absent}: {}", small.render());
    }
    assert_eq!(small.get("u8"), Some(&Value::Int(3)), "uint8 with min 3 shrinks to 3");
    assert_eq!(small.get("i16"), Some(&Value::Int(0)));
}

#[test]
fn every_candidate_fits_and_is_smaller() {
    let c = load(ALL_KINDS);
    for name in ["k.All", "k.Row", "k.Node"] {
        let id = c.find_message(name).unwrap();
        let mi = c.message_ids().position(|m| m == id).unwrap();
        // Values of up to 16 KiB: every candidate is annotated, which debug builds do slowly.
        for n in 0..24 {
            let v = Gen::new(&c, stream(11, mi, n), Limits { max_depth: 4, max_bytes: 16 << 10 }).message(id, None);
            let s = size(&v);
            let cands = candidates(&c, id, &v);
            for w in &cands {
                assert!(fits(&c, id, w), "{name}: {}", w.render());
                assert!(size(w) < s, "{name}: {:?} !< {s:?}", size(w));
            }
            if size(&v) > (3, 0) {
                assert!(!cands.is_empty(), "{name} case {n} has smaller variants: {}", v.render());
            }
        }
    }
}

#[test]
fn shrinking_stops_at_the_check_budget() {
    let c = load(ALL_KINDS);
    let (id, v) = failing(&c, "k.All", 10, &|_| true);
    let (_, checks) = shrink_with(&c, id, v, 50, |_| true);
    assert!(checks <= 50, "{checks}");
}
