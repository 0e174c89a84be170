//! The names `lint` refuses although they are valid identifiers: what no code generator can escape, because
//! the name itself becomes a file, a directory or a golden case id. Everything else a language forbids
//! (keywords, builtins, the generated code's own names, names that meet after case conversion) is escaped
//! by `codegen` (`src/codegen/*/names.rs`), and the torture contracts of tests/codegen/torture_names.rs prove it.
//!
//! Refused, with E210:
//! - names longer than [`MAX_NAME`] characters: a golden vector is `golden/<package>/<Message>/` +
//!   `edge.<field>.<enum value>.snap.new` at worst, and a file name has 255 bytes on common file systems;
//! - two names that differ only in case where both become file names: messages of a package (directories
//!   of golden/), fields of a message and values of an enum (`edge.<field>.<value>`), examples of a message
//!   (`example.<name>`). On a case-insensitive disk (macOS and Windows by default) one overwrites the other;
//! - package names that are device names on Windows (`con`, `aux`, `nul`, `com1`...): the go tool refuses
//!   them as an element of any import path, on every system, and Windows cannot create the directory or
//!   the Python module;
//! - enum values `absent` and `nil` for an optional or nullable field of that enum: the golden case of the
//!   value and the case of the absent key or of nil would have the same id.
use super::*;
use crate::diag::{Code, Diagnostics};
use std::collections::HashMap;

/// The longest name of a package, message, enum, enum value, field or example.
pub const MAX_NAME: usize = 64;

/// The device names of Windows, refused by the go tool as import path elements (golang.org/x/mod/module).
const DEVICE_NAMES: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2",
    "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

pub fn check(c: &Contracts, diags: &mut Diagnostics) {
    for p in &c.packages {
        long(diags, "package", &p.name, p.span);
        if DEVICE_NAMES.contains(&p.name.as_str()) {
            diags.error(
                Code::UnusableName,
                p.span,
                format!("package `{}` has the name of a Windows device", p.name),
                format!(
                    "the go tool refuses `{}` in any import path (on every system), and Windows cannot create \
                     golden/{}/ or {}.py: rename the package (e.g. `{}_`)",
                    p.name, p.name, p.name, p.name
                ),
            );
        }
        let messages: Vec<(&str, Span)> = p.messages.iter().map(|m| (m.name.as_str(), m.span)).collect();
        case_only(
            diags,
            &messages,
            "message",
            &format!("package `{}`", p.name),
            "golden/<package>/<Message>/ of both is one directory",
        );
        for e in &p.enums {
            long(diags, "enum", &e.name, e.span);
            let values: Vec<(&str, Span)> = e.values.iter().map(|v| (v.name.as_str(), v.span)).collect();
            let files = "the golden cases of both in a field of this enum (edge.<field>.<value>) are the same files";
            case_only(diags, &values, "value", &format!("enum `{}`", e.name), files);
            for v in &e.values {
                long(diags, "enum value", &v.name, v.span);
            }
        }
        for m in &p.messages {
            long(diags, "message", &m.name, m.span);
            let fields: Vec<(&str, Span)> = m.fields.iter().map(|f| (f.name.as_str(), f.span)).collect();
            let files = "the golden cases of both (edge.<field>.*) are the same files";
            case_only(diags, &fields, "field", &format!("message `{}`", m.name), files);
            let examples: Vec<(&str, Span)> = m.examples.iter().map(|x| (x.name.as_str(), x.span)).collect();
            let files = "the golden cases of both (example.<name>) are the same files";
            case_only(diags, &examples, "example", &format!("message `{}`", m.name), files);
            for f in &m.fields {
                long(diags, "field", &f.name, f.span);
                if let Type::Enum(id) = f.ty {
                    variant_clash(c, diags, m, f, id);
                }
            }
        }
    }
}

fn long(diags: &mut Diagnostics, what: &str, name: &str, span: Span) {
    let n = name.chars().count();
    if n > MAX_NAME {
        diags.error(
            Code::UnusableName,
            span,
            format!("{what} name `{name}` has {n} characters, more than {MAX_NAME}"),
            format!(
                "names become file names (golden/<package>/<Message>/edge.<field>.<value>.msgpack), which file \
                 systems limit to 255 bytes: shorten it to {MAX_NAME} characters or fewer"
            ),
        );
    }
}

/// Names of one scope that differ only in case: the later of each pair is reported.
fn case_only(diags: &mut Diagnostics, names: &[(&str, Span)], what: &str, scope: &str, files: &str) {
    let mut seen: HashMap<String, (&str, Span)> = HashMap::new();
    for &(name, span) in names {
        match seen.get(&name.to_ascii_lowercase()) {
            Some(&(first, first_span)) if first != name => diags.error(
                Code::UnusableName,
                span,
                format!("{what} `{name}` of {scope} differs from `{first}` (line {}) only in case", first_span.line),
                format!(
                    "on a case-insensitive disk (macOS, Windows) {files}: rename one of them so that they differ \
                     in more than case"
                ),
            ),
            Some(_) => {}
            None => {
                seen.insert(name.to_ascii_lowercase(), (name, span));
            }
        }
    }
}

/// An enum value named like the variant golden gives an absent optional field or a nil nullable one.
fn variant_clash(c: &Contracts, diags: &mut Diagnostics, m: &Message, f: &Field, id: EnumId) {
    let e = c.enum_def(id);
    for (applies, variant, how) in [(f.optional, "absent", "optional"), (f.nullable, "nil", "nullable")] {
        if applies && e.values.iter().any(|v| v.name == variant) {
            diags.error(
                Code::UnusableName,
                f.span,
                format!(
                    "{how} field `{}` of `{}` has the enum `{}`, whose value `{variant}` gives the golden case \
                     `edge.{}.{variant}` that the {variant} field already has",
                    f.name,
                    m.name,
                    c.enum_name(id),
                    f.name
                ),
                format!("rename the enum value `{variant}`, or make the field not {how}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::contract::Contracts;

    fn codes(yaml: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("c.yaml"), yaml).unwrap();
        let (c, d) = Contracts::load_dir(dir.path());
        d.sorted().iter().map(|x| format!("{}: {}", x.code.id(), x.render(&c.sources))).collect()
    }

    #[test]
    fn names_differing_only_in_case_are_refused_once() {
        let yaml = "package: p\nversion: 1.0.0\nmessages:\n  M:\n    fields:\n      - {name: user_id, type: bool}\n      - {name: userId, type: bool}\n      - {name: USER_ID, type: bool}\n    examples:\n      x: {user_id: true, userId: true, USER_ID: true}\n";
        let found = codes(yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("field `USER_ID` of message `M` differs from `user_id` (line 6) only in case"));
    }
}
