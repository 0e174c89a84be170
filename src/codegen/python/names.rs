//! Every Python name the generator writes: modules (package names), classes (contract names), attributes
//! (`snake_case` of field names, never mangled `__x`) and enum members (`UPPER_SNAKE`); a name that is a
//! keyword, is reserved by the generated code or would clash gets a trailing `_` (the wire name never
//! changes).
use super::super::naming::{self, snake_case};

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Names a field attribute cannot take: they are used in class bodies or are the methods of `_rt.Message`.
const RESERVED_ATTRS: &[&str] = &["_rt", "_dc", "_enum", "to_msgpack", "from_msgpack"];

/// Names a module cannot take: they are defined in `__init__.py`, where `from __future__ import
/// annotations` binds `annotations` before the modules are imported (and `from . import annotations` then
/// finds that name instead of importing the module).
const RESERVED_MODULES: &[&str] = &["decode", "encode", "annotations"];

/// Gives every candidate a unique name: first those that are fine as they are (in order), then the others
/// with `_` appended until they are free.
pub(super) fn assign(candidates: &[String], reserved: impl Fn(&str) -> bool) -> Vec<String> {
    naming::assign(candidates, |s| !reserved(s), naming::underscores)
}

pub(super) fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// The attribute name of a field: `snake_case`, and never a name Python would mangle (`__x`).
pub fn attr_candidate(field: &str) -> String {
    let s = snake_case(field);
    if s.starts_with("__") {
        format!("f{s}")
    } else {
        s
    }
}

/// The member name of an enum value: `UPPER_SNAKE`, never starting with `_` (reserved by `enum`).
pub fn member_candidate(value: &str) -> String {
    let s = snake_case(value).to_ascii_uppercase();
    if s.starts_with('_') {
        format!("V{s}")
    } else {
        s
    }
}

pub fn attr_names(fields: &[&str]) -> Vec<String> {
    let cands: Vec<String> = fields.iter().map(|f| attr_candidate(f)).collect();
    assign(&cands, |s| is_keyword(s) || RESERVED_ATTRS.contains(&s))
}

pub fn member_names(values: &[&str]) -> Vec<String> {
    let cands: Vec<String> = values.iter().map(|v| member_candidate(v)).collect();
    assign(&cands, |s| s.starts_with('_') || is_keyword(s))
}

pub fn module_names(packages: &[&str]) -> Vec<String> {
    let cands: Vec<String> = packages.iter().map(|p| p.to_string()).collect();
    assign(&cands, |s| is_keyword(s) || RESERVED_MODULES.contains(&s))
}

pub fn class_names(types: &[&str]) -> Vec<String> {
    let cands: Vec<String> = types.iter().map(|t| t.to_string()).collect();
    assign(&cands, is_keyword)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_escape_keywords_and_clashes() {
        assert_eq!(
            attr_names(&["class", "class_", "userId", "to_msgpack", "__x", "self"]),
            ["class__", "class_", "user_id", "to_msgpack_", "f__x", "self"]
        );
        assert_eq!(
            member_names(&["user", "USER", "content_filter", "_x", "pcm16"]),
            ["USER", "USER_", "CONTENT_FILTER", "V_X", "PCM16"]
        );
        assert_eq!(module_names(&["chat", "import", "decode", "import_"]), ["chat", "import__", "decode_", "import_"]);
        assert_eq!(module_names(&["annotations"]), ["annotations_"]);
        assert_eq!(class_names(&["None", "Turn", "True"]), ["None_", "Turn", "True_"]);
    }
}
