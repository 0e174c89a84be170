//! Shrinking a failing value to a smallest one that still fails the same way.
//!
//! A random value that breaks a peer is mostly noise around one field, one character, one length.
//! [`candidates`] lists smaller variants of a value, structurally: optional fields dropped, nullable ones
//! nil, strings, bytes, lists and maps shortened (to the shortest allowed, to a half, by one element),
//! their elements shrunk in place, numbers moved toward zero or the nearest bound, characters made ASCII,
//! timestamps moved toward the epoch, enums toward a shorter value. Every candidate is a valid canonical
//! value of the message ([`fits`]) and strictly smaller by [`size`]; they come smallest first.
//!
//! [`Shrinker`] is the loop, driven by whoever can check a candidate (the fuzz run sends it through the
//! failing peer): batches of candidates go out, the first one that still fails becomes the value, and its
//! own candidates come next. Every step makes the value strictly smaller, so shrinking ends; a bound on the
//! checks ends it sooner.
use super::gen::fits;
use crate::contract::{Constraints, Contracts, MsgId, Num, Shape, Type};
use crate::wire::{encode, Timestamp, Value};
use std::collections::HashSet;

/// Most positions of one string, byte string, list or map tried per step (spread over its length).
const POSITIONS: usize = 16;
/// Most candidates kept per step (the smallest ones).
const MAX_CANDIDATES: usize = 512;
/// Most variants made per step, and about the most bytes they take together (large values get fewer).
const MAX_RAW: usize = 4096;
const RAW_BYTES: usize = 48 << 20;

/// How big a value is: its encoded length, then how plain its content is (0 for `false`, `0`, `+0.0`,
/// `"aaa"`, zero bytes and the epoch; more for larger numbers, other characters, non-zero bytes).
pub fn size(v: &Value) -> (usize, u64) {
    (encode(v).len(), plainness(v))
}

fn plainness(v: &Value) -> u64 {
    let bits = |x: u128| 128 - u64::from(x.leading_zeros());
    let float = |x: f64| {
        if x == 0.0 && x.is_sign_positive() {
            0
        } else if x.is_finite() && x.fract() == 0.0 {
            1
        } else if x.is_finite() {
            2
        } else {
            3
        }
    };
    match v {
        Value::Nil | Value::Bool(false) => 0,
        Value::Bool(true) => 1,
        Value::Int(i) => bits(i.unsigned_abs()) + u64::from(*i < 0),
        Value::F32(x) => float(*x as f64),
        Value::F64(x) => float(*x),
        Value::Str(s) => s
            .chars()
            .map(|ch| match ch {
                'a' => 0,
                _ if ch.is_ascii_alphanumeric() => 1,
                _ if ch.is_ascii() => 2,
                _ => 3,
            })
            .sum(),
        Value::Bin(b) => b.iter().filter(|x| **x != 0).count() as u64,
        Value::Array(items) => items.iter().map(plainness).sum(),
        Value::Map(entries) => entries.iter().map(|(k, x)| plainness(k) + plainness(x)).sum(),
        Value::Timestamp(t) => bits(t.secs.unsigned_abs() as u128) + bits(t.nanos as u128),
        Value::Ext(_, d) => d.len() as u64,
    }
}

/// The smaller variants of `v`, a value of message `id`: valid, canonical, strictly smaller by [`size`],
/// distinct, smallest first (at most [`MAX_CANDIDATES`]).
pub fn candidates(c: &Contracts, id: MsgId, v: &Value) -> Vec<Value> {
    let mut raw = Vec::new();
    let current = size(v);
    // Every variant is a whole copy of the value: at most about RAW_BYTES of them per step.
    let cap = (RAW_BYTES / current.0.max(1)).clamp(64, MAX_RAW);
    message_variants(c, id, v, &mut raw, 0, cap);
    let mut seen = HashSet::new();
    let mut out: Vec<((usize, u64), Value)> = raw
        .into_iter()
        .filter_map(|w| {
            let s = size(&w);
            (s < current && seen.insert(encode(&w))).then_some((s, w))
        })
        .collect();
    out.sort_by_key(|a| a.0);
    out.into_iter().map(|(_, w)| w).filter(|w| fits(c, id, w)).take(MAX_CANDIDATES).collect()
}

/// Variants of a message value, each with one change somewhere inside it.
fn message_variants(c: &Contracts, id: MsgId, v: &Value, out: &mut Vec<Value>, depth: usize, cap: usize) {
    let m = c.message(id);
    // An even share for every field, so that the first fields do not use up the cap.
    let share = (cap / m.fields.len().max(1)).max(4);
    match (m.shape, v) {
        (Shape::Map, Value::Map(entries)) => {
            for (i, (k, x)) in entries.iter().enumerate() {
                let Some(f) = m.fields.iter().find(|f| matches!(k, Value::Str(s) if *s == f.name)) else { continue };
                let with = |w: Option<Value>| {
                    let mut e = entries.clone();
                    match w {
                        Some(w) => e[i].1 = w,
                        None => {
                            e.remove(i);
                        }
                    }
                    Value::Map(e)
                };
                if f.optional {
                    out.push(with(None));
                }
                if *x != Value::Nil {
                    if f.nullable {
                        out.push(with(Some(Value::Nil)));
                    }
                    for w in typed_variants(c, &f.ty, &f.constraints, x, depth, share) {
                        out.push(with(Some(w)));
                    }
                }
            }
        }
        (Shape::Array, Value::Array(items)) => {
            for (i, x) in items.iter().enumerate() {
                let Some(f) = m.fields.get(i) else { continue };
                // Optional fields come last (E207): leaving this one out ends the array here.
                if f.optional {
                    out.push(Value::Array(items[..i].to_vec()));
                }
                let with = |w: Value| {
                    let mut e = items.clone();
                    e[i] = w;
                    Value::Array(e)
                };
                if *x != Value::Nil {
                    if f.nullable {
                        out.push(with(Value::Nil));
                    }
                    for w in typed_variants(c, &f.ty, &f.constraints, x, depth, share) {
                        out.push(with(w));
                    }
                }
            }
        }
        _ => {}
    }
}

/// Up to [`POSITIONS`] indexes of a sequence of `n`, spread over it.
fn positions(n: usize) -> Vec<usize> {
    spread(n, POSITIONS)
}

/// Up to `most` (and the last) indexes of a sequence of `n`, spread over it.
fn spread(n: usize, most: usize) -> Vec<usize> {
    if n <= most {
        return (0..n).collect();
    }
    let mut p: Vec<usize> = (0..most).map(|i| i * n / most).collect();
    p.push(n - 1);
    p.dedup();
    p
}

/// Sub-sequence lengths worth trying: the shortest allowed, then halves.
fn shorter(n: usize, lo: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if n > lo {
        out.push((0, lo));
        let half = n / 2;
        if half >= lo && half > 0 {
            out.push((0, half));
            out.push((n - half, n));
        }
    }
    out
}

/// Elements of a list or map shrunk in place at `depth` (nested containers): fewer the deeper, since every
/// variant of an element is a copy of the whole value around it (16, 4, then 1 position, none below 4).
fn inner(n: usize, depth: usize) -> Vec<usize> {
    match depth {
        0 => spread(n, POSITIONS),
        1 => spread(n, 4),
        2 | 3 => spread(n, 1),
        _ => Vec::new(),
    }
}

/// Variants of a value of type `ty`, at most `cap` of them (the bigger changes first).
fn typed_variants(c: &Contracts, ty: &Type, k: &Constraints, v: &Value, depth: usize, cap: usize) -> Vec<Value> {
    let none = Constraints::default();
    let lo = k.min_len.unwrap_or(0) as usize;
    let mut out = Vec::new();
    match (ty, v) {
        (Type::Bool, Value::Bool(true)) => out.push(Value::Bool(false)),
        (Type::Int(it), Value::Int(i)) => {
            let lo = match k.min {
                Some(Num::Int(m)) => m.max(it.min()),
                Some(Num::Float(x)) => (x.ceil() as i128).max(it.min()),
                None => it.min(),
            };
            let hi = match k.max {
                Some(Num::Int(m)) => m.min(it.max()),
                Some(Num::Float(x)) => (x.floor() as i128).min(it.max()),
                None => it.max(),
            };
            let target = 0i128.clamp(lo, hi.max(lo));
            let step = (i - target).signum();
            for t in [target, i - (i - target) / 2, i - step] {
                if t != *i {
                    out.push(Value::Int(t));
                }
            }
        }
        (Type::Float32, Value::F32(x)) => {
            let x = *x as f64;
            out.extend(float_targets(x).into_iter().map(|t| Value::F32(t as f32)));
        }
        (Type::Float64, Value::F64(x)) => out.extend(float_targets(*x).into_iter().map(Value::F64)),
        (Type::String, Value::Str(s)) => out.extend(string_variants(s, lo).into_iter().map(Value::Str)),
        (Type::Bytes, Value::Bin(b)) => {
            for (from, to) in shorter(b.len(), lo) {
                out.push(Value::Bin(b[from..to].to_vec()));
            }
            for j in positions(b.len()) {
                let mut d = b.clone();
                d.remove(j);
                out.push(Value::Bin(d));
            }
            out.push(Value::Bin(vec![0; b.len()]));
        }
        (Type::Timestamp, Value::Timestamp(t)) => {
            for (secs, nanos) in [(0, 0), (t.secs, 0), (0, t.nanos), (t.secs / 2, t.nanos)] {
                out.push(Value::Timestamp(Timestamp { secs, nanos }));
            }
        }
        (Type::Enum(id), _) => {
            let e = c.enum_def(*id);
            out.extend(e.values.iter().map(|x| e.wire(x)).filter(|w| w != v));
        }
        (Type::List(elem), Value::Array(items)) => {
            for (from, to) in shorter(items.len(), lo) {
                out.push(Value::Array(items[from..to].to_vec()));
            }
            for j in positions(items.len()) {
                if items.len() > lo {
                    let mut e = items.clone();
                    e.remove(j);
                    out.push(Value::Array(e));
                }
            }
            for j in inner(items.len(), depth) {
                if out.len() >= cap {
                    break;
                }
                for w in typed_variants(c, elem, &none, &items[j], depth + 1, cap - out.len()) {
                    let mut e = items.clone();
                    e[j] = w;
                    out.push(Value::Array(e));
                }
            }
        }
        (Type::Map(kt, vt), Value::Map(entries)) => {
            for (from, to) in shorter(entries.len(), lo) {
                out.push(Value::Map(entries[from..to].to_vec()));
            }
            for j in positions(entries.len()) {
                if entries.len() > lo {
                    let mut e = entries.clone();
                    e.remove(j);
                    out.push(Value::Map(e));
                }
            }
            for j in inner(entries.len(), depth) {
                if out.len() >= cap {
                    break;
                }
                for w in typed_variants(c, vt, &none, &entries[j].1, depth + 1, cap - out.len()) {
                    let mut e = entries.clone();
                    e[j].1 = w;
                    out.push(Value::Map(e));
                }
                for key in typed_variants(c, kt, &none, &entries[j].0, depth + 1, cap) {
                    let mut e = entries.clone();
                    e[j].0 = key;
                    if let Some(sorted) = sorted_distinct(e) {
                        out.push(Value::Map(sorted));
                    }
                }
            }
        }
        (Type::Message(id), _) if depth < 4 => message_variants(c, *id, v, &mut out, depth + 1, cap),
        _ => {}
    }
    out.truncate(cap.max(1));
    out
}

/// Zero, the integer part, half: moved toward zero (the range check of [`fits`] keeps the allowed ones).
fn float_targets(x: f64) -> Vec<f64> {
    if !x.is_finite() {
        return vec![0.0, 1.0];
    }
    vec![0.0, x.trunc(), x / 2.0, 1.0]
}

/// Shorter and plainer strings: the shortest allowed prefix, halves, one character less (at spread
/// positions), every non-ASCII character as `a`, and one character at a time as `a`.
fn string_variants(s: &str, lo: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    // The shortest prefix of at least `lo` bytes.
    let mut prefix = String::new();
    for ch in &chars {
        if prefix.len() >= lo {
            break;
        }
        prefix.push(*ch);
    }
    out.push(prefix);
    let n = chars.len();
    let half = n / 2;
    if half > 0 {
        out.push(chars[..half].iter().collect());
        out.push(chars[n - half..].iter().collect());
    }
    for j in positions(n) {
        let mut t = chars.clone();
        t.remove(j);
        out.push(t.into_iter().collect());
    }
    out.push(chars.iter().map(|ch| if ch.is_ascii() { *ch } else { 'a' }).collect());
    // The same bytes in plainer characters: every non-ASCII character as as many `a`s as it has bytes, or
    // one at a time as a 2-byte `é` and `a`s (a bug may need the byte length and a multi-byte character).
    out.push(chars.iter().map(|ch| "a".repeat(ch.len_utf8())).collect());
    let mut wide: Vec<usize> = (0..n).filter(|&j| chars[j].len_utf8() > 1).collect();
    wide.sort_by_key(|&j| std::cmp::Reverse(chars[j].len_utf8()));
    for &j in wide.iter().take(POSITIONS) {
        let mut t: Vec<String> = chars.iter().map(|ch| ch.to_string()).collect();
        t[j] = "a".repeat(chars[j].len_utf8());
        out.push(t.concat());
        if chars[j].len_utf8() > 2 || chars[j] != '\u{e9}' {
            t[j] = format!("\u{e9}{}", "a".repeat(chars[j].len_utf8() - 2));
            out.push(t.concat());
        }
    }
    // Non-ASCII characters first: they are the likelier suspects, and the costlier ones.
    let mut order: Vec<usize> = (0..n).filter(|&j| chars[j] != 'a').collect();
    order.sort_by_key(|&j| std::cmp::Reverse(chars[j].len_utf8()));
    for j in order.into_iter().take(POSITIONS) {
        let mut t = chars.clone();
        t[j] = 'a';
        out.push(t.into_iter().collect());
    }
    out
}

/// Map entries sorted by their encoded keys, or `None` when two keys are now the same.
fn sorted_distinct(entries: Vec<(Value, Value)>) -> Option<Vec<(Value, Value)>> {
    let mut keyed: Vec<(Vec<u8>, (Value, Value))> = entries.into_iter().map(|kv| (encode(&kv.0), kv)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    if keyed.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    Some(keyed.into_iter().map(|(_, kv)| kv).collect())
}

/// The shrinking loop, driven from outside: take a batch of candidates with [`Shrinker::batch`], check
/// them, hand the results to [`Shrinker::report`]; repeat until the batch is empty.
pub struct Shrinker<'c> {
    c: &'c Contracts,
    id: MsgId,
    current: Value,
    pending: std::collections::VecDeque<Value>,
    /// Candidates checked so far.
    pub checks: usize,
    /// Times a smaller failing value was found.
    pub steps: usize,
    max_checks: usize,
}

impl<'c> Shrinker<'c> {
    /// Shrinks `failing`, a value of `id`, with at most `max_checks` checks.
    pub fn new(c: &'c Contracts, id: MsgId, failing: Value, max_checks: usize) -> Self {
        let pending = candidates(c, id, &failing).into();
        Shrinker { c, id, current: failing, pending, checks: 0, steps: 0, max_checks }
    }

    /// The smallest failing value found so far.
    pub fn current(&self) -> &Value {
        &self.current
    }

    /// The next candidates to check (at most `n`); empty when shrinking is over.
    pub fn batch(&mut self, n: usize) -> Vec<Value> {
        let n = n.min(self.max_checks.saturating_sub(self.checks)).min(self.pending.len());
        self.checks += n;
        self.pending.drain(..n).collect()
    }

    /// Which candidates of the last batch still fail, in batch order: the first becomes the value.
    pub fn report(&mut self, batch: Vec<Value>, fails: &[bool]) {
        if let Some(w) = batch.into_iter().zip(fails).find_map(|(w, f)| f.then_some(w)) {
            self.pending = candidates(self.c, self.id, &w).into();
            self.current = w;
            self.steps += 1;
        }
    }
}

/// Shrinks `failing` with a check that runs in place (tests, and anything that needs no NATS).
pub fn shrink_with(
    c: &Contracts,
    id: MsgId,
    failing: Value,
    max_checks: usize,
    mut fails: impl FnMut(&Value) -> bool,
) -> (Value, usize) {
    let mut s = Shrinker::new(c, id, failing, max_checks);
    loop {
        let batch = s.batch(32);
        if batch.is_empty() {
            return (s.current, s.checks);
        }
        let results: Vec<bool> = batch.iter().map(&mut fails).collect();
        s.report(batch, &results);
    }
}

#[cfg(test)]
#[path = "shrink_tests.rs"]
mod tests;
