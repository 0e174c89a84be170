//! Golden generation speed on a synthetic suite of 1,000 message types, against plain rmpv encoding of the
//! same values in the same run (docs/benchmarks.md, "Foundation").
//!
//! Setup (not timed): YAML contracts for 10 packages x 100 messages are generated into a temp directory and
//! loaded with `Contracts::load_dir`. Each message has a realistic mix of fields (integers of every width,
//! floats, bools, string and int enums, strings and bytes with `max_len`, timestamps, lists, maps with
//! string and integer keys, nullable and optional fields, a nested reference to another message) and two
//! examples. Timed:
//! - `msgpact_generate`: `msgpact::golden::generate` (every example and edge case: building the values
//!   and encoding them canonically); throughput in vectors.
//! - `rmpv_encode` (the baseline): the same values, converted to `rmpv::Value` beforehand, encoded with
//!   `rmpv::encode::write_value` into one reused buffer.
//! - `msgpact_expected`: `golden::store::expected` on the generated cases (the readable twins: annotate,
//!   render, sha256), which `golden --check` also does; for information.
//!
//! Everything runs on one thread, so vectors/s is vectors/s/core. Run: `cargo bench --bench golden_generate`
//! (or `ci/bench.sh`, which also prints the ratio).
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use msgpact::contract::Contracts;
use msgpact::golden::{self, store};
use msgpact::wire::{encode, Value};
use std::fmt::Write as _;
use std::time::Duration;

const PACKAGES: usize = 10;
const MESSAGES_PER_PACKAGE: usize = 100;

/// One synthetic package: a shared leaf message, two enums and 100 messages (99 + the leaf).
fn package_yaml(p: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "package: p{p:02}\nversion: 1.{p}.0\ndoc: Synthetic package {p} for the golden generation benchmark.\n"
    );
    s.push_str("enums:\n  Status:\n    values: [active, paused, closed, deleted]\n  Code:\n    repr: int\n    values: {ok: 0, retry: 1, fail: 2, unknown: 255}\n\nmessages:\n");
    s.push_str(
        "  Leaf:\n    doc: A small message nested in others.\n    fields:\n      - name: key\n        type: string\n        constraints: {max_len: 32}\n      - name: value\n        type: int32\n    examples:\n      minimal: {key: \"\", value: 0}\n      typical: {key: alpha, value: -42}\n",
    );
    for m in 1..MESSAGES_PER_PACKAGE {
        s.push_str(&message_yaml(p, m));
    }
    s
}

/// A field of the pool: name, type, extra YAML lines, whether it is required, and its two example values.
struct F {
    name: &'static str,
    ty: String,
    extra: &'static str,
    required: bool,
    minimal: &'static str,
    full: String,
}

fn pool(p: usize, m: usize) -> Vec<F> {
    // A nested reference: the previous message of this package, or the leaf of the next package (written
    // out in the `full` example; a reference to an M message is left out and gets its edge cases).
    let (ref_ty, ref_full) = if m > 1 && !m.is_multiple_of(3) {
        (format!("M{:03}", m - 1), String::new())
    } else {
        (format!("p{:02}.Leaf", (p + 1) % PACKAGES), "{key: beta, value: 7}".to_string())
    };
    vec![
        F {
            name: "id",
            ty: "string".into(),
            extra: "        constraints: {min_len: 1, max_len: 64}\n",
            required: true,
            minimal: "x",
            full: format!("\"req-{p}-{m}-7f3a9c2e\""),
        },
        F { name: "seq", ty: "uint32".into(), extra: "", required: true, minimal: "0", full: format!("{}", 1000 + m) },
        F { name: "small", ty: "int8".into(), extra: "", required: true, minimal: "0", full: "-7".into() },
        F {
            name: "delta",
            ty: "int16".into(),
            extra: "        constraints: {min: -1000, max: 1000}\n",
            required: true,
            minimal: "0",
            full: "-999".into(),
        },
        F { name: "count", ty: "int32".into(), extra: "", required: true, minimal: "0", full: "123456".into() },
        F {
            name: "total",
            ty: "int64".into(),
            extra: "",
            required: true,
            minimal: "0",
            full: "-9007199254740993".into(),
        },
        F { name: "flags", ty: "uint8".into(), extra: "", required: true, minimal: "0", full: "255".into() },
        F { name: "port", ty: "uint16".into(), extra: "", required: true, minimal: "0", full: "8080".into() },
        F {
            name: "big",
            ty: "uint64".into(),
            extra: "",
            required: true,
            minimal: "0",
            full: "18446744073709551615".into(),
        },
        F {
            name: "ratio",
            ty: "float32".into(),
            extra: "        constraints: {min: 0.0, max: 1.0}\n",
            required: true,
            minimal: "0.0",
            full: "0.25".into(),
        },
        F { name: "score", ty: "float64".into(), extra: "", required: true, minimal: "0.0", full: "-1234.5678".into() },
        F { name: "active", ty: "bool".into(), extra: "", required: true, minimal: "false", full: "true".into() },
        F { name: "status", ty: "Status".into(), extra: "", required: true, minimal: "active", full: "closed".into() },
        F { name: "code", ty: "Code".into(), extra: "", required: true, minimal: "ok", full: "unknown".into() },
        F {
            name: "payload",
            ty: "bytes".into(),
            extra: "        optional: true\n        constraints: {max_len: 1024}\n",
            required: false,
            minimal: "",
            full: "{hex: \"52 49 46 46 24 00 00 00 57 41 56 45\"}".into(),
        },
        F {
            name: "created_at",
            ty: "timestamp".into(),
            extra: "",
            required: true,
            minimal: "1970-01-01T00:00:00Z",
            full: "2024-05-01T12:00:00.123456789Z".into(),
        },
        F {
            name: "tags",
            ty: "list<string>".into(),
            extra: "        constraints: {max_len: 16}\n",
            required: true,
            minimal: "[]",
            full: "[a, bb, ccc]".into(),
        },
        F {
            name: "attrs",
            ty: "map<string, string>".into(),
            extra: "",
            required: true,
            minimal: "{}",
            full: "{tenant: acme, region: eu-west-1}".into(),
        },
        F {
            name: "weights",
            ty: "map<uint16, float64>".into(),
            extra: "        optional: true\n",
            required: false,
            minimal: "",
            full: "{1: 0.5, 300: 0.25}".into(),
        },
        F {
            name: "note",
            ty: "string".into(),
            extra: "        nullable: true\n        constraints: {max_len: 256}\n",
            required: true,
            minimal: "null",
            full: "\"a short note\"".into(),
        },
        F {
            name: "child",
            ty: ref_ty,
            extra: "        optional: true\n",
            required: false,
            minimal: "",
            full: ref_full,
        },
    ]
}

fn message_yaml(p: usize, m: usize) -> String {
    let fields = pool(p, m);
    // A realistic mix: every message leaves out a different fifth of the pool (never `id`).
    let chosen: Vec<&F> =
        fields.iter().enumerate().filter(|(k, _)| *k == 0 || !(k + m).is_multiple_of(5)).map(|(_, f)| f).collect();
    let mut s = format!("  M{m:03}:\n    doc: Synthetic message {m}.\n");
    if m % 10 == 9 {
        s.push_str("    shape: array\n");
    }
    s.push_str("    fields:\n");
    // Array-shaped messages need their optional fields last.
    let mut ordered = chosen.clone();
    if m % 10 == 9 {
        ordered.sort_by_key(|f| !f.required);
    }
    for f in &ordered {
        let _ = write!(s, "      - name: {}\n        type: {}\n{}", f.name, f.ty, f.extra);
    }
    s.push_str("    examples:\n      minimal:\n");
    for f in ordered.iter().filter(|f| f.required) {
        let _ = writeln!(s, "        {}: {}", f.name, f.minimal);
    }
    s.push_str("      full:\n");
    for f in &ordered {
        if f.full.is_empty() {
            continue;
        }
        let _ = writeln!(s, "        {}: {}", f.name, f.full);
    }
    s
}

struct Suite {
    contracts: Contracts,
    _dir: tempfile::TempDir,
}

fn suite() -> Suite {
    let dir = tempfile::tempdir().expect("temp dir");
    for p in 0..PACKAGES {
        std::fs::write(dir.path().join(format!("p{p:02}.yaml")), package_yaml(p)).expect("write contract");
    }
    let (contracts, diags) = Contracts::load_dir(dir.path());
    assert!(!diags.has_errors(), "synthetic contracts do not lint:\n{}", diags.render_all(&contracts.sources));
    let n = contracts.message_ids().count();
    assert_eq!(n, PACKAGES * MESSAGES_PER_PACKAGE, "message types");
    Suite { contracts, _dir: dir }
}

/// The same value as rmpv sees it (timestamps are ext -1 with the canonical data).
fn to_rmpv(v: &Value) -> rmpv::Value {
    match v {
        Value::Nil => rmpv::Value::Nil,
        Value::Bool(b) => rmpv::Value::Boolean(*b),
        Value::Int(i) if *i >= 0 => rmpv::Value::Integer((*i as u64).into()),
        Value::Int(i) => rmpv::Value::Integer((*i as i64).into()),
        Value::F32(f) => rmpv::Value::F32(*f),
        Value::F64(f) => rmpv::Value::F64(*f),
        Value::Str(s) => rmpv::Value::String(s.clone().into()),
        Value::Bin(b) => rmpv::Value::Binary(b.clone()),
        Value::Array(a) => rmpv::Value::Array(a.iter().map(to_rmpv).collect()),
        Value::Map(m) => rmpv::Value::Map(m.iter().map(|(k, v)| (to_rmpv(k), to_rmpv(v))).collect()),
        Value::Timestamp(t) => rmpv::Value::Ext(-1, t.ext_data()),
        Value::Ext(t, d) => rmpv::Value::Ext(*t, d.clone()),
    }
}

fn bench(c: &mut Criterion) {
    let s = suite();
    let cases = golden::generate(&s.contracts);
    let n = cases.len() as u64;
    let bytes: usize = cases.iter().map(|c| c.bytes.len()).sum();
    // The baseline encodes exactly the same values to exactly the same bytes.
    let values: Vec<rmpv::Value> = cases.iter().map(|c| to_rmpv(&c.value)).collect();
    let mut buf = Vec::with_capacity(bytes + 1024);
    for (case, v) in cases.iter().zip(&values) {
        buf.clear();
        rmpv::encode::write_value(&mut buf, v).expect("rmpv encodes");
        assert_eq!(buf, case.bytes, "rmpv and msgpact disagree on {}", case.id);
        assert_eq!(encode(&case.value), case.bytes);
    }
    eprintln!(
        "suite: {} message types, {n} vectors ({} examples, {} edge cases), {:.1} MB of canonical bytes",
        s.contracts.message_ids().count(),
        cases.iter().filter(|c| c.id.starts_with("example.")).count(),
        cases.iter().filter(|c| c.id.starts_with("edge.")).count(),
        bytes as f64 / 1e6
    );

    let mut g = c.benchmark_group("golden_1000_types");
    g.sample_size(10).warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(n));
    g.bench_function(BenchmarkId::new("msgpact_generate", n), |b| {
        b.iter(|| black_box(golden::generate(black_box(&s.contracts))))
    });
    g.bench_function(BenchmarkId::new("rmpv_encode", n), |b| {
        b.iter(|| {
            let mut total = 0usize;
            for v in &values {
                buf.clear();
                rmpv::encode::write_value(&mut buf, black_box(v)).expect("rmpv encodes");
                total += buf.len();
            }
            black_box(total)
        })
    });
    g.bench_function(BenchmarkId::new("msgpact_expected", n), |b| {
        b.iter(|| black_box(store::expected(&s.contracts, black_box(&cases))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
