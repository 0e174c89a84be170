//! Lines of Python text within [`WIDTH`]: docstrings (wrapped, escaped), dataclass field lines with long
//! annotations broken at `|`, and `from X import ...` lines.
use super::expr::Py;
use super::WIDTH;

pub(super) fn join_paragraphs(parts: &[&str]) -> String {
    parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("\n\n")
}

/// `attr: annotation = default`, broken over lines when too long (the annotation in parentheses, one
/// alternative of a union per line).
pub(super) fn field_lines(attr: &str, ann: &str, default: Option<&Py>) -> Vec<String> {
    let mut head = format!("{attr}: {ann}");
    if 4 + head.len() + default.map_or(0, |_| 3) > WIDTH {
        // a long annotation: in parentheses, one alternative per line
        let mut lines = vec![format!("    {attr}: (")];
        for (i, part) in ann.split(" | ").enumerate() {
            lines.push(format!("        {}{part}", if i == 0 { "" } else { "| " }));
        }
        match default {
            Some(d) => lines.extend(d.lines(4, ") = ", "")),
            None => lines.push("    )".into()),
        }
        return lines;
    }
    match default {
        Some(d) => {
            head.push_str(" = ");
            d.lines(4, &head, "")
        }
        None => vec![format!("    {head}")],
    }
}

/// `from X import a, b` or, when too long, one name per line in parentheses.
pub(super) fn import_line(head: &str, names: &[&str]) -> String {
    let flat = format!("{head}{}", names.join(", "));
    if flat.len() <= WIDTH {
        return flat + "\n";
    }
    let mut s = format!("{head}(\n");
    for n in names {
        s.push_str(&format!("    {n},\n"));
    }
    s.push_str(")\n");
    s
}

/// A docstring at `indent`, wrapped to [`WIDTH`]; paragraphs and line breaks of the text are kept.
pub(super) fn docstring(text: &str, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let text = escape_doc(text.trim());
    let one = format!("{pad}\"\"\"{text}\"\"\"");
    if !text.contains('\n') && one.len() <= WIDTH {
        return vec![one];
    }
    let mut lines = Vec::new();
    let mut first = true;
    for src in text.split('\n') {
        let prefix_len = if first { indent + 3 } else { indent };
        let wrapped =
            wrap(src.trim_end(), WIDTH.saturating_sub(prefix_len).max(20), WIDTH.saturating_sub(indent).max(20));
        for (i, w) in wrapped.iter().enumerate() {
            let q = if first && i == 0 { "\"\"\"" } else { "" };
            if w.is_empty() && q.is_empty() {
                lines.push(String::new());
            } else {
                lines.push(format!("{pad}{q}{w}"));
            }
        }
        first = false;
    }
    lines.push(format!("{pad}\"\"\""));
    lines
}

/// Words of `text` in lines of at most `first` (then `rest`) characters; an empty text gives one empty line.
pub(super) fn wrap(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let lead: String = text.chars().take_while(|c| *c == ' ').collect();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let limit = if lines.is_empty() { first } else { rest };
        if cur.is_empty() {
            cur = format!("{lead}{word}");
        } else if cur.chars().count() + 1 + word.chars().count() <= limit {
            cur.push(' ');
            cur.push_str(word);
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        }
    }
    lines.push(cur);
    lines
}

/// Text made safe inside `"""..."""`: backslashes, quote runs and control characters escaped.
pub(super) fn escape_doc(text: &str) -> String {
    let mut s = String::new();
    for ch in text.chars() {
        match ch {
            '\\' => s.push_str("\\\\"),
            '\n' => s.push('\n'),
            '\t' => s.push_str("    "),
            '\r' => {}
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => s.push_str(&format!("\\u{:04x}", c as u32)),
            c => s.push(c),
        }
    }
    let mut s = s.replace("\"\"\"", "\\\"\\\"\\\"");
    if s.ends_with('"') {
        s.pop();
        s.push_str("\\\"");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docstrings_wrap_and_escape() {
        assert_eq!(escape_doc("say \"\"\"hi\" \\o/"), "say \\\"\\\"\\\"hi\" \\\\o/");
        assert_eq!(escape_doc("ends with \""), "ends with \\\"");
        let long = "x".repeat(64);
        let lines = field_lines(&long, &format!("E{long}"), None);
        assert_eq!(lines, [format!("    {long}: ("), format!("        E{long}"), "    )".to_string()]);
        let doc = docstring(&"word ".repeat(100), 4);
        assert!(doc.iter().all(|l| l.chars().count() <= WIDTH), "{doc:?}");
        assert!(doc[0].starts_with("    \"\"\"word"));
    }
}
