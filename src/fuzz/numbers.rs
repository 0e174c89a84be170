//! The numbers of drawn values: integers at MessagePack's format boundaries and the limits of their type
//! and constraints, floats at their specials and bounds (at the field's width), timestamps in each of the
//! three ext -1 forms. The methods of [`Gen`] that draw them, apart from its strings and structure.
use super::gen::{Gen, MAX_TIMESTAMP_SECS, MIN_TIMESTAMP_SECS};
use crate::contract::{Constraints, IntType, Num};
use crate::wire::Timestamp;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Integers where MessagePack changes format, and around them.
const INT_POINTS: [i128; 24] = [
    0,
    1,
    -1,
    127,
    128,
    255,
    256,
    65535,
    65536,
    4_294_967_295,
    4_294_967_296,
    -32,
    -33,
    -128,
    -129,
    -32768,
    -32769,
    -2_147_483_648,
    -2_147_483_649,
    i64::MAX as i128,
    i64::MAX as i128 + 1,
    i64::MIN as i128,
    u64::MAX as i128,
    2,
];

impl Gen<'_> {
    /// An integer of the type within the constraints: a format boundary or a limit (40%), a small one
    /// (20%), or one of random magnitude (40%).
    pub(super) fn int(&mut self, it: IntType, k: &Constraints) -> i128 {
        let (lo, hi) = int_bounds(it, k);
        if hi <= lo {
            return lo;
        }
        let roll = self.rng.gen_range(0..100);
        let x = if roll < 40 {
            let mut points: Vec<i128> = INT_POINTS.to_vec();
            points.extend([lo, lo + 1, hi - 1, hi, it.min(), it.max()]);
            points.retain(|&i| i >= lo && i <= hi);
            points[self.rng.gen_range(0..points.len())]
        } else if roll < 60 {
            self.rng.gen_range(-40i128..=40)
        } else {
            let bits = self.rng.gen_range(0..=64u32);
            let magnitude = if bits == 0 { 0 } else { self.rng.gen_range(0..(1u128 << bits)) as i128 };
            if it.signed() && self.rng.gen() {
                -magnitude
            } else {
                magnitude
            }
        };
        if x < lo || x > hi {
            self.rng.gen_range(lo..=hi)
        } else {
            x
        }
    }

    /// A float within the constraints at the field's width (`f32`): NaN and infinities where allowed, a
    /// special value or a bound (40%), an ordinary number (30%), or any finite bit pattern (20%).
    pub(super) fn float(&mut self, f32_wide: bool, k: &Constraints) -> f64 {
        let at_width = |x: f64| if f32_wide { x as f32 as f64 } else { x };
        let lo = k.min.map_or(f64::NEG_INFINITY, |m| at_width(m.as_f64()));
        let hi = k.max.map_or(f64::INFINITY, |m| at_width(m.as_f64()));
        let ok = |x: f64| {
            if x.is_nan() {
                return k.allow_nan;
            }
            (x.is_finite() || k.allow_infinity) && x >= lo && x <= hi
        };
        for _ in 0..16 {
            let roll = self.rng.gen_range(0..100);
            let x = if roll < 5 {
                f64::NAN
            } else if roll < 10 {
                if self.rng.gen() {
                    f64::INFINITY
                } else {
                    f64::NEG_INFINITY
                }
            } else if roll < 50 {
                let (max, min_pos, tiny, eps) = if f32_wide {
                    (f32::MAX as f64, f32::MIN_POSITIVE as f64, f32::from_bits(1) as f64, f32::EPSILON as f64)
                } else {
                    (f64::MAX, f64::MIN_POSITIVE, f64::from_bits(1), f64::EPSILON)
                };
                let points = [
                    0.0,
                    -0.0,
                    1.0,
                    -1.0,
                    0.5,
                    0.1,
                    -0.1,
                    1.0 / 3.0,
                    100.0,
                    16_777_217.0,
                    9_007_199_254_740_993.0,
                    max,
                    -max,
                    min_pos,
                    tiny,
                    -tiny,
                    eps,
                    lo,
                    hi,
                    next_toward(lo, hi, f32_wide),
                    next_toward(hi, lo, f32_wide),
                ];
                points[self.rng.gen_range(0..points.len())]
            } else if roll < 80 {
                let (a, b) = (lo.max(-1e6), hi.min(1e6));
                if a < b {
                    self.rng.gen_range(a..=b)
                } else {
                    a
                }
            } else if f32_wide {
                f32::from_bits(self.rng.gen()) as f64
            } else {
                f64::from_bits(self.rng.gen())
            };
            // One NaN, the one golden uses: a NaN's payload bits are not a value any peer must keep.
            let x = if x.is_nan() { f64::NAN } else { at_width(x) };
            if ok(x) {
                return x;
            }
        }
        // As golden's sample: zero, moved into the range.
        let x = at_width(0.0f64.clamp(lo.max(f64::MIN), hi.min(f64::MAX).max(lo.max(f64::MIN))));
        if ok(x) {
            x
        } else {
            lo
        }
    }

    /// A timestamp in one of the three ext -1 forms (a third each), its bounds likelier.
    pub(super) fn timestamp(&mut self) -> Timestamp {
        let nanos_points = [1, 999_999_999, 500_000_000, 1_000, 123_456_789];
        let nanos = |rng: &mut ChaCha8Rng| -> u32 {
            if rng.gen() {
                nanos_points[rng.gen_range(0..nanos_points.len())]
            } else {
                rng.gen_range(1..1_000_000_000)
            }
        };
        let (secs, nanos) = match self.rng.gen_range(0..3) {
            // timestamp32: whole seconds from 1970 to 2106.
            0 => {
                let points = [0i64, 1, (1 << 31) - 1, 1 << 31, u32::MAX as i64];
                let secs = if self.rng.gen() {
                    points[self.rng.gen_range(0..points.len())]
                } else {
                    self.rng.gen_range(0..=u32::MAX as i64)
                };
                (secs, 0)
            }
            // timestamp64: nanoseconds, or seconds past 2106, up to 2514.
            1 => {
                let points = [0i64, 1, u32::MAX as i64, 1 << 32, (1 << 34) - 1];
                let secs = if self.rng.gen() {
                    points[self.rng.gen_range(0..points.len())]
                } else {
                    self.rng.gen_range(0..1i64 << 34)
                };
                let n = if secs > u32::MAX as i64 && self.rng.gen() { 0 } else { nanos(&mut self.rng) };
                (secs, n)
            }
            // timestamp96: before 1970 or after 2514.
            _ => {
                let points = [-1i64, -2, MIN_TIMESTAMP_SECS, 1 << 34, MAX_TIMESTAMP_SECS];
                let secs = match self.rng.gen_range(0..3) {
                    0 => points[self.rng.gen_range(0..points.len())],
                    1 => self.rng.gen_range(MIN_TIMESTAMP_SECS..0),
                    _ => self.rng.gen_range(1i64 << 34..=MAX_TIMESTAMP_SECS),
                };
                let n = if self.rng.gen() { 0 } else { nanos(&mut self.rng) };
                (secs, n)
            }
        };
        Timestamp { secs, nanos }
    }
}

/// The integer range the type and the constraints allow.
fn int_bounds(it: IntType, k: &Constraints) -> (i128, i128) {
    let lo = match k.min {
        Some(Num::Int(i)) => i.max(it.min()),
        Some(Num::Float(x)) => (x.ceil() as i128).max(it.min()),
        None => it.min(),
    };
    let hi = match k.max {
        Some(Num::Int(i)) => i.min(it.max()),
        Some(Num::Float(x)) => (x.floor() as i128).min(it.max()),
        None => it.max(),
    };
    (lo, hi.max(lo))
}

/// The float next to `x` in the direction of `to`, at the field's width (`x` itself when infinite).
fn next_toward(x: f64, to: f64, f32_wide: bool) -> f64 {
    if !x.is_finite() || x == to {
        return x;
    }
    if f32_wide {
        let y = x as f32;
        let bits = y.to_bits();
        let up = (to > x) == (y >= 0.0);
        let next = if y == 0.0 {
            f32::from_bits(1).copysign(if to > x { 1.0 } else { -1.0 })
        } else if up {
            f32::from_bits(bits + 1)
        } else {
            f32::from_bits(bits - 1)
        };
        next as f64
    } else {
        let bits = x.to_bits();
        let up = (to > x) == (x >= 0.0);
        if x == 0.0 {
            f64::from_bits(1).copysign(if to > x { 1.0 } else { -1.0 })
        } else if up {
            f64::from_bits(bits + 1)
        } else {
            f64::from_bits(bits - 1)
        }
    }
}
