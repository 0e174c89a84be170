//! A liberal, bounded MessagePack reader.
//!
//! Readers must accept every valid encoding of a value (DESIGN.md), and `inspect` and `verify` read bytes
//! from peers that may be broken or hostile. So this reader accepts every format, checks every length
//! against the bytes that remain before it allocates, bounds nesting at [`MAX_DEPTH`], and reports every
//! problem as a [`DecodeError`] with the byte offset. It never panics.
use super::timestamp::Timestamp;
use super::{Format, Value};
use crate::diag::Code;

/// Deepest nesting of arrays and maps the reader follows.
pub const MAX_DEPTH: usize = 512;

/// One MessagePack token: a scalar, or the header of a str/bin/ext (with its data) or an array/map.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Token {
    pub offset: usize,
    pub format: Format,
    /// Bytes of the marker and any length or value that follows it.
    pub head_len: usize,
    pub kind: TokenKind,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TokenKind {
    Nil,
    Bool(bool),
    Int(i128),
    F32(f32),
    F64(f64),
    Str(usize),
    Bin(usize),
    Array(usize),
    Map(usize),
    Ext(i8, usize),
}

impl Token {
    /// Bytes after the header that belong to this token (data of str, bin and ext; 0 otherwise).
    pub fn data_len(&self) -> usize {
        match self.kind {
            TokenKind::Str(n) | TokenKind::Bin(n) | TokenKind::Ext(_, n) => n,
            _ => 0,
        }
    }
    pub fn data_start(&self) -> usize {
        self.offset + self.head_len
    }
    /// Offset just after this token (for arrays and maps: after the header only).
    pub fn end(&self) -> usize {
        self.data_start() + self.data_len()
    }
    pub fn bytes<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        &buf[self.offset..self.end()]
    }
}

/// A payload that cannot be decoded: where, which diagnostic code, why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("at byte {offset} (0x{offset:04x}): {message}")]
pub struct DecodeError {
    pub offset: usize,
    pub code: Code,
    pub message: String,
}

fn truncated(offset: usize, what: &str, need: usize, have: usize) -> DecodeError {
    DecodeError {
        offset,
        code: Code::Truncated,
        message: format!("{what} needs {need} more byte(s) but only {have} remain"),
    }
}

fn be(buf: &[u8], at: usize, n: usize) -> u64 {
    buf[at..at + n].iter().fold(0u64, |acc, &b| (acc << 8) | b as u64)
}

/// Reads the token at `pos`, checking that its header and data fit in `buf`.
pub fn read_token(buf: &[u8], pos: usize) -> Result<Token, DecodeError> {
    let Some(&m) = buf.get(pos) else {
        return Err(truncated(pos, "a value", 1, 0));
    };
    let format = Format::from_marker(m);
    let rest = buf.len() - pos - 1;
    let need = |n: usize, what: &str| if rest < n { Err(truncated(pos, what, n, rest)) } else { Ok(()) };
    let (head_len, kind) = match m {
        0x00..=0x7f => (1, TokenKind::Int(m as i128)),
        0xe0..=0xff => (1, TokenKind::Int((m as i8) as i128)),
        0x80..=0x8f => (1, TokenKind::Map((m & 0x0f) as usize)),
        0x90..=0x9f => (1, TokenKind::Array((m & 0x0f) as usize)),
        0xa0..=0xbf => (1, TokenKind::Str((m & 0x1f) as usize)),
        0xc0 => (1, TokenKind::Nil),
        0xc1 => {
            return Err(DecodeError {
                offset: pos,
                code: Code::ReservedByte,
                message: "byte 0xc1 is never used in MessagePack".into(),
            })
        }
        0xc2 => (1, TokenKind::Bool(false)),
        0xc3 => (1, TokenKind::Bool(true)),
        0xc4..=0xc6 | 0xd9..=0xdb => {
            let n = match m {
                0xc4 | 0xd9 => 1,
                0xc5 | 0xda => 2,
                _ => 4,
            };
            need(n, format.name())?;
            let len = be(buf, pos + 1, n) as usize;
            let kind = if m <= 0xc6 { TokenKind::Bin(len) } else { TokenKind::Str(len) };
            (1 + n, kind)
        }
        0xc7..=0xc9 => {
            let n = 1usize << (m - 0xc7);
            need(n + 1, format.name())?;
            let len = be(buf, pos + 1, n) as usize;
            (2 + n, TokenKind::Ext(buf[pos + 1 + n] as i8, len))
        }
        0xca => {
            need(4, "float32")?;
            (5, TokenKind::F32(f32::from_bits(be(buf, pos + 1, 4) as u32)))
        }
        0xcb => {
            need(8, "float64")?;
            (9, TokenKind::F64(f64::from_bits(be(buf, pos + 1, 8))))
        }
        0xcc..=0xcf => {
            let n = 1usize << (m - 0xcc);
            need(n, format.name())?;
            (1 + n, TokenKind::Int(be(buf, pos + 1, n) as i128))
        }
        0xd0..=0xd3 => {
            let n = 1usize << (m - 0xd0);
            need(n, format.name())?;
            let raw = be(buf, pos + 1, n);
            let shift = 64 - 8 * n as u32;
            (1 + n, TokenKind::Int((((raw << shift) as i64) >> shift) as i128))
        }
        0xd4..=0xd8 => {
            let len = 1usize << (m - 0xd4);
            need(1, format.name())?;
            (2, TokenKind::Ext(buf[pos + 1] as i8, len))
        }
        0xdc..=0xdf => {
            let n = if m == 0xdc || m == 0xde { 2 } else { 4 };
            need(n, format.name())?;
            let len = be(buf, pos + 1, n) as usize;
            let kind = if m <= 0xdd { TokenKind::Array(len) } else { TokenKind::Map(len) };
            (1 + n, kind)
        }
    };
    let token = Token { offset: pos, format, head_len, kind };
    let data = token.data_len();
    let after_head = buf.len() - pos - head_len;
    if data > after_head {
        return Err(truncated(pos, &format!("{} of length {data}", format.name()), data, after_head));
    }
    Ok(token)
}

/// Decodes exactly one value that fills `buf`.
pub fn decode(buf: &[u8]) -> Result<Value, DecodeError> {
    let (v, end) = decode_at(buf, 0, 0)?;
    if end != buf.len() {
        return Err(DecodeError {
            offset: end,
            code: Code::TrailingBytes,
            message: format!("{} byte(s) after the end of the value", buf.len() - end),
        });
    }
    Ok(v)
}

/// Decodes one value at `pos`; returns it and the offset after it.
pub fn decode_at(buf: &[u8], pos: usize, depth: usize) -> Result<(Value, usize), DecodeError> {
    let t = read_token(buf, pos)?;
    let data = &buf[t.data_start()..t.end()];
    let v = match t.kind {
        TokenKind::Nil => Value::Nil,
        TokenKind::Bool(b) => Value::Bool(b),
        TokenKind::Int(i) => Value::Int(i),
        TokenKind::F32(f) => Value::F32(f),
        TokenKind::F64(f) => Value::F64(f),
        TokenKind::Str(_) => Value::Str(str_of(data, t.data_start())?.to_string()),
        TokenKind::Bin(_) => Value::Bin(data.to_vec()),
        TokenKind::Ext(-1, _) => match Timestamp::from_ext_data(data) {
            Ok((ts, _)) => Value::Timestamp(ts),
            Err(message) => return Err(DecodeError { offset: pos, code: Code::BadTimestamp, message: message.0 }),
        },
        TokenKind::Ext(ty, _) => Value::Ext(ty, data.to_vec()),
        TokenKind::Array(n) | TokenKind::Map(n) => {
            if depth >= MAX_DEPTH {
                return Err(DecodeError {
                    offset: pos,
                    code: Code::PayloadTooDeep,
                    message: format!("nesting deeper than {MAX_DEPTH} levels"),
                });
            }
            let is_map = matches!(t.kind, TokenKind::Map(_));
            // Every element takes at least one byte: never reserve more than the bytes that remain.
            let cap = n.min(buf.len() - t.end());
            let mut at = t.end();
            if is_map {
                let mut entries = Vec::with_capacity(cap / 2);
                for _ in 0..n {
                    let (k, next) = decode_at(buf, at, depth + 1)?;
                    let (v, next) = decode_at(buf, next, depth + 1)?;
                    entries.push((k, v));
                    at = next;
                }
                return Ok((Value::Map(entries), at));
            }
            let mut items = Vec::with_capacity(cap);
            for _ in 0..n {
                let (v, next) = decode_at(buf, at, depth + 1)?;
                items.push(v);
                at = next;
            }
            return Ok((Value::Array(items), at));
        }
    };
    Ok((v, t.end()))
}

/// The text of a str token's data, or an error at the first invalid byte.
pub fn str_of(data: &[u8], data_offset: usize) -> Result<&str, DecodeError> {
    std::str::from_utf8(data).map_err(|e| DecodeError {
        offset: data_offset + e.valid_up_to(),
        code: Code::InvalidUtf8,
        message: format!("str is not valid UTF-8 (invalid byte 0x{:02x})", data[e.valid_up_to()]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::encode;

    #[test]
    fn truncated_str32_claiming_four_gigabytes_is_an_error() {
        let e = decode(&[0xdb, 0xff, 0xff, 0xff, 0xff, b'a']).unwrap_err();
        assert_eq!(e.code, Code::Truncated);
        assert_eq!(e.offset, 0);
    }

    #[test]
    fn array32_claiming_billions_of_elements_does_not_allocate_them() {
        let e = decode(&[0xdd, 0xff, 0xff, 0xff, 0xff, 0x01]).unwrap_err();
        assert_eq!(e.code, Code::Truncated);
        assert_eq!(e.offset, 6);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let buf = vec![0x91; 100_000];
        assert_eq!(decode(&buf).unwrap_err().code, Code::PayloadTooDeep);
    }

    #[test]
    fn reserved_byte_and_trailing_bytes() {
        assert_eq!(decode(&[0xc1]).unwrap_err().code, Code::ReservedByte);
        let e = decode(&[0x01, 0x02]).unwrap_err();
        assert_eq!((e.code, e.offset), (Code::TrailingBytes, 1));
    }

    #[test]
    fn invalid_utf8_is_located() {
        let e = decode(&[0xa2, b'a', 0xff]).unwrap_err();
        assert_eq!((e.code, e.offset), (Code::InvalidUtf8, 2));
    }

    #[test]
    fn signed_formats_sign_extend() {
        assert_eq!(decode(&[0xd0, 0xff]).unwrap(), Value::Int(-1));
        assert_eq!(decode(&[0xd1, 0x80, 0x00]).unwrap(), Value::Int(-32768));
        assert_eq!(decode(&[0xd3, 0, 0, 0, 0, 0, 0, 0, 5]).unwrap(), Value::Int(5));
    }

    #[test]
    fn decode_inverts_encode() {
        let v = Value::Map(vec![
            (Value::Str("a".into()), Value::Array(vec![Value::Int(-33), Value::F32(1.5), Value::Nil])),
            (Value::Int(7), Value::Bin(vec![1, 2, 3])),
        ]);
        assert_eq!(decode(&encode(&v)).unwrap(), v);
    }
}
