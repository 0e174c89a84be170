//! Property tests (proptest, stable toolchain): the same questions as the cargo-fuzz targets in `fuzz/`,
//! asked of random inputs on every `cargo test`.
//!
//! - arbitrary bytes never panic in `wire::decode`, `annotate::annotate` (against every example message
//!   type) or `yaml::parse` / the contract loader;
//! - `decode(encode(v)) == v` for arbitrary values;
//! - `encode` is the smallest form: its length is the sum of the smallest headers, and every other valid
//!   encoding of the value (widened headers, larger timestamp forms) decodes to the same value and is no
//!   shorter;
//! - golden generation for random contracts gives cases that decode to their values and annotate without
//!   problems against their own message type.
use msgpact::annotate::annotate;
use msgpact::contract::{load, Contracts};
use msgpact::diag::Diagnostics;
use msgpact::source::FileId;
use msgpact::wire::{decode, encode, Timestamp, Value};
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

fn contracts() -> &'static Contracts {
    static C: OnceLock<Contracts> = OnceLock::new();
    C.get_or_init(|| {
        let (c, d) = Contracts::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts"));
        assert!(!d.has_errors(), "{}", d.render_all(&c.sources));
        c
    })
}

// ---- strategies ---------------------------------------------------------------------------------------

/// Lengths on both sides of every format boundary, and small ones.
fn length() -> impl Strategy<Value = usize> {
    prop_oneof![
        8 => 0usize..40,
        1 => prop::sample::select(vec![31usize, 32, 255, 256, 65535, 65536]),
    ]
}

fn int() -> impl Strategy<Value = i128> {
    prop_oneof![
        4 => (i64::MIN..=i64::MAX).prop_map(|i| i as i128),
        2 => any::<u64>().prop_map(|u| u as i128),
        3 => prop::sample::select(vec![
            0i128, 1, 127, 128, 255, 256, 65535, 65536, 4_294_967_295, 4_294_967_296, i64::MAX as i128, u64::MAX as i128,
            -1, -32, -33, -128, -129, -32768, -32769, -2_147_483_648, -2_147_483_649, i64::MIN as i128,
        ]),
        2 => -300i128..300,
    ]
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    let secs = prop_oneof![
        any::<i64>(),
        0i64..=u32::MAX as i64,
        0i64..(1i64 << 34),
        prop::sample::select(vec![0i64, -1, u32::MAX as i64, (1 << 34) - 1, 1 << 34, i64::MIN, i64::MAX]),
    ];
    let nanos = prop_oneof![Just(0u32), 0u32..1_000_000_000, Just(999_999_999u32)];
    (secs, nanos).prop_map(|(secs, nanos)| Timestamp::new(secs, nanos).expect("nanos below 1e9"))
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        int().prop_map(Value::Int),
        any::<u32>().prop_map(|b| Value::F32(f32::from_bits(b))),
        any::<u64>().prop_map(|b| Value::F64(f64::from_bits(b))),
        ".{0,40}".prop_map(Value::Str),
        length().prop_map(|n| Value::Str("é".repeat(n / 2) + &"a".repeat(n % 2))),
        length().prop_map(|n| Value::Bin((0..n).map(|i| (i * 7) as u8).collect())),
        timestamp().prop_map(Value::Timestamp),
        // Ext -1 is the timestamp type: other types only, any length (fixext sizes included).
        (any::<i8>().prop_filter("not the timestamp type", |t| *t != -1), prop_oneof![0usize..20, Just(16), Just(256)])
            .prop_map(|(t, n)| Value::Ext(t, vec![0xab; n])),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 20, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..20).prop_map(Value::Array),
            prop::collection::vec((inner.clone(), inner.clone()), 0..18).prop_map(Value::Map),
            // A large container, so the 16- and 32-bit headers are exercised.
            (inner, prop::sample::select(vec![16usize, 65535, 65536])).prop_map(|(v, n)| {
                let small = matches!(v, Value::Nil | Value::Bool(_) | Value::Int(_));
                Value::Array(vec![if small { v } else { Value::Nil }; n])
            }),
        ]
    })
}

// ---- an independent model of the canonical sizes, and a liberal (widening) encoder --------------------

fn header(len: usize, fix_max: usize) -> usize {
    if len <= fix_max {
        1
    } else if len < 256 && fix_max != 15 {
        2
    } else if len < 65536 {
        3
    } else {
        5
    }
}

/// The length of the smallest encoding, computed from the MessagePack spec without the encoder.
fn smallest_len(v: &Value) -> usize {
    match v {
        Value::Nil | Value::Bool(_) => 1,
        Value::Int(i) => match *i {
            -32..=127 => 1,
            -128..=255 => 2,
            -32768..=65535 => 3,
            -2_147_483_648..=4_294_967_295 => 5,
            _ => 9,
        },
        Value::F32(_) => 5,
        Value::F64(_) => 9,
        Value::Str(s) => header(s.len(), 31) + s.len(),
        Value::Bin(b) => (if b.len() < 256 { 2 } else { header(b.len(), 0) }) + b.len(),
        Value::Array(a) => header(a.len(), 15) + a.iter().map(smallest_len).sum::<usize>(),
        Value::Map(m) => header(m.len(), 15) + m.iter().map(|(k, v)| smallest_len(k) + smallest_len(v)).sum::<usize>(),
        Value::Timestamp(t) => {
            if t.nanos == 0 && (0..=u32::MAX as i64).contains(&t.secs) {
                6
            } else if (0..(1i64 << 34)).contains(&t.secs) {
                10
            } else {
                15
            }
        }
        Value::Ext(_, d) => {
            let head = match d.len() {
                1 | 2 | 4 | 8 | 16 => 2,
                n if n < 256 => 3,
                n if n < 65536 => 4,
                _ => 6,
            };
            head + d.len()
        }
    }
}

/// Picks among valid formats with the bytes of `choice` (cycled).
struct Chooser<'a> {
    choice: &'a [u8],
    at: usize,
}

impl Chooser<'_> {
    fn pick(&mut self, n: usize) -> usize {
        if self.choice.is_empty() || n == 0 {
            return 0;
        }
        let b = self.choice[self.at % self.choice.len()];
        self.at += 1;
        b as usize % n
    }
}

fn push_len(out: &mut Vec<u8>, markers: &[(u8, usize)], len: usize, fix: Option<(u8, usize)>, ch: &mut Chooser) {
    let mut options: Vec<(u8, usize)> = Vec::new();
    if let Some((base, max)) = fix {
        if len <= max {
            options.push((base | len as u8, 0));
        }
    }
    for &(m, width) in markers {
        if width == 4 || len < (1usize << (8 * width)) {
            options.push((m, width));
        }
    }
    let (m, width) = options[ch.pick(options.len())];
    out.push(m);
    out.extend_from_slice(&(len as u64).to_be_bytes()[8 - width..]);
}

/// Any valid encoding of `v`: every header may be wider than needed, timestamps may use a larger form.
fn encode_liberally(v: &Value, ch: &mut Chooser, out: &mut Vec<u8>) {
    match v {
        Value::Int(i) => {
            let i = *i;
            let mut options: Vec<(u8, usize)> = Vec::new();
            if (0..=127).contains(&i) || (-32..0).contains(&i) {
                options.push((i as i8 as u8, 0));
            }
            for (m, w) in [(0xccu8, 1usize), (0xcd, 2), (0xce, 4), (0xcf, 8)] {
                if i >= 0 && i < (1i128 << (8 * w)) {
                    options.push((m, w));
                }
            }
            for (m, w) in [(0xd0u8, 1usize), (0xd1, 2), (0xd2, 4), (0xd3, 8)] {
                if i >= -(1i128 << (8 * w - 1)) && i < (1i128 << (8 * w - 1)) {
                    options.push((m, w));
                }
            }
            let (m, w) = options[ch.pick(options.len())];
            out.push(m);
            if w > 0 {
                out.extend_from_slice(&(i as i64 as u64).to_be_bytes()[8 - w..]);
            }
        }
        Value::Str(s) => {
            push_len(out, &[(0xd9, 1), (0xda, 2), (0xdb, 4)], s.len(), Some((0xa0, 31)), ch);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bin(b) => {
            push_len(out, &[(0xc4, 1), (0xc5, 2), (0xc6, 4)], b.len(), None, ch);
            out.extend_from_slice(b);
        }
        Value::Array(items) => {
            push_len(out, &[(0xdc, 2), (0xdd, 4)], items.len(), Some((0x90, 15)), ch);
            for item in items {
                encode_liberally(item, ch, out);
            }
        }
        Value::Map(entries) => {
            push_len(out, &[(0xde, 2), (0xdf, 4)], entries.len(), Some((0x80, 15)), ch);
            for (k, v) in entries {
                encode_liberally(k, ch, out);
                encode_liberally(v, ch, out);
            }
        }
        Value::Timestamp(t) => {
            let mut forms: Vec<Vec<u8>> = Vec::new();
            if t.nanos == 0 && (0..=u32::MAX as i64).contains(&t.secs) {
                forms.push((t.secs as u32).to_be_bytes().to_vec());
            }
            if (0..(1i64 << 34)).contains(&t.secs) {
                forms.push((((t.nanos as u64) << 34) | t.secs as u64).to_be_bytes().to_vec());
            }
            let mut d96 = t.nanos.to_be_bytes().to_vec();
            d96.extend_from_slice(&t.secs.to_be_bytes());
            forms.push(d96);
            let data = forms.swap_remove(ch.pick(forms.len()));
            ext_header(out, -1, data.len(), ch);
            out.extend_from_slice(&data);
        }
        Value::Ext(t, d) => {
            ext_header(out, *t, d.len(), ch);
            out.extend_from_slice(d);
        }
        other => out.extend_from_slice(&encode(other)),
    }
}

fn ext_header(out: &mut Vec<u8>, ty: i8, len: usize, ch: &mut Chooser) {
    let fix = match len {
        1 => Some(0xd4u8),
        2 => Some(0xd5),
        4 => Some(0xd6),
        8 => Some(0xd7),
        16 => Some(0xd8),
        _ => None,
    };
    let mut options: Vec<(u8, usize)> = fix.map(|m| (m, 0)).into_iter().collect();
    for (m, w) in [(0xc7u8, 1usize), (0xc8, 2), (0xc9, 4)] {
        if w == 4 || len < (1usize << (8 * w)) {
            options.push((m, w));
        }
    }
    let (m, w) = options[ch.pick(options.len())];
    out.push(m);
    out.extend_from_slice(&(len as u64).to_be_bytes()[8 - w..]);
    out.push(ty as u8);
}

// ---- properties ----------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_in_decode_or_annotate(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let c = contracts();
        let decoded = decode(&bytes);
        for id in c.message_ids() {
            let r = annotate(c, id, &bytes);
            let _ = r.render();
            if decoded.is_ok() {
                prop_assert!(r.error.is_none(), "decode reads it but annotate stops: {:?}", r.error);
            }
        }
    }

    /// Bytes that look like MessagePack: a valid prefix (a golden vector) with mutations.
    #[test]
    fn mutated_golden_vectors_never_panic(case in 0usize..322, edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6), cut in any::<prop::sample::Index>()) {
        let c = contracts();
        let cases = golden_cases();
        let (id, bytes) = &cases[case % cases.len()];
        let mut b = bytes.clone();
        for (i, x) in &edits {
            let n = b.len();
            b[i.index(n)] = *x;
        }
        let n = b.len();
        b.truncate(cut.index(n + 1).max(1));
        let _ = decode(&b);
        let r = annotate(c, *id, &b);
        let _ = r.render();
    }

    #[test]
    fn arbitrary_bytes_never_panic_in_yaml_or_the_loader(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = msgpact::yaml::parse(FileId(0), &bytes);
        let mut c = Contracts::default();
        let mut d = Diagnostics::default();
        c.sources.add(Path::new("p.yaml"));
        load::load_bytes(&mut c, &mut d, FileId(0), &bytes);
        let _ = d.render_all(&c.sources);
    }

    /// YAML-ish text built from contract vocabulary reaches deeper than random bytes.
    #[test]
    fn yamlish_text_never_panics_in_the_loader(parts in prop::collection::vec(prop::sample::select(YAMLISH.to_vec()), 0..60)) {
        let text: String = parts.concat();
        let mut c = Contracts::default();
        let mut d = Diagnostics::default();
        c.sources.add(Path::new("p.yaml"));
        load::load_bytes(&mut c, &mut d, FileId(0), text.as_bytes());
        for x in &d.items {
            prop_assert!(x.span.is_some(), "{:?}", x);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn decode_inverts_encode(v in value()) {
        let bytes = encode(&v);
        let back = decode(&bytes).map_err(|e| TestCaseError::fail(format!("{e} for {}", v.render())))?;
        prop_assert!(back.same(&v), "{} != {}", back.render(), v.render());
        prop_assert_eq!(encode(&back), bytes);
    }

    #[test]
    fn encode_is_the_smallest_form(v in value(), choice in prop::collection::vec(any::<u8>(), 1..64)) {
        let canonical = encode(&v);
        prop_assert_eq!(canonical.len(), smallest_len(&v), "not the smallest size for {}", v.render());
        let mut other = Vec::new();
        encode_liberally(&v, &mut Chooser { choice: &choice, at: 0 }, &mut other);
        let back = decode(&other).map_err(|e| TestCaseError::fail(format!("{e}: a valid encoding of {} is rejected", v.render())))?;
        prop_assert!(back.same(&v), "{} != {}", back.render(), v.render());
        prop_assert!(other.len() >= canonical.len());
        prop_assert_eq!(encode(&back), canonical);
    }

    /// Non-negative integers are written in the uint family (DESIGN.md), negatives in the int family.
    #[test]
    fn integer_family(i in int()) {
        let b = encode(&Value::Int(i));
        if i >= 0 {
            prop_assert!(b[0] <= 0x7f || (0xcc..=0xcf).contains(&b[0]), "{i}: {:02x}", b[0]);
        } else {
            prop_assert!(b[0] >= 0xe0 || (0xd0..=0xd3).contains(&b[0]), "{i}: {:02x}", b[0]);
        }
    }
}

fn golden_cases() -> &'static Vec<(msgpact::contract::MsgId, Vec<u8>)> {
    static G: OnceLock<Vec<(msgpact::contract::MsgId, Vec<u8>)>> = OnceLock::new();
    G.get_or_init(|| msgpact::golden::generate(contracts()).into_iter().map(|c| (c.message, c.bytes)).collect())
}

const YAMLISH: [&str; 40] = [
    "package: p\n",
    "version: 1.0.0\n",
    "messages:\n",
    "enums:\n",
    "  M:\n",
    "  E:\n",
    "    fields:\n",
    "    examples:\n",
    "    values: [a, b]\n",
    "    repr: int\n",
    "    shape: array\n",
    "      - name: f\n",
    "        type: string\n",
    "        type: list<M>\n",
    "        type: map<uint8, E>\n",
    "        type: M\n",
    "        optional: true\n",
    "        nullable: true\n",
    "        constraints: {min_len: 1, max_len: 2}\n",
    "        constraints: {min: -1, max: 1e400}\n",
    "      minimal:\n",
    "        f: x\n",
    "        f: null\n",
    "        f: [1, 2]\n",
    "        f: {hex: \"zz\"}\n",
    "        f: !!binary AQI\n",
    "        f: 2024-05-01T12:00:00Z\n",
    "        f: 99999999999999999999999999999999999999999\n",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "&a ",
    "*a",
    "\"",
    "'",
    "\t",
    "\n",
];

// ---- golden generation for random contracts ------------------------------------------------------------

#[derive(Clone, Debug)]
struct FieldSpec {
    ty: String,
    optional: bool,
    nullable: bool,
}

fn field_type(depth: u32) -> BoxedStrategy<String> {
    let scalar = prop::sample::select(vec![
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float32",
        "float64",
        "string",
        "bytes",
        "timestamp",
        "Color",
        "Level",
        "Leaf",
    ])
    .prop_map(str::to_string);
    if depth == 0 {
        return scalar.boxed();
    }
    prop_oneof![
        4 => scalar,
        1 => field_type(depth - 1).prop_map(|t| format!("list<{t}>")),
        1 => (prop::sample::select(vec!["string", "int8", "uint16", "int64", "uint64"]), field_type(depth - 1)).prop_map(|(k, v)| format!("map<{k}, {v}>")),
    ]
    .boxed()
}

fn field_spec() -> impl Strategy<Value = FieldSpec> {
    (field_type(2), any::<bool>(), any::<bool>()).prop_map(|(ty, optional, nullable)| FieldSpec {
        ty,
        optional,
        nullable,
    })
}

fn contract_yaml(fields: &[FieldSpec], array: bool, self_ref: bool) -> String {
    let mut s = String::from(
        "package: gen\nversion: 1.0.0\nenums:\n  Color:\n    values: [red, green, blue]\n  Level:\n    repr: int\n    values: {low: -1, mid: 0, high: 200}\nmessages:\n  Leaf:\n    fields:\n      - name: n\n        type: int16\n    examples:\n      minimal: {n: -300}\n  Gen:\n",
    );
    if array {
        s.push_str("    shape: array\n");
    }
    s.push_str("    fields:\n");
    let mut specs: Vec<FieldSpec> = fields.to_vec();
    if self_ref {
        specs.push(FieldSpec { ty: "Gen".into(), optional: true, nullable: false });
        specs.push(FieldSpec { ty: "list<Gen>".into(), optional: false, nullable: false });
    }
    if array {
        // Optional fields only at the end of an array-shaped message.
        specs.sort_by_key(|f| f.optional);
    }
    for (i, f) in specs.iter().enumerate() {
        s.push_str(&format!("      - name: f{i}\n        type: {}\n", f.ty));
        if f.optional {
            s.push_str("        optional: true\n");
        }
        if f.nullable {
            s.push_str("        nullable: true\n");
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    #[test]
    fn golden_cases_of_random_contracts_decode_and_fit(fields in prop::collection::vec(field_spec(), 1..7), array in any::<bool>(), self_ref in any::<bool>()) {
        let yaml = contract_yaml(&fields, array, self_ref);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gen.yaml");
        std::fs::write(&path, &yaml).unwrap();
        let (c, d) = Contracts::load_files(&[path]);
        prop_assert!(!d.has_errors(), "{}\n{}", yaml, d.render_all(&c.sources));
        let id = c.find_message("gen.Gen").unwrap();
        let cases = msgpact::golden::cases::for_message(&c, id);
        prop_assert!(!cases.is_empty());
        for case in &cases {
            let v = decode(&case.bytes).map_err(|e| TestCaseError::fail(format!("{}: {e}", case.id)))?;
            prop_assert!(v.same(&case.value), "{}: {} != {}", case.id, v.render(), case.value.render());
            prop_assert_eq!(&encode(&v), &case.bytes);
            let r = annotate(&c, id, &case.bytes);
            prop_assert!(r.error.is_none() && r.problems() == 0, "{}\n{}:\n{}", yaml, case.id, r.render());
        }
    }
}
