//! Every Go name the generator writes: exported identifiers from contract names (`user_id` -> `UserID`,
//! initialisms as golint writes them), package names that are Go keywords (`type` -> `typepkg`), import
//! names that would shadow a predeclared identifier or a local variable of the generated code, field names
//! that would clash with the generated methods or with each other (`Validate` -> `ValidateField`,
//! `UserID2`), and the check that no two top-level declarations of a package get the same name.
use super::super::naming::snake_case;
use super::{REGISTRY, RUNTIME};
use crate::contract::{Contracts, Message};
use std::collections::HashSet;

/// Methods of generated messages: a field may not take these names.
const MESSAGE_METHODS: [&str; 5] = ["EncodeMsgpack", "DecodeMsgpack", "Marshal", "Unmarshal", "Validate"];

/// Words written in capitals in Go names (`user_id` -> `UserID`), as golint does.
const INITIALISMS: [&str; 39] = [
    "ACL", "API", "ASCII", "CPU", "CSS", "DNS", "EOF", "GUID", "HTML", "HTTP", "HTTPS", "ID", "IP", "JSON", "LHS",
    "QPS", "RAM", "RHS", "RPC", "SLA", "SMTP", "SQL", "SSH", "TCP", "TLS", "TTL", "UDP", "UI", "UID", "UUID", "URI",
    "URL", "UTF8", "VM", "XML", "XMPP", "XSRF", "XSS", "NATS",
];

const GO_KEYWORDS: [&str; 25] = [
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// Names an imported generated package must not take in a generated file: predeclared identifiers, the
/// other imports and the local variables of the generated code.
const RESERVED_REFS: [&str; 60] = [
    "any",
    "bool",
    "byte",
    "comparable",
    "complex64",
    "complex128",
    "error",
    "float32",
    "float64",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "rune",
    "string",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "true",
    "false",
    "iota",
    "nil",
    "append",
    "cap",
    "clear",
    "close",
    "complex",
    "copy",
    "delete",
    "imag",
    "len",
    "make",
    "max",
    "min",
    "new",
    "panic",
    "print",
    "println",
    "real",
    "recover",
    "msgpack",
    "msgpactrt",
    "time",
    "strconv",
    "math",
    "reflect",
    "d",
    "e",
    "v",
    "w",
    "x",
    "n",
    "i",
    "err",
    "key",
    "seen",
];

/// `user_id` -> `UserID`, `sampleRate` -> `SampleRate`, `utf8_text` -> `UTF8Text`.
pub fn go_ident(name: &str) -> String {
    let mut out = String::new();
    for w in snake_case(name).split('_').filter(|w| !w.is_empty()) {
        let up = w.to_ascii_uppercase();
        if INITIALISMS.contains(&up.as_str()) {
            out.push_str(&up);
        } else {
            let mut cs = w.chars();
            if let Some(f) = cs.next() {
                out.push(f.to_ascii_uppercase());
                out.push_str(cs.as_str());
            }
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'F');
    }
    out
}

/// The Go names chosen for everything, checked for collisions once.
pub(super) struct Names {
    /// Package clause name, per contract package.
    pub(super) clause: Vec<String>,
    /// The name other generated files import each package under.
    pub(super) refs: Vec<String>,
    /// Go field names, per package, message and field.
    pub(super) fields: Vec<Vec<Vec<String>>>,
}

impl Names {
    pub(super) fn new(c: &Contracts) -> Result<Names, String> {
        let mut clause = Vec::new();
        for p in &c.packages {
            if p.name == RUNTIME || p.name == REGISTRY {
                return Err(format!("contract package `{}` has the name of a generated Go package; rename it", p.name));
            }
            clause.push(if GO_KEYWORDS.contains(&p.name.as_str()) { format!("{}pkg", p.name) } else { p.name.clone() });
        }
        let mut taken: HashSet<String> = RESERVED_REFS.iter().map(|s| s.to_string()).collect();
        taken.extend(clause.iter().filter(|n| !RESERVED_REFS.contains(&n.as_str())).cloned());
        let mut refs = Vec::new();
        for name in &clause {
            let mut r = name.clone();
            if RESERVED_REFS.contains(&name.as_str()) {
                while taken.contains(&r) {
                    r.push_str("pkg");
                }
                taken.insert(r.clone());
            }
            refs.push(r);
        }
        let mut fields = Vec::new();
        for p in &c.packages {
            let mut top: HashSet<String> = HashSet::new();
            let mut claim = |n: String| -> Result<(), String> {
                if top.insert(n.clone()) {
                    Ok(())
                } else {
                    Err(format!("the Go name `{n}` would be declared twice in package `{}`; rename a message, enum or enum value", p.name))
                }
            };
            claim("ContractsHash".into())?;
            claim("Codecs".into())?;
            for e in &p.enums {
                claim(e.name.clone())?;
                for v in &e.values {
                    claim(format!("{}{}", e.name, go_ident(&v.name)))?;
                }
            }
            for m in &p.messages {
                claim(m.name.clone())?;
                claim(format!("Unmarshal{}", m.name))?;
            }
            fields.push(p.messages.iter().map(field_names).collect());
        }
        Ok(Names { clause, refs, fields })
    }
}

pub(super) fn field_names(m: &Message) -> Vec<String> {
    let mut used: HashSet<String> = MESSAGE_METHODS.iter().map(|s| s.to_string()).collect();
    m.fields
        .iter()
        .map(|f| {
            let mut base = go_ident(&f.name);
            if MESSAGE_METHODS.contains(&base.as_str()) {
                base.push_str("Field");
            }
            let mut name = base.clone();
            let mut k = 2;
            while used.contains(&name) {
                name = format!("{base}{k}");
                k += 1;
            }
            used.insert(name.clone());
            name
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_identifiers() {
        assert_eq!(go_ident("user_id"), "UserID");
        assert_eq!(go_ident("request_id"), "RequestID");
        assert_eq!(go_ident("sampleRate"), "SampleRate");
        assert_eq!(go_ident("utf8_text"), "UTF8Text");
        assert_eq!(go_ident("top_p"), "TopP");
        assert_eq!(go_ident("_1"), "F1");
        assert_eq!(go_ident("http_url"), "HTTPURL");
    }
}
