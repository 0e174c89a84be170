//! Random valid values of a message type, drawn from the contracts: what `msgpact fuzz` sends.
//!
//! Golden vectors change one field of an example at a time; the values nobody wrote down are whole values
//! with everything at once. A generated value has every field, nested messages to a bounded depth,
//! optional and nullable fields in every presence (the top-level combinations in turn, see
//! [`presence_count`]), integers and floats biased to the format boundaries and to the limits of their type
//! and constraints, strings mixing ASCII, NUL, multi-byte and astral-plane characters, lengths on both sides
//! of every str/bin/array/map header boundary (31/32, 255/256, 15/16, 65535/65536) within the constraints,
//! timestamps in all three ext -1 forms and every enum value. Each value respects its contract (types,
//! constraints, map keys distinct and sorted) and is in canonical shape, so its canonical bytes are exactly
//! what every peer must write back; [`fits`] checks that with the same reading golden twins use.
//!
//! Randomness comes from ChaCha8 ([`stream`]): the value of case `n` of a message depends only on the
//! seed, the message and `n`, on every platform, so a printed seed repeats a run exactly.
use crate::annotate::annotate;
use crate::contract::{Constraints, Contracts, MsgId, Shape, Type};
use crate::wire::{encode, Value};
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, HashSet};

/// 0001-01-01T00:00:00Z: timestamps are generated from here...
pub const MIN_TIMESTAMP_SECS: i64 = -62_135_596_800;
/// ...to 9999-12-31T23:59:59Z, the years every reference library's date type holds (Python's `datetime`
/// stops at 9999); golden's own edge cases stay within them too.
pub const MAX_TIMESTAMP_SECS: i64 = 253_402_300_799;

/// How large and deep generated values get.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Nested messages below this depth only take what they must (absent, nil, the fewest items).
    pub max_depth: usize,
    /// About the largest encoded value (a soft bound: required content always goes in).
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // 65,536-byte strings and 65,536-item arrays of small values fit; NATS's default max_payload is 1 MiB.
        Limits { max_depth: 4, max_bytes: 192 << 10 }
    }
}

/// The random stream of case `n` of message number `message` (its index in the contracts) in a run with
/// `seed`: ChaCha8 seeded from the seed, one stream per case.
pub fn stream(seed: u64, message: usize, n: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((message as u64) << 40) ^ n);
    rng
}

/// Whether `v` is a valid canonical value of `id`: its canonical bytes read without a problem or a
/// deviation (types, constraints, shapes, key order), exactly as a golden twin is annotated.
pub fn fits(c: &Contracts, id: MsgId, v: &Value) -> bool {
    bytes_fit(c, id, &encode(v))
}

/// Whether `bytes` are a valid canonical payload of `id` (see [`fits`]).
pub fn bytes_fit(c: &Contracts, id: MsgId, bytes: &[u8]) -> bool {
    let r = annotate(c, id, bytes);
    r.error.is_none() && r.findings().next().is_none()
}

/// What a field holds in one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Value,
    Absent,
    Nil,
}

fn states(optional: bool, nullable: bool) -> &'static [Presence] {
    match (optional, nullable) {
        (true, true) => &[Presence::Value, Presence::Absent, Presence::Nil],
        (true, false) => &[Presence::Value, Presence::Absent],
        (false, true) => &[Presence::Value, Presence::Nil],
        (false, false) => &[Presence::Value],
    }
}

/// How many presence combinations the top-level fields of `id` have (absent or present for optional
/// fields, nil or a value for nullable ones, all three for both), saturating.
pub fn presence_count(c: &Contracts, id: MsgId) -> u64 {
    c.message(id).fields.iter().fold(1u64, |n, f| n.saturating_mul(states(f.optional, f.nullable).len() as u64))
}

/// Combination number `combo` (mixed radix over the fields, the first field fastest).
pub fn presence(c: &Contracts, id: MsgId, mut combo: u64) -> Vec<Presence> {
    c.message(id)
        .fields
        .iter()
        .map(|f| {
            let s = states(f.optional, f.nullable);
            let p = s[(combo % s.len() as u64) as usize];
            combo /= s.len() as u64;
            p
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum LenKind {
    Str,
    Bin,
    Items,
}

/// Lengths on both sides of the header boundaries of each kind (arrays and maps have no 8-bit form).
fn boundaries(kind: LenKind) -> &'static [usize] {
    match kind {
        LenKind::Str => &[0, 1, 31, 32, 255, 256, 65535, 65536],
        LenKind::Bin => &[0, 1, 255, 256, 65535, 65536],
        LenKind::Items => &[0, 1, 15, 16, 65535, 65536],
    }
}

/// Characters that break things: NUL and controls, the first and last of each UTF-8 length, the BOM, line
/// and paragraph separators, the edges of the surrogate gap, a combining mark, emoji.
const SPECIAL_CHARS: [char; 20] = [
    '\0',
    '\u{1}',
    '\u{7f}',
    '\u{80}',
    '\u{7ff}',
    '\u{800}',
    '\u{ffff}',
    '\u{feff}',
    '\u{2028}',
    '\u{d7ff}',
    '\u{e000}',
    '\u{fffd}',
    '\u{301}',
    '\u{10000}',
    '\u{10ffff}',
    '🎉',
    '中',
    'é',
    '"',
    '\\',
];

/// Draws values. One per case: see [`stream`].
pub struct Gen<'c> {
    c: &'c Contracts,
    pub(super) rng: ChaCha8Rng,
    limits: Limits,
    /// Encoded size of the smallest value of each message (to know how many fit a budget).
    min_sizes: HashMap<MsgId, usize>,
}

impl<'c> Gen<'c> {
    pub fn new(c: &'c Contracts, rng: ChaCha8Rng, limits: Limits) -> Self {
        Gen { c, rng, limits, min_sizes: HashMap::new() }
    }

    /// A value of message `id`. `combo` fixes the presence of its top-level optional and nullable fields
    /// (see [`presence`]); `None` draws it.
    pub fn message(&mut self, id: MsgId, combo: Option<u64>) -> Value {
        let presence = combo.map(|n| presence(self.c, id, n));
        // The budget is shared out as the value is drawn, with floors that a long list of small messages
        // can add up past it: a value over the bound is drawn again with a quarter of the budget.
        let mut budget = self.limits.max_bytes;
        loop {
            let v = self.msg(id, presence.clone(), 0, budget);
            if budget <= 256 || encode(&v).len() <= self.limits.max_bytes {
                return v;
            }
            budget /= 4;
        }
    }

    fn msg(&mut self, id: MsgId, presence: Option<Vec<Presence>>, depth: usize, budget: usize) -> Value {
        let c = self.c;
        let m = c.message(id);
        let deep = depth >= self.limits.max_depth;
        let mut left = budget.saturating_sub(5);
        let mut slots: Vec<Option<Value>> = Vec::with_capacity(m.fields.len());
        for (i, f) in m.fields.iter().enumerate() {
            let s = states(f.optional, f.nullable);
            let p = match &presence {
                Some(p) => p[i],
                // Deep down, only what must be there: the value stays finite for recursive types.
                None if deep => *s.last().unwrap_or(&Presence::Value),
                None if s.len() > 1 && self.rng.gen_ratio(2, 5) => s[self.rng.gen_range(1..s.len())],
                None => Presence::Value,
            };
            let v = match p {
                Presence::Absent => None,
                Presence::Nil => Some(Value::Nil),
                Presence::Value => {
                    // An even share of what is left, or (one field in four) all of it: any field may
                    // reach the 64 KiB boundaries.
                    let share = if self.rng.gen_ratio(1, 4) { left } else { left / (m.fields.len() - i).max(1) };
                    let v = self.typed(&f.ty, &f.constraints, depth, share.max(16));
                    left = left.saturating_sub(encode(&v).len() + f.name.len() + 1);
                    Some(v)
                }
            };
            slots.push(v);
        }
        match m.shape {
            Shape::Map => Value::Map(
                m.fields.iter().zip(slots).filter_map(|(f, v)| Some((Value::Str(f.name.clone()), v?))).collect(),
            ),
            // Optional fields come last in an array (E207): the first absent one ends the array.
            Shape::Array => Value::Array(slots.into_iter().map_while(|v| v).collect()),
        }
    }

    fn typed(&mut self, ty: &Type, k: &Constraints, depth: usize, budget: usize) -> Value {
        match ty {
            Type::Bool => Value::Bool(self.rng.gen()),
            Type::Int(it) => Value::Int(self.int(*it, k)),
            Type::Float32 => Value::F32(self.float(true, k) as f32),
            Type::Float64 => Value::F64(self.float(false, k)),
            Type::String => {
                let n = self.length(k, LenKind::Str, budget, 1, depth);
                Value::Str(self.text(n))
            }
            Type::Bytes => {
                let n = self.length(k, LenKind::Bin, budget, 1, depth);
                Value::Bin(self.bytes(n))
            }
            Type::Timestamp => Value::Timestamp(self.timestamp()),
            Type::List(elem) => {
                let item = self.min_size(elem);
                let n = self.length(k, LenKind::Items, budget, item, depth);
                let each = budget.saturating_sub(5) / n.max(1);
                let none = Constraints::default();
                Value::Array((0..n).map(|_| self.typed(elem, &none, depth, each)).collect())
            }
            Type::Map(kt, vt) => {
                let item = self.min_size(kt) + self.min_size(vt);
                let n = self.length(k, LenKind::Items, budget, item, depth).min(key_count(kt));
                let each = budget.saturating_sub(5) / n.max(1);
                let none = Constraints::default();
                let keys = self.keys(kt, n);
                let mut entries: Vec<(Vec<u8>, (Value, Value))> = keys
                    .into_iter()
                    .map(|key| {
                        let v = self.typed(vt, &none, depth, each);
                        (encode(&key), (key, v))
                    })
                    .collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Map(entries.into_iter().map(|(_, kv)| kv).collect())
            }
            Type::Enum(id) => {
                let e = self.c.enum_def(*id);
                match e.values.len() {
                    0 => Value::Nil,
                    n => e.wire(&e.values[self.rng.gen_range(0..n)]),
                }
            }
            // A list of itself with a `min_len` never ends by the depth limit alone: golden's minimal value.
            Type::Message(id) if depth > self.limits.max_depth + 8 => {
                crate::golden::cases::minimal_message(self.c, *id, 33)
            }
            Type::Message(id) => self.msg(*id, None, depth + 1, budget),
            Type::Named(_) => Value::Nil,
        }
    }

    /// The encoded size of the smallest value of `ty` (for a message: its minimal value).
    fn min_size(&mut self, ty: &Type) -> usize {
        match ty {
            Type::Float32 => 5,
            Type::Float64 => 9,
            Type::Timestamp => 6,
            Type::Message(id) => {
                if let Some(n) = self.min_sizes.get(id) {
                    return *n;
                }
                let n = encode(&crate::golden::cases::minimal_message(self.c, *id, 1)).len();
                self.min_sizes.insert(*id, n);
                n
            }
            _ => 1,
        }
    }

    /// A length within the constraints: a header boundary or a constraint's bound (45%), a small one
    /// (45%), or any up to what the budget holds, smaller ones likelier and past 16 KiB rarely (10%).
    /// Below the depth limit, the fewest allowed.
    fn length(&mut self, k: &Constraints, kind: LenKind, budget: usize, item: usize, depth: usize) -> usize {
        let lo = k.min_len.map_or(0, |n| n.min(usize::MAX as u64) as usize);
        let cap = (budget / item.max(1)).max(lo);
        let hi = k.max_len.map_or(cap, |n| (n.min(usize::MAX as u64) as usize).min(cap)).max(lo);
        if hi == lo || (kind == LenKind::Items && depth >= self.limits.max_depth) {
            return lo;
        }
        let roll = self.rng.gen_range(0..100);
        if roll < 45 {
            let mut points: Vec<usize> = boundaries(kind).to_vec();
            // A constraint's bounds are boundaries too; the budget's edge is not (and costs its size).
            if k.min_len.is_some() {
                points.extend([lo, lo + 1]);
            }
            if k.max_len.is_some() {
                points.extend([hi - 1, hi]);
            }
            // The 64 KiB boundary costs its size on every peer: one pick in ten of the boundaries.
            let big = self.rng.gen_ratio(1, 10);
            points.retain(|&n| n >= lo && n <= hi && (big || n < 65535 || n == lo));
            points.sort_unstable();
            points.dedup();
            return points[self.rng.gen_range(0..points.len())];
        }
        if roll < 90 {
            return lo + self.rng.gen_range(0..=(hi - lo).min(40));
        }
        // Log-uniform: smaller ones likelier, and beyond 16 KiB only one time in ten (large values cost
        // their size on every peer; the 64 KiB boundaries come from the boundary picks above).
        let span = if self.rng.gen_ratio(1, 10) { hi - lo } else { (hi - lo).min(1 << 14) };
        let bits = usize::BITS - span.leading_zeros();
        let top = if bits >= usize::BITS { usize::MAX } else { (1usize << self.rng.gen_range(0..=bits)) - 1 };
        lo + self.rng.gen_range(0..=top.min(span))
    }

    /// Text of exactly `n` UTF-8 bytes: ASCII only (30%), mixed (50%) or mostly multi-byte (20%), with NUL,
    /// controls and the characters of [`SPECIAL_CHARS`] among them.
    fn text(&mut self, n: usize) -> String {
        let mode = self.rng.gen_range(0..10);
        if mode <= 2 {
            // ASCII only, drawn in one go: printable, and about 3% NUL and other controls.
            let mut b = vec![0u8; n];
            self.rng.fill(&mut b[..]);
            let controls = [b'\0', b'\t', b'\n', b'\r', 0x1b, 0x7f];
            let s: Vec<u8> =
                b.iter().map(|&x| if x < 8 { controls[x as usize % controls.len()] } else { 0x20 + x % 95 }).collect();
            return String::from_utf8(s).unwrap_or_default();
        }
        let mut s = String::with_capacity(n);
        while s.len() < n {
            let ch = match mode {
                3..=7 => self.char_of([55, 15, 12, 10, 8]),
                _ => self.char_of([10, 30, 30, 25, 5]),
            };
            if ch.len_utf8() <= n - s.len() {
                s.push(ch);
            } else {
                s.push(self.ascii(0));
            }
        }
        s
    }

    /// ASCII: printable, or (`controls` percent) NUL and other controls.
    fn ascii(&mut self, controls: u32) -> char {
        if self.rng.gen_range(0..100) < controls {
            ['\0', '\t', '\n', '\r', '\u{1b}', '\u{7f}'][self.rng.gen_range(0..6)]
        } else {
            self.rng.gen_range(0x20u8..0x7f) as char
        }
    }

    /// A character by weights: ASCII (5% of it controls), 2-byte, 3-byte, 4-byte, special.
    fn char_of(&mut self, weights: [u32; 5]) -> char {
        let mut roll = self.rng.gen_range(0..weights.iter().sum::<u32>());
        let mut class = 0;
        while roll >= weights[class] {
            roll -= weights[class];
            class += 1;
        }
        let code = match class {
            0 => return self.ascii(5),
            1 => self.rng.gen_range(0x80..=0x7ff),
            2 => {
                let c = self.rng.gen_range(0x800..=0xffff - 0x800);
                if c >= 0xd800 {
                    c + 0x800 // past the surrogate gap
                } else {
                    c
                }
            }
            3 => self.rng.gen_range(0x1_0000..=0x10_ffff),
            _ => return SPECIAL_CHARS[self.rng.gen_range(0..SPECIAL_CHARS.len())],
        };
        char::from_u32(code).unwrap_or('\u{fffd}')
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        match self.rng.gen_range(0..10) {
            0 => vec![0; n],
            1 => vec![0xff; n],
            2 => (0..n).map(|_| self.rng.gen_range(0x20u8..0x7f)).collect(),
            _ => {
                let mut b = vec![0u8; n];
                self.rng.fill(&mut b[..]);
                b
            }
        }
    }

    /// `n` distinct map keys of the key type (strings or integers; lint allows no others).
    fn keys(&mut self, kt: &Type, n: usize) -> Vec<Value> {
        let none = Constraints::default();
        let mut seen: HashSet<Vec<u8>> = HashSet::with_capacity(n);
        let mut out = Vec::with_capacity(n);
        let mut tries = 0;
        while out.len() < n && tries < 4 * n + 16 {
            tries += 1;
            let key = match kt {
                Type::Int(it) => Value::Int(self.int(*it, &none)),
                _ => {
                    let len = self.length(&none, LenKind::Str, 64, 1, 0);
                    Value::Str(self.text(len))
                }
            };
            if seen.insert(encode(&key)) {
                out.push(key);
            }
        }
        // Small key types run out of fresh random keys: the rest in order.
        let mut next: i128 = if let Type::Int(it) = kt { it.min() } else { 0 };
        while out.len() < n {
            let key = match kt {
                Type::Int(_) => Value::Int(next),
                _ => Value::Str(format!("k{next}")),
            };
            next += 1;
            if seen.insert(encode(&key)) {
                out.push(key);
            }
        }
        out
    }
}

/// How many distinct keys a map key type has (practically unbounded for strings and wide integers).
fn key_count(kt: &Type) -> usize {
    match kt {
        Type::Int(it) if it.bits() < 32 => (it.max() - it.min() + 1) as usize,
        _ => usize::MAX,
    }
}

#[cfg(test)]
#[path = "gen_tests.rs"]
mod tests;
