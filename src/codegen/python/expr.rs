//! A Python expression ([`Py`]) printed on one line when it fits in [`WIDTH`] and broken at its brackets
//! otherwise, the way black would lay it out: calls, lists, dicts, lambdas, long strings in parentheses.
use super::literals::{py_bytes, py_str};
use super::WIDTH;

/// A Python expression, printed on one line when it fits and broken at its brackets otherwise.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Py {
    Atom(String),
    Str(String),
    Bytes(Vec<u8>),
    Call(String, Vec<(Option<String>, Py)>),
    List(Vec<Py>),
    Dict(Vec<(Py, Py)>),
    Lambda(Box<Py>),
}

impl Py {
    pub(super) fn atom(x: impl std::fmt::Display) -> Py {
        Py::Atom(x.to_string())
    }

    pub(super) fn flat(&self) -> String {
        match self {
            Py::Atom(s) => s.clone(),
            Py::Str(s) => py_str(s),
            Py::Bytes(b) => py_bytes(b),
            Py::Call(f, args) => {
                format!("{f}({})", args.iter().map(|(k, v)| arg_flat(k, v)).collect::<Vec<_>>().join(", "))
            }
            Py::List(items) => format!("[{}]", items.iter().map(Py::flat).collect::<Vec<_>>().join(", ")),
            Py::Dict(entries) => format!(
                "{{{}}}",
                entries.iter().map(|(k, v)| format!("{}: {}", k.flat(), v.flat())).collect::<Vec<_>>().join(", ")
            ),
            Py::Lambda(body) => format!("lambda: {}", body.flat()),
        }
    }

    /// The lines of `prefix + self + suffix` starting at column `indent`.
    pub(super) fn lines(&self, indent: usize, prefix: &str, suffix: &str) -> Vec<String> {
        let pad = " ".repeat(indent);
        let flat = format!("{pad}{prefix}{}{suffix}", self.flat());
        if flat.chars().count() <= WIDTH {
            return vec![flat];
        }
        let inner = indent + 4;
        let mut out = Vec::new();
        match self {
            Py::Call(f, args) => {
                // hug a last list argument: `f(a, b, [` ... `])`
                if let Some((None, Py::List(items))) = args.last() {
                    let head_args: Vec<String> = args[..args.len() - 1].iter().map(|(k, v)| arg_flat(k, v)).collect();
                    let head =
                        format!("{pad}{prefix}{f}({}[", head_args.iter().map(|a| format!("{a}, ")).collect::<String>());
                    if head.chars().count() <= WIDTH && !items.is_empty() {
                        out.push(head);
                        for it in items {
                            out.extend(it.lines(inner, "", ","));
                        }
                        out.push(format!("{pad}]){suffix}"));
                        return out;
                    }
                }
                out.push(format!("{pad}{prefix}{f}("));
                for (k, v) in args {
                    let kp = k.as_ref().map(|k| format!("{k}=")).unwrap_or_default();
                    out.extend(v.lines(inner, &kp, ","));
                }
                out.push(format!("{pad}){suffix}"));
            }
            Py::List(items) => {
                out.push(format!("{pad}{prefix}["));
                for it in items {
                    out.extend(it.lines(inner, "", ","));
                }
                out.push(format!("{pad}]{suffix}"));
            }
            Py::Dict(entries) => {
                out.push(format!("{pad}{prefix}{{"));
                for (k, v) in entries {
                    out.extend(v.lines(inner, &format!("{}: ", k.flat()), ","));
                }
                out.push(format!("{pad}}}{suffix}"));
            }
            Py::Lambda(body) => return body.lines(indent, &format!("{prefix}lambda: "), suffix),
            Py::Str(s) if !s.is_empty() => {
                out.push(format!("{pad}{prefix}("));
                let room = WIDTH.saturating_sub(inner + 2).max(16);
                for chunk in chunks(s, room, |c| py_str(&c.to_string()).len() - 2) {
                    out.push(format!("{}{}", " ".repeat(inner), py_str(&chunk)));
                }
                out.push(format!("{pad}){suffix}"));
            }
            Py::Bytes(b) if !b.is_empty() => {
                out.push(format!("{pad}{prefix}("));
                let room = WIDTH.saturating_sub(inner + 3).max(16);
                let mut cur: Vec<u8> = Vec::new();
                for &x in b {
                    if py_bytes(&cur).len() - 3 + py_bytes(&[x]).len() - 3 > room {
                        out.push(format!("{}{}", " ".repeat(inner), py_bytes(&cur)));
                        cur.clear();
                    }
                    cur.push(x);
                }
                out.push(format!("{}{}", " ".repeat(inner), py_bytes(&cur)));
                out.push(format!("{pad}){suffix}"));
            }
            Py::Atom(a) if !prefix.is_empty() && inner + a.chars().count() <= WIDTH => {
                out.push(format!("{pad}{prefix}("));
                out.push(format!("{}{a}", " ".repeat(inner)));
                out.push(format!("{pad}){suffix}"));
            }
            _ => out.push(flat),
        }
        out
    }
}

pub(super) fn arg_flat(k: &Option<String>, v: &Py) -> String {
    match k {
        Some(k) => format!("{k}={}", v.flat()),
        None => v.flat(),
    }
}

/// `s` cut into pieces whose escaped length is at most `room`.
pub(super) fn chunks(s: &str, room: usize, width: impl Fn(char) -> usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut len = 0;
    for ch in s.chars() {
        let w = width(ch);
        if len + w > room && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            len = 0;
        }
        cur.push(ch);
        len += w;
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_expressions_break_at_brackets() {
        let call = Py::Call(
            "_rt.define_message".into(),
            vec![(None, Py::atom("X")), (None, Py::List(vec![Py::Str("a".repeat(60)), Py::Str("b".repeat(60))]))],
        );
        let lines = call.lines(0, "", "");
        assert_eq!(lines[0], "_rt.define_message(X, [");
        assert_eq!(lines.last().unwrap(), "])");
        assert!(lines.iter().all(|l| l.len() <= WIDTH));
        let long = Py::Str("x".repeat(300));
        assert!(long.lines(4, "a: str = ", "").iter().all(|l| l.len() <= WIDTH));
    }
}
