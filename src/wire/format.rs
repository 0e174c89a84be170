//! MessagePack formats by name, and the smallest format for each value.
//!
//! Reports name formats the way the spec does (`positive fixint`, `uint16`, `str8`, `fixext4`...), and the
//! canonical profile is "the smallest format", so both directions live here: marker byte -> format, and
//! value -> smallest format.

/// Every MessagePack format of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    PositiveFixint,
    NegativeFixint,
    FixMap,
    FixArray,
    FixStr,
    Nil,
    NeverUsed,
    False,
    True,
    Bin8,
    Bin16,
    Bin32,
    Ext8,
    Ext16,
    Ext32,
    Float32,
    Float64,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Int8,
    Int16,
    Int32,
    Int64,
    FixExt1,
    FixExt2,
    FixExt4,
    FixExt8,
    FixExt16,
    Str8,
    Str16,
    Str32,
    Array16,
    Array32,
    Map16,
    Map32,
}

impl Format {
    pub fn from_marker(b: u8) -> Format {
        use Format::*;
        match b {
            0x00..=0x7f => PositiveFixint,
            0x80..=0x8f => FixMap,
            0x90..=0x9f => FixArray,
            0xa0..=0xbf => FixStr,
            0xc0 => Nil,
            0xc1 => NeverUsed,
            0xc2 => False,
            0xc3 => True,
            0xc4 => Bin8,
            0xc5 => Bin16,
            0xc6 => Bin32,
            0xc7 => Ext8,
            0xc8 => Ext16,
            0xc9 => Ext32,
            0xca => Float32,
            0xcb => Float64,
            0xcc => Uint8,
            0xcd => Uint16,
            0xce => Uint32,
            0xcf => Uint64,
            0xd0 => Int8,
            0xd1 => Int16,
            0xd2 => Int32,
            0xd3 => Int64,
            0xd4 => FixExt1,
            0xd5 => FixExt2,
            0xd6 => FixExt4,
            0xd7 => FixExt8,
            0xd8 => FixExt16,
            0xd9 => Str8,
            0xda => Str16,
            0xdb => Str32,
            0xdc => Array16,
            0xdd => Array32,
            0xde => Map16,
            0xdf => Map32,
            0xe0..=0xff => NegativeFixint,
        }
    }

    pub fn name(self) -> &'static str {
        use Format::*;
        match self {
            PositiveFixint => "positive fixint",
            NegativeFixint => "negative fixint",
            FixMap => "fixmap",
            FixArray => "fixarray",
            FixStr => "fixstr",
            Nil => "nil",
            NeverUsed => "never used",
            False => "false",
            True => "true",
            Bin8 => "bin8",
            Bin16 => "bin16",
            Bin32 => "bin32",
            Ext8 => "ext8",
            Ext16 => "ext16",
            Ext32 => "ext32",
            Float32 => "float32",
            Float64 => "float64",
            Uint8 => "uint8",
            Uint16 => "uint16",
            Uint32 => "uint32",
            Uint64 => "uint64",
            Int8 => "int8",
            Int16 => "int16",
            Int32 => "int32",
            Int64 => "int64",
            FixExt1 => "fixext1",
            FixExt2 => "fixext2",
            FixExt4 => "fixext4",
            FixExt8 => "fixext8",
            FixExt16 => "fixext16",
            Str8 => "str8",
            Str16 => "str16",
            Str32 => "str32",
            Array16 => "array16",
            Array32 => "array32",
            Map16 => "map16",
            Map32 => "map32",
        }
    }

    /// The smallest integer format for `v` (non-negative values in the uint family).
    pub fn smallest_int(v: i128) -> Format {
        use Format::*;
        if v >= 0 {
            match v {
                0..=0x7f => PositiveFixint,
                0x80..=0xff => Uint8,
                0x100..=0xffff => Uint16,
                0x1_0000..=0xffff_ffff => Uint32,
                _ => Uint64,
            }
        } else {
            match v {
                -32..=-1 => NegativeFixint,
                -128..=-33 => Int8,
                -32768..=-129 => Int16,
                -2_147_483_648..=-32769 => Int32,
                _ => Int64,
            }
        }
    }

    pub fn smallest_str(len: usize) -> Format {
        match len {
            0..=31 => Format::FixStr,
            32..=0xff => Format::Str8,
            0x100..=0xffff => Format::Str16,
            _ => Format::Str32,
        }
    }

    pub fn smallest_bin(len: usize) -> Format {
        match len {
            0..=0xff => Format::Bin8,
            0x100..=0xffff => Format::Bin16,
            _ => Format::Bin32,
        }
    }

    pub fn smallest_array(len: usize) -> Format {
        match len {
            0..=15 => Format::FixArray,
            16..=0xffff => Format::Array16,
            _ => Format::Array32,
        }
    }

    pub fn smallest_map(len: usize) -> Format {
        match len {
            0..=15 => Format::FixMap,
            16..=0xffff => Format::Map16,
            _ => Format::Map32,
        }
    }

    pub fn smallest_ext(len: usize) -> Format {
        match len {
            1 => Format::FixExt1,
            2 => Format::FixExt2,
            4 => Format::FixExt4,
            8 => Format::FixExt8,
            16 => Format::FixExt16,
            0..=0xff => Format::Ext8,
            0x100..=0xffff => Format::Ext16,
            _ => Format::Ext32,
        }
    }
}

/// Bytes as spaced lowercase hex: `c4 03 01 02 03`.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push(char::from(b"0123456789abcdef"[(b >> 4) as usize]));
        s.push(char::from(b"0123456789abcdef"[(b & 15) as usize]));
    }
    s
}

/// At most `max` bytes as hex, then `… (+N)` for the rest.
pub fn hex_short(bytes: &[u8], max: usize) -> String {
    if bytes.len() <= max {
        hex(bytes)
    } else {
        format!("{} … (+{})", hex(&bytes[..max]), bytes.len() - max)
    }
}

/// Parses hex with optional spaces, dashes or colons between bytes (`c4-03`, `c4 03`, `c403`).
pub fn parse_hex(text: &str) -> Result<Vec<u8>, super::TextError> {
    let digits: Vec<u8> = text.bytes().filter(|b| !matches!(b, b' ' | b'-' | b':' | b'\n' | b'\t')).collect();
    if !digits.len().is_multiple_of(2) {
        return Err("odd number of hex digits".into());
    }
    digits
        .chunks(2)
        .map(|p| {
            let s = std::str::from_utf8(p).map_err(|_| super::TextError::from("not hex"))?;
            u8::from_str_radix(s, 16).map_err(|_| format!("`{s}` is not a hex byte").into())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marker_has_a_format_and_a_name() {
        for b in 0..=255u8 {
            assert!(!Format::from_marker(b).name().is_empty());
        }
    }

    #[test]
    fn smallest_integer_boundaries() {
        let cases: [(i128, Format); 14] = [
            (0, Format::PositiveFixint),
            (127, Format::PositiveFixint),
            (128, Format::Uint8),
            (255, Format::Uint8),
            (256, Format::Uint16),
            (65535, Format::Uint16),
            (65536, Format::Uint32),
            (4_294_967_296, Format::Uint64),
            (-1, Format::NegativeFixint),
            (-32, Format::NegativeFixint),
            (-33, Format::Int8),
            (-129, Format::Int16),
            (-32769, Format::Int32),
            (-2_147_483_649, Format::Int64),
        ];
        for (v, f) in cases {
            assert_eq!(Format::smallest_int(v), f, "{v}");
        }
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(parse_hex("c4-03 01:02").unwrap(), vec![0xc4, 3, 1, 2]);
        assert_eq!(hex(&[0xc4, 3]), "c4 03");
        assert!(parse_hex("c").is_err());
        assert!(parse_hex("zz").is_err());
        assert_eq!(hex_short(&[1, 2, 3], 2), "01 02 … (+1)");
    }
}
