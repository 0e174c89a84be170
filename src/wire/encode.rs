//! The canonical encoder: every value in its smallest MessagePack format.
//!
//! Map entries are written in the order given: the contract layer decides the order (declared field order
//! for messages, sorted encoded keys for `map<K,V>`). Floats keep their width; timestamps are ext -1 in the
//! smallest of the three forms.
use super::{Format, Value};

pub fn encode(v: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    encode_into(v, &mut out);
    out
}

pub fn encode_into(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Nil => out.push(0xc0),
        Value::Bool(false) => out.push(0xc2),
        Value::Bool(true) => out.push(0xc3),
        Value::Int(i) => write_int(*i, out),
        Value::F32(f) => {
            out.push(0xca);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        Value::F64(f) => {
            out.push(0xcb);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        Value::Str(s) => {
            write_len(Format::smallest_str(s.len()), s.len(), out);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bin(b) => {
            write_len(Format::smallest_bin(b.len()), b.len(), out);
            out.extend_from_slice(b);
        }
        Value::Array(items) => {
            write_len(Format::smallest_array(items.len()), items.len(), out);
            for item in items {
                encode_into(item, out);
            }
        }
        Value::Map(entries) => {
            write_len(Format::smallest_map(entries.len()), entries.len(), out);
            for (k, v) in entries {
                encode_into(k, out);
                encode_into(v, out);
            }
        }
        Value::Timestamp(t) => write_ext(-1, &t.ext_data(), out),
        Value::Ext(t, d) => write_ext(*t, d, out),
    }
}

/// Writes an integer in its smallest format. Values outside `i64::MIN..=u64::MAX` cannot be encoded;
/// the contract layer never produces them, and they are clamped here rather than panicking.
fn write_int(i: i128, out: &mut Vec<u8>) {
    let i = i.clamp(i64::MIN as i128, u64::MAX as i128);
    match Format::smallest_int(i) {
        Format::PositiveFixint => out.push(i as u8),
        Format::NegativeFixint => out.push(i as i8 as u8),
        Format::Uint8 => out.extend_from_slice(&[0xcc, i as u8]),
        Format::Uint16 => {
            out.push(0xcd);
            out.extend_from_slice(&(i as u16).to_be_bytes());
        }
        Format::Uint32 => {
            out.push(0xce);
            out.extend_from_slice(&(i as u32).to_be_bytes());
        }
        Format::Uint64 => {
            out.push(0xcf);
            out.extend_from_slice(&(i as u64).to_be_bytes());
        }
        Format::Int8 => out.extend_from_slice(&[0xd0, i as i8 as u8]),
        Format::Int16 => {
            out.push(0xd1);
            out.extend_from_slice(&(i as i16).to_be_bytes());
        }
        Format::Int32 => {
            out.push(0xd2);
            out.extend_from_slice(&(i as i32).to_be_bytes());
        }
        _ => {
            out.push(0xd3);
            out.extend_from_slice(&(i as i64).to_be_bytes());
        }
    }
}

/// Writes the header of a str, bin, array or map of `len` in format `f`.
fn write_len(f: Format, len: usize, out: &mut Vec<u8>) {
    match f {
        Format::FixStr => out.push(0xa0 | len as u8),
        Format::FixArray => out.push(0x90 | len as u8),
        Format::FixMap => out.push(0x80 | len as u8),
        Format::Str8 | Format::Bin8 => out.extend_from_slice(&[if f == Format::Str8 { 0xd9 } else { 0xc4 }, len as u8]),
        Format::Str16 | Format::Bin16 | Format::Array16 | Format::Map16 => {
            out.push(match f {
                Format::Str16 => 0xda,
                Format::Bin16 => 0xc5,
                Format::Array16 => 0xdc,
                _ => 0xde,
            });
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(match f {
                Format::Str32 => 0xdb,
                Format::Bin32 => 0xc6,
                Format::Array32 => 0xdd,
                _ => 0xdf,
            });
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
    }
}

fn write_ext(ty: i8, data: &[u8], out: &mut Vec<u8>) {
    match Format::smallest_ext(data.len()) {
        Format::FixExt1 => out.push(0xd4),
        Format::FixExt2 => out.push(0xd5),
        Format::FixExt4 => out.push(0xd6),
        Format::FixExt8 => out.push(0xd7),
        Format::FixExt16 => out.push(0xd8),
        Format::Ext8 => out.extend_from_slice(&[0xc7, data.len() as u8]),
        Format::Ext16 => {
            out.push(0xc8);
            out.extend_from_slice(&(data.len() as u16).to_be_bytes());
        }
        _ => {
            out.push(0xc9);
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        }
    }
    out.push(ty as u8);
    out.extend_from_slice(data);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Timestamp;

    #[test]
    fn interop_example_as_map() {
        let v = Value::Map(vec![
            (Value::Str("user_id".into()), Value::Str("u".into())),
            (Value::Str("n".into()), Value::Int(5)),
        ]);
        assert_eq!(crate::wire::format::hex(&encode(&v)), "82 a7 75 73 65 72 5f 69 64 a1 75 a1 6e 05");
    }

    #[test]
    fn integer_extremes() {
        assert_eq!(encode(&Value::Int(u64::MAX as i128)), [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(encode(&Value::Int(i64::MIN as i128)), [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn timestamp32() {
        let t = Timestamp { secs: 1_514_862_245, nanos: 0 };
        assert_eq!(encode(&Value::Timestamp(t)), [0xd6, 0xff, 0x5a, 0x4a, 0xf6, 0xa5]);
        let t96 = Timestamp { secs: -1, nanos: 0 };
        assert_eq!(&encode(&Value::Timestamp(t96))[..3], &[0xc7, 12, 0xff]);
    }

    #[test]
    fn lengths_switch_format_at_boundaries() {
        assert_eq!(encode(&Value::Str("a".repeat(31)))[0], 0xbf);
        assert_eq!(encode(&Value::Str("a".repeat(32)))[..2], [0xd9, 32]);
        assert_eq!(encode(&Value::Str("a".repeat(256)))[..3], [0xda, 1, 0]);
        assert_eq!(encode(&Value::Str("a".repeat(65536)))[..5], [0xdb, 0, 1, 0, 0]);
        assert_eq!(encode(&Value::Bin(vec![0; 256]))[..3], [0xc5, 1, 0]);
        assert_eq!(encode(&Value::Array(vec![Value::Nil; 16]))[..3], [0xdc, 0, 16]);
    }
}
