//! The MessagePack timestamp extension (type -1) and RFC 3339 text for it.
//!
//! rmp-serde has no timestamp support at all, Go always writes `time.Time` as ext -1 and Python only with
//! `datetime=True` (see INTEROP.md), so msgpact carries its own: the three wire forms, their choice by
//! value, and the text form contracts use in examples. No date library is needed for this.
use super::TextError;
use std::fmt::Write;

/// Seconds since the Unix epoch (may be negative) and nanoseconds within that second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

/// Which of the three ext -1 forms a timestamp uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampForm {
    /// fixext4: unsigned 32-bit seconds, no nanoseconds.
    Ts32,
    /// fixext8: 30-bit nanoseconds and 34-bit unsigned seconds.
    Ts64,
    /// ext8 of 12 bytes: 32-bit nanoseconds and signed 64-bit seconds.
    Ts96,
}

impl TimestampForm {
    pub fn name(self) -> &'static str {
        match self {
            TimestampForm::Ts32 => "timestamp32",
            TimestampForm::Ts64 => "timestamp64",
            TimestampForm::Ts96 => "timestamp96",
        }
    }
}

impl Timestamp {
    pub fn new(secs: i64, nanos: u32) -> Option<Timestamp> {
        (nanos < 1_000_000_000).then_some(Timestamp { secs, nanos })
    }

    /// The smallest form that holds this value.
    pub fn canonical_form(&self) -> TimestampForm {
        if self.nanos == 0 && (0..=u32::MAX as i64).contains(&self.secs) {
            TimestampForm::Ts32
        } else if (0..(1i64 << 34)).contains(&self.secs) {
            TimestampForm::Ts64
        } else {
            TimestampForm::Ts96
        }
    }

    /// The ext data (without the ext header) in the canonical form.
    pub fn ext_data(&self) -> Vec<u8> {
        match self.canonical_form() {
            TimestampForm::Ts32 => (self.secs as u32).to_be_bytes().to_vec(),
            TimestampForm::Ts64 => (((self.nanos as u64) << 34) | self.secs as u64).to_be_bytes().to_vec(),
            TimestampForm::Ts96 => {
                let mut d = self.nanos.to_be_bytes().to_vec();
                d.extend_from_slice(&self.secs.to_be_bytes());
                d
            }
        }
    }

    /// Reads ext -1 data of 4, 8 or 12 bytes.
    pub fn from_ext_data(d: &[u8]) -> Result<(Timestamp, TimestampForm), TextError> {
        let ts = match d.len() {
            4 => {
                (Timestamp { secs: u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as i64, nanos: 0 }, TimestampForm::Ts32)
            }
            8 => {
                let v = u64::from_be_bytes(d.try_into().map_err(|_| "bad length")?);
                (Timestamp { secs: (v & ((1 << 34) - 1)) as i64, nanos: (v >> 34) as u32 }, TimestampForm::Ts64)
            }
            12 => {
                let nanos = u32::from_be_bytes([d[0], d[1], d[2], d[3]]);
                let secs = i64::from_be_bytes(d[4..12].try_into().map_err(|_| "bad length")?);
                (Timestamp { secs, nanos }, TimestampForm::Ts96)
            }
            n => return Err(format!("timestamp ext data must be 4, 8 or 12 bytes, not {n}").into()),
        };
        if ts.0.nanos >= 1_000_000_000 {
            return Err(format!("timestamp nanoseconds {} are not below 1e9", ts.0.nanos).into());
        }
        Ok(ts)
    }

    /// RFC 3339 in UTC with as many fraction digits as needed: `2024-01-02T03:04:05.5Z`.
    pub fn to_rfc3339(&self) -> String {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let mut s = String::new();
        if (0..=9999).contains(&y) {
            let _ = write!(s, "{y:04}");
        } else {
            let _ = write!(s, "{y:+05}");
        }
        let _ = write!(s, "-{m:02}-{d:02}T{:02}:{:02}:{:02}", rem / 3600, rem / 60 % 60, rem % 60);
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            let _ = write!(s, ".{}", frac.trim_end_matches('0'));
        }
        s.push('Z');
        s
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; a leading sign allows years beyond 0..9999.
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, TextError> {
        let err = |what: &str| {
            TextError(format!("`{text}` is not an RFC 3339 timestamp ({what}); write e.g. 2024-05-01T12:30:00.250Z"))
        };
        let b = text.as_bytes();
        let (sign, body) = match b.first() {
            Some(b'+') => (1, &text[1..]),
            Some(b'-') => (-1, &text[1..]),
            _ => (1, text),
        };
        let dash = body.find('-').ok_or_else(|| err("no date"))?;
        let year: i64 = body[..dash].parse().map_err(|_| err("bad year"))?;
        let year = sign * year;
        let rest = &body[dash + 1..];
        let rb = rest.as_bytes();
        if rb.len() < 15 || rb[2] != b'-' || !matches!(rb[5], b'T' | b't' | b' ') || rb[8] != b':' || rb[11] != b':' {
            return Err(err("expected MM-DDTHH:MM:SS"));
        }
        let num = |s: &str, what: &str| s.parse::<i64>().map_err(|_| err(what));
        let month = num(&rest[0..2], "bad month")?;
        let day = num(&rest[3..5], "bad day")?;
        let hour = num(&rest[6..8], "bad hour")?;
        let minute = num(&rest[9..11], "bad minute")?;
        let second = num(&rest[12..14], "bad second")?;
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(err("field out of range"));
        }
        let mut tail = &rest[14..];
        let mut nanos = 0u32;
        if let Some(f) = tail.strip_prefix('.') {
            let digits = f.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return Err(err("fraction must have 1 to 9 digits"));
            }
            nanos = format!("{:0<9}", &f[..digits]).parse().map_err(|_| err("bad fraction"))?;
            tail = &f[digits..];
        }
        let offset = match tail {
            "Z" | "z" => 0,
            _ if tail.len() == 6 && matches!(&tail[0..1], "+" | "-") && &tail[3..4] == ":" => {
                let h = num(&tail[1..3], "bad offset")?;
                let m = num(&tail[4..6], "bad offset")?;
                let o = h * 3600 + m * 60;
                if &tail[0..1] == "-" {
                    -o
                } else {
                    o
                }
            }
            _ => return Err(err("expected Z or an offset like +02:00")),
        };
        let secs = days_from_civil(year, month, day)
            .checked_mul(86_400)
            .and_then(|s| s.checked_add(hour * 3600 + minute * 60 + second - offset))
            .ok_or_else(|| err("out of range"))?;
        Ok(Timestamp { secs, nanos })
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_follow_the_spec() {
        assert_eq!(Timestamp { secs: 1_514_862_245, nanos: 0 }.ext_data(), vec![0x5a, 0x4a, 0xf6, 0xa5]);
        assert_eq!(Timestamp { secs: 1_514_862_245, nanos: 678_901_234 }.canonical_form(), TimestampForm::Ts64);
        assert_eq!(Timestamp { secs: -1, nanos: 0 }.canonical_form(), TimestampForm::Ts96);
        assert_eq!(Timestamp { secs: 1 << 34, nanos: 0 }.canonical_form(), TimestampForm::Ts96);
    }

    #[test]
    fn ext_data_round_trips() {
        for ts in [
            Timestamp { secs: 0, nanos: 0 },
            Timestamp { secs: u32::MAX as i64, nanos: 0 },
            Timestamp { secs: 1, nanos: 999_999_999 },
            Timestamp { secs: (1 << 34) - 1, nanos: 1 },
            Timestamp { secs: -62_135_596_800, nanos: 0 },
            Timestamp { secs: i64::MIN, nanos: 999_999_999 },
        ] {
            let (back, form) = Timestamp::from_ext_data(&ts.ext_data()).unwrap();
            assert_eq!(back, ts);
            assert_eq!(form, ts.canonical_form());
        }
    }

    #[test]
    fn rfc3339_round_trips() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59.123456789Z",
            "1969-12-31T23:59:59.5Z",
            "0001-01-01T00:00:00Z",
            "2514-05-30T01:53:04Z",
        ] {
            let t = Timestamp::parse_rfc3339(s).unwrap();
            assert_eq!(t.to_rfc3339(), s);
        }
        assert_eq!(Timestamp::parse_rfc3339("2018-01-02T03:04:05Z").unwrap().secs, 1_514_862_245);
        assert_eq!(Timestamp::parse_rfc3339("2018-01-02T05:04:05+02:00").unwrap().secs, 1_514_862_245);
    }

    #[test]
    fn rfc3339_rejects_nonsense() {
        for s in [
            "",
            "2024",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00.1234567891Z",
        ] {
            assert!(Timestamp::parse_rfc3339(s).is_err(), "{s}");
        }
    }
}
