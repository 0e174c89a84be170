use super::*;
use crate::fuzz::testing::{load, repository, ALL_KINDS};
use crate::wire::timestamp::TimestampForm;

fn draw(c: &Contracts, name: &str, seed: u64, n: u64, combo: bool) -> Value {
    let id = c.find_message(name).unwrap();
    let mi = c.message_ids().position(|m| m == id).unwrap();
    let count = presence_count(c, id);
    let mut g = Gen::new(c, stream(seed, mi, n), Limits::default());
    g.message(id, combo.then_some(n % count))
}

fn field<'v>(v: &'v Value, name: &str) -> Option<&'v Value> {
    v.get(name)
}

#[test]
fn every_value_fits_its_contract() {
    for c in [load(ALL_KINDS), repository()] {
        for id in c.message_ids() {
            let name = c.message_name(id);
            // Debug builds annotate large values slowly: 40 values of each type, two of them over 64 KiB on
            // average, is what `cargo test` can afford on every run.
            for n in 0..40 {
                let v = draw(&c, &name, 7, n, n % 2 == 0);
                let bytes = encode(&v);
                assert!(
                    fits(&c, id, &v),
                    "{name} case {n} does not fit its contract:\n{}\n{}",
                    v.render(),
                    annotate(&c, id, &bytes).render()
                );
            }
        }
    }
}

#[test]
fn a_seed_repeats_its_values_and_cases_differ() {
    let c = load(ALL_KINDS);
    // By bytes: a value with a NaN is not equal to itself.
    for n in 0..20 {
        assert_eq!(encode(&draw(&c, "k.All", 42, n, false)), encode(&draw(&c, "k.All", 42, n, false)));
    }
    let distinct: HashSet<Vec<u8>> = (0..50).map(|n| encode(&draw(&c, "k.All", 42, n, false))).collect();
    assert_eq!(distinct.len(), 50, "fifty cases, fifty values");
    assert_ne!(draw(&c, "k.All", 42, 0, false), draw(&c, "k.All", 43, 0, false), "another seed, other values");
}

#[test]
fn values_reach_the_format_boundaries_and_the_awkward_characters() {
    let c = load(ALL_KINDS);
    let mut str_lens = HashSet::new();
    let (mut nul, mut two, mut three, mut four, mut chars_below_bytes) = (false, false, false, false, false);
    let mut forms = HashSet::new();
    let mut colors = HashSet::new();
    let mut codes = HashSet::new();
    let mut map_sizes = HashSet::new();
    let mut ints = HashSet::new();
    let (mut nan, mut inf) = (false, false);
    let id = c.find_message("k.All").unwrap();
    let mi = c.message_ids().position(|m| m == id).unwrap();
    // Values of up to 8 KiB (the 64 KiB boundaries are checked below, one field at a time).
    let small = Limits { max_depth: 4, max_bytes: 8 << 10 };
    for n in 0..1500 {
        let v = Gen::new(&c, stream(1, mi, n), small).message(id, None);
        for key in ["s", "text"] {
            if let Some(Value::Str(s)) = field(&v, key) {
                str_lens.insert(s.len());
                nul |= s.contains('\0');
                two |= s.chars().any(|ch| ch.len_utf8() == 2);
                three |= s.chars().any(|ch| ch.len_utf8() == 3);
                four |= s.chars().any(|ch| ch.len_utf8() == 4);
                // fixstr by character count, str8 by byte count: what-the-pack#3's case.
                chars_below_bytes |= s.chars().count() < 32 && (32..=255).contains(&s.len());
            }
        }
        if let Some(Value::Timestamp(t)) = field(&v, "at") {
            forms.insert(t.canonical_form().name());
        }
        if let Some(c) = field(&v, "color") {
            colors.insert(c.render());
        }
        if let Some(c) = field(&v, "code") {
            codes.insert(c.render());
        }
        if let Some(Value::Map(m)) = field(&v, "counts") {
            map_sizes.insert(m.len());
        }
        if let Some(Value::Int(i)) = field(&v, "i64") {
            ints.insert(*i);
        }
        if let Some(Value::F64(x)) = field(&v, "f64") {
            nan |= x.is_nan();
            inf |= x.is_infinite();
        }
    }
    for len in [0, 31, 32, 255, 256] {
        assert!(str_lens.contains(&len), "a string of {len} bytes (seen {} lengths)", str_lens.len());
    }
    assert!(nul && two && three && four, "NUL {nul}, 2-byte {two}, 3-byte {three}, 4-byte {four}");
    assert!(chars_below_bytes, "a string of 32..255 bytes with fewer than 32 characters");
    for form in [TimestampForm::Ts32, TimestampForm::Ts64, TimestampForm::Ts96] {
        assert!(forms.contains(form.name()), "{} in {forms:?}", form.name());
    }
    assert_eq!(colors.len(), 3, "every string enum value: {colors:?}");
    assert_eq!(codes.len(), 4, "every int enum value and nil: {codes:?}");
    assert!(map_sizes.contains(&15) && map_sizes.contains(&16), "maps of 15 and 16 entries: {map_sizes:?}");
    for i in [i64::MIN as i128, i64::MAX as i128, -33, -32, 127, 128, 65536, 4_294_967_296] {
        assert!(ints.contains(&i), "int64 at the boundary {i}");
    }
    assert!(nan && inf, "NaN and infinities where allowed");
}

#[test]
fn lengths_reach_the_64_kib_boundaries_within_a_large_budget() {
    let c = load(ALL_KINDS);
    let none = Constraints::default();
    let mut g = Gen::new(&c, stream(5, 0, 0), Limits::default());
    let (mut strs, mut bins, mut lists) = (HashSet::new(), HashSet::new(), HashSet::new());
    for _ in 0..1500 {
        if let Value::Str(s) = g.typed(&Type::String, &none, 0, 200_000) {
            strs.insert(s.len());
        }
        if let Value::Bin(b) = g.typed(&Type::Bytes, &none, 0, 200_000) {
            bins.insert(b.len());
        }
        if let Value::Array(a) = g.typed(&Type::List(Box::new(Type::Bool)), &none, 0, 200_000) {
            lists.insert(a.len());
        }
    }
    for n in [65535, 65536] {
        assert!(strs.contains(&n) && bins.contains(&n) && lists.contains(&n), "{n}: str, bin and array lengths");
    }
    // Within a constraint, never past it.
    let k = Constraints { max_len: Some(300), ..Constraints::default() };
    for _ in 0..300 {
        let Value::Str(s) = g.typed(&Type::String, &k, 0, 200_000) else { panic!() };
        assert!(s.len() <= 300);
    }
}

#[test]
fn the_presence_combinations_come_in_turn() {
    let c = load(ALL_KINDS);
    let id = c.find_message("k.All").unwrap();
    let count = presence_count(&c, id);
    // raw, small, wide, code, leaf (three states), tree
    assert_eq!(count, 2 * 2 * 2 * 2 * 3 * 2);
    let mut seen = HashSet::new();
    for n in 0..count {
        let v = draw(&c, "k.All", 3, n, true);
        let Value::Map(entries) = &v else { panic!("a map") };
        let pattern: Vec<String> = entries
            .iter()
            .map(|(k, x)| format!("{}={}", k.render(), if *x == Value::Nil { "nil" } else { "v" }))
            .collect();
        seen.insert(pattern.join(","));
    }
    assert_eq!(seen.len() as u64, count, "each combination once");
    // An array-shaped message: an absent optional field ends the array.
    let row = c.find_message("k.Row").unwrap();
    let lens: HashSet<usize> = (0..presence_count(&c, row))
        .map(|n| match draw(&c, "k.Row", 3, n, true) {
            Value::Array(items) => items.len(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(lens, HashSet::from([2, 3, 4]));
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Map(m) => 1 + m.iter().map(|(_, x)| depth(x)).max().unwrap_or(0),
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

#[test]
fn recursive_types_stop_at_the_depth_limit_and_values_at_the_size_budget() {
    let c = load(ALL_KINDS);
    let limits = Limits::default();
    let mut deepest = 0;
    for n in 0..60 {
        let v = draw(&c, "k.Node", 9, n, false);
        deepest = deepest.max(depth(&v));
        let all = draw(&c, "k.All", 9, n, false);
        assert!(encode(&all).len() <= 2 * limits.max_bytes, "case {n}: {} bytes", encode(&all).len());
    }
    // A Node is a map (1) whose `kids` list (2) holds Nodes: two levels per message nesting.
    assert!(deepest > 2, "nested nodes are drawn (deepest {deepest})");
    assert!(deepest <= 2 * (limits.max_depth + 1) + 1, "deepest {deepest}");
}
