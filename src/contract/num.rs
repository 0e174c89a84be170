//! Numbers as contracts write them (constraints and example literals): YAML's integer and float forms, with
//! integers kept exact. Read by both the loader ([`super::load`]) and the example checker ([`super::example`]).
use super::Num;

/// Parses a YAML number: an integer (decimal, 0x, 0o, 0b, with `_`) exactly, or a float.
pub fn parse_num(text: &str) -> Option<Num> {
    let t = text.replace('_', "");
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b.to_string()),
        None => (false, t.strip_prefix('+').unwrap_or(&t).to_string()),
    };
    let radix = if body.starts_with("0x") {
        Some(16)
    } else if body.starts_with("0o") {
        Some(8)
    } else if body.starts_with("0b") {
        Some(2)
    } else {
        None
    };
    let int = match radix {
        Some(r) => i128::from_str_radix(&body[2..], r).ok(),
        None if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) => body.parse::<i128>().ok(),
        None => None,
    };
    if let Some(i) = int {
        return Some(Num::Int(if neg { -i } else { i }));
    }
    if radix.is_none() && !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
        return None; // an integer too large even for i128
    }
    let f = match body.as_str() {
        ".inf" | ".Inf" | ".INF" => f64::INFINITY,
        ".nan" | ".NaN" | ".NAN" => f64::NAN,
        _ if body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
            && body.bytes().any(|b| b.is_ascii_digit()) =>
        {
            body.parse::<f64>().ok()?
        }
        _ => return None,
    };
    Some(Num::Float(if neg { -f } else { f }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_integer_precision() {
        assert_eq!(parse_num("18446744073709551615"), Some(Num::Int(u64::MAX as i128)));
        assert_eq!(parse_num("-9_223_372_036_854_775_808"), Some(Num::Int(i64::MIN as i128)));
        assert_eq!(parse_num("0xff"), Some(Num::Int(255)));
        assert_eq!(parse_num("1.5"), Some(Num::Float(1.5)));
        assert_eq!(parse_num("-.inf"), Some(Num::Float(f64::NEG_INFINITY)));
        assert_eq!(parse_num(&"9".repeat(100)), None);
        assert_eq!(parse_num("abc"), None);
        assert_eq!(parse_num("1.2.3.4e"), None);
    }
}
