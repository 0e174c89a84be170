//! Go text: interpreted string literals, `%` in format strings, doc comments and float literals.
use crate::contract::Num;
use std::fmt::Write as _;

/// A Go interpreted string literal.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `%` in text that becomes part of a format string.
pub(super) fn fmt_escape(s: &str) -> String {
    s.replace('%', "%%")
}

/// Doc text as `//` lines at `indent` tabs: lines trimmed, runs of blank lines collapsed.
pub(super) fn doc_lines(out: &mut String, indent: usize, text: &str) {
    let tabs = "\t".repeat(indent);
    let mut blank = false;
    let mut any = false;
    for line in text.trim().lines() {
        let line = line.trim();
        if line.is_empty() {
            blank = true;
            continue;
        }
        if blank && any {
            let _ = writeln!(out, "{tabs}//");
        }
        blank = false;
        any = true;
        let _ = writeln!(out, "{tabs}// {line}");
    }
}

pub(super) fn go_float(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains(['.', 'e', 'E']) || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

pub(super) fn num_go(n: Num) -> String {
    match n {
        Num::Int(i) => i.to_string(),
        Num::Float(f) => go_float(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_docs() {
        assert_eq!(quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        let mut s = String::new();
        doc_lines(&mut s, 1, "  first  \n\n\n   second\n");
        assert_eq!(s, "\t// first\n\t//\n\t// second\n");
        assert_eq!(go_float(2.0), "2.0");
        assert_eq!(go_float(0.95), "0.95");
    }
}
