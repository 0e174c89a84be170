//! Every Rust name the generator writes, chosen once for the whole contract set ([`Names`]) so that no two
//! things of one namespace get the same name and no name means something else where it is used:
//! - package modules: the package name; a keyword becomes a raw identifier (`r#type`); `self`, `super`,
//!   `crate` (which cannot be raw) and `rt` (the runtime module beside them) get a trailing `_`;
//! - message and enum types: the contract name, with a trailing `_` for the names the generated code itself
//!   uses unqualified inside a package module: the prelude's `Option`, `Some`, `None`, `Result`, `Ok`,
//!   `Err`, `Vec`, `String`, `Box`, the imported `Serialize` and `Deserialize`, the generic parameters and
//!   local visitor of the serde impls (`S`, `D`, `A`, `V`), and the keyword `Self`;
//! - fields: `snake_case`, keywords raw (`r#type`), `self`/`super`/`crate`/`_` with a trailing `_`, and
//!   names that meet after case conversion (`user_id`, `userId`) made distinct with more `_`;
//! - enum variants: `PascalCase` (`V` before a leading digit or for a name without letters), `Self_`, and
//!   values that meet after case conversion (`a_b`, `aB`) made distinct with `_`.
//!
//! The wire never changes: a field whose Rust name differs from its contract name gets `rename`.
use super::super::naming::{assign, pascal_case, snake_case, underscores};
use crate::contract::Contracts;

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let",
    "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type",
    "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Identifiers that cannot be written raw (`r#self` is an error) or are `_`.
const NOT_RAW: &[&str] = &["self", "super", "crate", "Self", "_"];

/// Type names a package module cannot declare: the generated code uses them unqualified there.
const RESERVED_TYPES: &[&str] = &[
    "Self",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Serialize",
    "Deserialize",
    "S",
    "D",
    "A",
    "V",
];

/// Module names taken at the top of `generated.rs` (beside the package modules).
const RESERVED_MODULES: &[&str] = &["rt"];

/// The Rust names of everything in a contract set.
pub(super) struct Names {
    /// Per package: its module, ready to write (`chat`, `r#type`, `self_`).
    pub(super) modules: Vec<String>,
    /// Per package, per message.
    pub(super) messages: Vec<Vec<String>>,
    /// Per package, per enum.
    pub(super) enums: Vec<Vec<String>>,
    /// Per package, per enum, per value.
    pub(super) variants: Vec<Vec<Vec<String>>>,
    /// Per package, per message, per field: ready to write (`user_id`, `r#type`).
    pub(super) fields: Vec<Vec<Vec<String>>>,
}

impl Names {
    pub(super) fn new(c: &Contracts) -> Names {
        let pkgs: Vec<String> = c.packages.iter().map(|p| snake_case(&p.name)).collect();
        let modules =
            assign(&pkgs, |s| !NOT_RAW.contains(&s) && !RESERVED_MODULES.contains(&s), underscores).into_iter();
        let mut names = Names {
            modules: modules.map(|m| raw(&m)).collect(),
            messages: Vec::new(),
            enums: Vec::new(),
            variants: Vec::new(),
            fields: Vec::new(),
        };
        for p in &c.packages {
            // messages and enums share the module's type namespace
            let mut types: Vec<String> = p.messages.iter().map(|m| m.name.clone()).collect();
            types.extend(p.enums.iter().map(|e| e.name.clone()));
            let types = assign(&types, |s| !RESERVED_TYPES.contains(&s), underscores);
            names.messages.push(types[..p.messages.len()].to_vec());
            names.enums.push(types[p.messages.len()..].to_vec());
            names.variants.push(
                p.enums
                    .iter()
                    .map(|e| variants(&e.values.iter().map(|v| v.name.as_str()).collect::<Vec<_>>()))
                    .collect(),
            );
            names.fields.push(
                p.messages
                    .iter()
                    .map(|m| fields(&m.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>()))
                    .collect(),
            );
        }
        names
    }
}

/// Whether rustc's `non_snake_case` lint accepts a field or module name (its rule: outer `_` trimmed, no
/// uppercase letter and no `__` inside), so that the generated code adds `#[allow(non_snake_case)]` only
/// where a contract name like `user__id` needs it.
pub(super) fn is_snake_case(ident: &str) -> bool {
    let s = ident.trim_start_matches("r#").trim_matches('_');
    !s.contains("__") && !s.chars().any(|c| c.is_uppercase())
}

/// A keyword as a raw identifier; anything else as it is.
fn raw(s: &str) -> String {
    if KEYWORDS.contains(&s) {
        format!("r#{s}")
    } else {
        s.to_string()
    }
}

/// The struct member names of a message's fields, in order.
pub(super) fn fields(names: &[&str]) -> Vec<String> {
    let cands: Vec<String> = names.iter().map(|n| snake_case(n)).collect();
    assign(&cands, |s| !NOT_RAW.contains(&s), underscores).iter().map(|s| raw(s)).collect()
}

/// The variant names of an enum's values, in order.
pub(super) fn variants(values: &[&str]) -> Vec<String> {
    let cands: Vec<String> = values
        .iter()
        .map(|v| {
            let p = pascal_case(v);
            if p.chars().next().is_none_or(|c| c.is_ascii_digit()) {
                format!("V{p}")
            } else {
                p
            }
        })
        .collect();
    assign(&cands, |s| s != "Self", underscores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_identifiers_and_clashes_get_underscores() {
        assert_eq!(
            fields(&["type", "self", "userId", "user_id", "Type", "_", "crate"]),
            ["r#type", "self_", "user_id", "user_id_", "type_", "__", "crate_"]
        );
        assert_eq!(
            variants(&["pcm16", "_16k", "Self", "a_b", "aB", "_", "v"]),
            ["Pcm16", "V16k", "Self_", "AB", "AB_", "V", "V_"]
        );
    }

    #[test]
    fn snake_case_as_rustc_sees_it() {
        assert!(is_snake_case("user_id") && is_snake_case("__x") && is_snake_case("r#type") && is_snake_case("x_"));
        assert!(!is_snake_case("user__id") && !is_snake_case("f__x"));
    }

    #[test]
    fn modules_and_types_avoid_what_the_generated_code_uses() {
        let dir = tempfile::tempdir().unwrap();
        let yaml = "package: rt\nversion: 1.0.0\nenums:\n  Option:\n    values: [a]\nmessages:\n  V:\n    fields: []\n  Chat:\n    fields: []\n";
        std::fs::write(dir.path().join("rt.yaml"), yaml).unwrap();
        std::fs::write(dir.path().join("type.yaml"), "package: type\nversion: 1.0.0\n").unwrap();
        let (c, d) = Contracts::load_dir(dir.path());
        assert!(!d.has_errors(), "{}", d.render_all(&c.sources));
        let n = Names::new(&c);
        assert_eq!(n.modules, ["rt_", "r#type"]);
        assert_eq!(n.messages[0], ["V_", "Chat"]);
        assert_eq!(n.enums[0], ["Option_"]);
    }
}
