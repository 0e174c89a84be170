//! The edge points of each scalar type: integer width boundaries, float specials, string and bytes lengths
//! around the format boundaries, every timestamp form, every enum value. The golden cases
//! ([`super::cases`]) are built from them, and weighed ([`super::budget`]) before they are built.
use crate::contract::{Constraints, Contracts, Num, Type};
use crate::limits::MAX_EDGE_LEN;
use crate::wire::{encode, Timestamp, Value};

const INT_POINTS: [i128; 19] = [
    0,
    127,
    128,
    255,
    256,
    65535,
    65536,
    4_294_967_295,
    4_294_967_296,
    -1,
    -32,
    -33,
    -128,
    -129,
    -32768,
    -32769,
    -2_147_483_648,
    -2_147_483_649,
    1,
];
pub(super) const LENGTHS: [usize; 8] = [0, 1, 31, 32, 255, 256, 65535, 65536];
pub(super) const SIZES: [usize; 4] = [0, 1, 15, 16];

/// The variants of a value of a scalar type (bool, numbers, string, bytes, timestamp, enum) the constraints
/// allow, named; none for the other types (lists, maps and messages are built in [`super::cases`]).
pub(super) fn scalar_variants(c: &Contracts, ty: &Type, k: &Constraints) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    match ty {
        Type::Bool => {
            out.push(("false".into(), Value::Bool(false)));
            out.push(("true".into(), Value::Bool(true)));
        }
        Type::Int(it) => {
            let mut points: Vec<i128> = INT_POINTS.to_vec();
            points.extend([it.min(), it.max()]);
            points.extend([k.min, k.max].into_iter().flatten().filter_map(|n| {
                if let Num::Int(i) = n {
                    Some(i)
                } else {
                    None
                }
            }));
            points.retain(|&i| i >= it.min() && i <= it.max() && in_range(i as f64, k));
            points.sort();
            points.dedup();
            out.extend(points.into_iter().map(|i| (i.to_string(), Value::Int(i))));
        }
        Type::Float32 | Type::Float64 => {
            let f32_ty = *ty == Type::Float32;
            let (largest, tiny) =
                if f32_ty { (f32::MAX as f64, f32::from_bits(1) as f64) } else { (f64::MAX, f64::from_bits(1)) };
            let mut points: Vec<(&str, f64)> = vec![
                ("zero", 0.0),
                ("neg-zero", -0.0),
                ("one", 1.0),
                ("tenth", 0.1),
                ("largest", largest),
                ("neg-largest", -largest),
                ("tiny", tiny),
            ];
            if let Some(m) = k.min {
                points.push(("min", m.as_f64()));
            }
            if let Some(m) = k.max {
                points.push(("max", m.as_f64()));
            }
            points.retain(|(_, x)| in_range(*x, k));
            if k.allow_nan {
                points.push(("nan", f64::NAN));
            }
            if k.allow_infinity {
                points.extend(
                    [("inf", f64::INFINITY), ("neg-inf", f64::NEG_INFINITY)]
                        .into_iter()
                        .filter(|(_, x)| in_range(*x, k)),
                );
            }
            let mut seen = Vec::new();
            for (name, x) in points {
                let v = if f32_ty { Value::F32(x as f32) } else { Value::F64(x) };
                let bits = encode(&v);
                if !seen.contains(&bits) {
                    seen.push(bits);
                    out.push((name.to_string(), v));
                }
            }
        }
        Type::String => {
            for n in lengths(k, &LENGTHS, MAX_EDGE_LEN) {
                out.push((format!("len-{n}"), Value::Str(text_of_len(n))));
            }
            let utf8 = "ünïcödé ✓ 🎉 中文";
            if len_ok(utf8.len(), k) {
                out.push(("utf8".into(), Value::Str(utf8.into())));
            }
        }
        Type::Bytes => {
            for n in lengths(k, &LENGTHS, MAX_EDGE_LEN) {
                out.push((format!("len-{n}"), Value::Bin((0..n).map(|i| (i % 251) as u8).collect())));
            }
        }
        Type::Timestamp => {
            let points: [(&str, i64, u32); 8] = [
                ("ts32-epoch", 0, 0),
                ("ts32", 1_514_862_245, 0),
                ("ts32-max", u32::MAX as i64, 0),
                ("ts64", 1_514_862_245, 678_901_234),
                ("ts64-max", (1 << 34) - 1, 999_999_999),
                ("ts96-before-epoch", -1, 0),
                ("ts96-year-1", -62_135_596_800, 1),
                ("ts96-after-2514", 1 << 34, 0),
            ];
            out.extend(
                points.iter().map(|(n, s, ns)| (n.to_string(), Value::Timestamp(Timestamp { secs: *s, nanos: *ns }))),
            );
        }
        Type::Enum(id) => {
            let e = c.enum_def(*id);
            out.extend(e.values.iter().map(|v| (v.name.clone(), e.wire(v))));
        }
        _ => {}
    }
    out
}

fn in_range(x: f64, k: &Constraints) -> bool {
    k.min.is_none_or(|m| x >= m.as_f64()) && k.max.is_none_or(|m| x <= m.as_f64())
}

fn len_ok(n: usize, k: &Constraints) -> bool {
    k.min_len.is_none_or(|m| n as u64 >= m) && k.max_len.is_none_or(|m| n as u64 <= m)
}

/// The boundary lengths the constraints allow, plus the constraints' own bounds, none above `cap` (a
/// `max_len` beyond it is generated at `cap`; docs/limits.md).
pub(super) fn lengths(k: &Constraints, points: &[usize], cap: usize) -> Vec<usize> {
    let mut v: Vec<usize> = points.to_vec();
    v.extend([k.min_len, k.max_len].into_iter().flatten().map(|n| n.min(cap as u64) as usize));
    v.retain(|&n| n <= cap && len_ok(n, k));
    v.sort();
    v.dedup();
    v
}

pub(super) fn text_of_len(n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..n).map(|i| ALPHABET[i % ALPHABET.len()] as char).collect()
}
