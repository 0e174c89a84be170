//! Python literals: str and bytes (escaped so that any contract text is valid source) and floats that
//! Python reads back to the same bits (float32 values included).

/// A Python str literal (double quotes).
pub fn py_str(s: &str) -> String {
    let mut o = String::from("\"");
    for ch in s.chars() {
        match ch {
            '\\' => o.push_str("\\\\"),
            '"' => o.push_str("\\\""),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => o.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' => {
                o.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// A Python bytes literal.
pub fn py_bytes(b: &[u8]) -> String {
    let mut o = String::from("b\"");
    for &x in b {
        match x {
            b'\\' => o.push_str("\\\\"),
            b'"' => o.push_str("\\\""),
            0x20..=0x7e => o.push(x as char),
            _ => o.push_str(&format!("\\x{x:02x}")),
        }
    }
    o.push('"');
    o
}

/// A float64 as Python reads it back exactly.
pub fn py_f64(x: f64) -> String {
    if x.is_nan() {
        "_rt.NAN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "_rt.INF" } else { "-_rt.INF" }.into()
    } else {
        format!("{x:?}")
    }
}

/// A float32 as its shortest text when Python (parsing a float64, then packing it as float32) gets the
/// same bits back, else as the exact float64 of its value.
pub fn py_f32(x: f32) -> String {
    if !x.is_finite() {
        return py_f64(x as f64);
    }
    let short = format!("{x:?}");
    match short.parse::<f64>() {
        Ok(d) if (d as f32).to_bits() == x.to_bits() => short,
        _ => py_f64(x as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(py_str("a\"b\\c\nd\u{1}é"), "\"a\\\"b\\\\c\\nd\\x01é\"");
        assert_eq!(py_bytes(b"R\x00\"\\"), "b\"R\\x00\\\"\\\\\"");
        assert_eq!(py_f32(0.7), "0.7");
        assert_eq!(py_f64(-0.0), "-0.0");
        assert_eq!(py_f64(f64::NEG_INFINITY), "-_rt.INF");
    }
}
