//! Every Rust name the generator writes: `snake_case` fields and modules (a keyword becomes a raw
//! identifier, `r#type`; `self`, `super`, `crate` and `Self` get a trailing `_`), `PascalCase` enum
//! variants (`V` before a leading digit).
use super::super::naming::{pascal_case, snake_case};

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let",
    "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type",
    "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

pub(super) fn field_ident(name: &str) -> String {
    let snake = snake_case(name);
    match snake.as_str() {
        "self" | "super" | "crate" | "Self" => format!("{snake}_"),
        s if KEYWORDS.contains(&s) => format!("r#{s}"),
        _ => snake,
    }
}

pub(super) fn module_name(pkg: &str) -> String {
    field_ident(pkg)
}

pub(super) fn variant(name: &str) -> String {
    let v = pascal_case(name);
    if v.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        format!("V{v}")
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(field_ident("userId"), "user_id");
        assert_eq!(module_name("chat"), "chat");
        assert_eq!(variant("pcm16"), "Pcm16");
        assert_eq!(variant("16k"), "V16k");
    }
}
