//! Reading contract files into the model: one package per YAML file.
//!
//! This pass checks the shape of each file (known keys, kinds, names, versions) and records type
//! expressions unresolved. It keeps going after a problem so that one `msgpact lint` shows all of them.
use super::num::parse_num;
use super::types::parse_type;
use super::*;
use crate::classes::{Gate, PolicyKey};
use crate::diag::{did_you_mean, Code};
use crate::yaml::{self, NodeKind};

/// Reads one file's bytes into a package and adds it. Used for files and for in-memory tests.
pub fn load_bytes(contracts: &mut Contracts, diags: &mut Diagnostics, file: FileId, bytes: &[u8]) {
    let root = match yaml::parse(file, bytes) {
        Ok(n) => n,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let mut r = Reader { diags };
    if let Some(p) = r.package(file, &root) {
        contracts.packages.push(p);
    }
}

struct Reader<'d> {
    diags: &'d mut Diagnostics,
}

const PACKAGE_KEYS: &[&str] = &["package", "version", "doc", "enums", "messages", "policy"];
const MESSAGE_KEYS: &[&str] = &["doc", "shape", "subjects", "deprecated", "fields", "examples"];
const FIELD_KEYS: &[&str] = &["name", "type", "doc", "optional", "nullable", "default", "deprecated", "constraints"];
const ENUM_KEYS: &[&str] = &["doc", "repr", "values", "deprecated"];
const CONSTRAINT_KEYS: &[&str] = &["min_len", "max_len", "min", "max", "allow_nan", "allow_infinity"];

impl Reader<'_> {
    fn err(&mut self, code: Code, span: Span, msg: impl Into<String>, hint: impl Into<String>) {
        self.diags.error(code, span, msg, hint);
    }

    fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [(Node, Node)]> {
        let m = node.as_map();
        if m.is_none() {
            self.err(
                Code::ExpectedKind,
                node.span,
                format!("{what} must be a mapping, found a {}", node.kind_name()),
                "write `key: value` lines indented under it",
            );
        }
        m
    }

    /// Reports keys not in `allowed`, with a suggestion.
    fn known_keys(&mut self, map: &[(Node, Node)], allowed: &[&str], what: &str) {
        for (k, _) in map {
            let name = k.as_str().unwrap_or("");
            if !allowed.contains(&name) {
                let hint = match did_you_mean(name, allowed.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("{what} keys are: {}", allowed.join(", ")),
                };
                self.err(Code::UnknownKey, k.span, format!("unknown key `{name}` in {what}"), hint);
            }
        }
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.scalar() {
            Some(s) if !s.is_null() => Some(s.text.clone()),
            _ => {
                self.err(
                    Code::ExpectedKind,
                    node.span,
                    format!("{what} must be a string, found a {}", node.kind_name()),
                    "write it as text, quoted if needed",
                );
                None
            }
        }
    }

    fn doc(&mut self, node: Option<&Node>) -> String {
        node.and_then(|n| self.string(n, "doc")).unwrap_or_default()
    }

    fn boolean(&mut self, node: Option<&Node>, what: &str) -> bool {
        let Some(node) = node else { return false };
        match node.scalar().and_then(|s| s.as_bool()) {
            Some(b) => b,
            None => {
                self.err(
                    Code::InvalidValue,
                    node.span,
                    format!("{what} must be true or false"),
                    "write `true` or `false` without quotes",
                );
                false
            }
        }
    }

    fn name(&mut self, node: &Node, what: &str, rule: NameRule) -> Option<String> {
        let text = self.string(node, what)?;
        if rule.ok(&text) {
            Some(text)
        } else {
            self.err(Code::InvalidName, node.span, format!("`{text}` is not a valid {what}"), rule.hint());
            None
        }
    }

    fn package(&mut self, file: FileId, root: &Node) -> Option<Package> {
        if root.is_null() {
            self.err(
                Code::MissingKey,
                root.span,
                "empty contract file",
                "start it with `package: NAME` and `version: 1.0.0`",
            );
            return None;
        }
        let map = self.map(root, "a contract file")?;
        self.known_keys(map, PACKAGE_KEYS, "a package");
        let first = map.first().map_or(root.span, |(k, _)| k.span);
        let name = match root.get("package") {
            Some(n) => self.name(n, "package name", NameRule::Package),
            None => {
                self.err(Code::MissingKey, first, "missing `package`", "add `package: NAME` (lowercase, e.g. `chat`)");
                None
            }
        };
        let version = match root.get("version") {
            Some(n) => self.version(n),
            None => {
                self.err(Code::MissingKey, first, "missing `version`", "add `version: 1.0.0` (semver)");
                None
            }
        };
        let doc = self.doc(root.get("doc"));
        let mut enums = Vec::new();
        if let Some(n) = root.get("enums") {
            if let Some(m) = self.map(n, "`enums`") {
                for (k, v) in m {
                    if let Some(e) = self.enum_def(k, v) {
                        enums.push(e);
                    }
                }
            }
        }
        let mut messages = Vec::new();
        if let Some(n) = root.get("messages") {
            if let Some(m) = self.map(n, "`messages`") {
                for (k, v) in m {
                    if let Some(msg) = self.message(k, v) {
                        messages.push(msg);
                    }
                }
            }
        }
        let policy = root.get("policy").map(|n| self.policy(n)).unwrap_or_default();
        // Keep going with placeholders so that the rest of the file is still checked; the error is reported.
        let name = name
            .or_else(|| root.get("package").and_then(|n| n.as_str()).map(str::to_string))
            .unwrap_or_else(|| format!("<file {}>", file.0));
        let version = version.unwrap_or(Version { major: 0, minor: 0, patch: 0 });
        let span_of = |key: &str| root.get(key).map_or(first, |n| n.span);
        Some(Package {
            name,
            version,
            doc,
            file,
            span: span_of("package"),
            version_span: span_of("version"),
            enums,
            messages,
            policy,
        })
    }

    /// `policy: {int-width: warn, field-name: fail, accepts-unknown-key: allow}`: which classes of findings
    /// (and which kinds of must-reject payloads accepted) fail the gate.
    fn policy(&mut self, node: &Node) -> Vec<(PolicyKey, Gate)> {
        let mut out = Vec::new();
        let Some(map) = self.map(node, "`policy`") else { return out };
        for (k, v) in map {
            let name = k.as_str().unwrap_or("");
            let Some(class) = PolicyKey::parse(name) else {
                let ids = PolicyKey::all_ids();
                let hint = match did_you_mean(name, ids.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("classes are: {}", ids.join(", ")),
                };
                self.err(Code::UnknownKey, k.span, format!("unknown class `{name}` in `policy`"), hint);
                continue;
            };
            match v.as_str().and_then(Gate::parse) {
                Some(g) => out.push((class, g)),
                None => self.err(
                    Code::InvalidValue,
                    v.span,
                    format!("policy for `{name}` must be `fail`, `warn` or `allow`"),
                    "`warn` reports the finding without failing the gate; `allow` lets it pass",
                ),
            }
        }
        out
    }

    fn version(&mut self, node: &Node) -> Option<Version> {
        let text = self.string(node, "version")?;
        let parts: Vec<&str> = text.split('.').collect();
        let nums: Vec<Option<u64>> = parts
            .iter()
            .map(|p| if p.is_empty() || (p.len() > 1 && p.starts_with('0')) { None } else { p.parse().ok() })
            .collect();
        match nums.as_slice() {
            [Some(major), Some(minor), Some(patch)] => Some(Version { major: *major, minor: *minor, patch: *patch }),
            _ => {
                self.err(
                    Code::InvalidVersion,
                    node.span,
                    format!("`{text}` is not a semver version"),
                    "write MAJOR.MINOR.PATCH, e.g. `1.4.0` (quote it if YAML reads it as a number)",
                );
                None
            }
        }
    }

    fn enum_def(&mut self, key: &Node, node: &Node) -> Option<EnumDef> {
        let name = self.name(key, "enum name", NameRule::Type);
        let map = self.map(node, "an enum")?;
        self.known_keys(map, ENUM_KEYS, "an enum");
        let repr = match node.get("repr").map(|n| (n, n.as_str())) {
            None | Some((_, Some("string"))) => EnumRepr::String,
            Some((_, Some("int"))) => EnumRepr::Int,
            Some((n, _)) => {
                self.err(
                    Code::InvalidValue,
                    n.span,
                    "`repr` must be `string` or `int`",
                    "`string` sends the value's name, `int` its number",
                );
                EnumRepr::String
            }
        };
        let mut values = Vec::new();
        match node.get("values") {
            None => self.err(
                Code::MissingKey,
                key.span,
                "enum without `values`",
                "add `values: [a, b]` (repr string) or `values: {a: 0, b: 1}` (repr int)",
            ),
            Some(v) => match (&v.kind, repr) {
                (NodeKind::Seq(items), EnumRepr::String) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(n) = self.name(item, "enum value", NameRule::Ident) {
                            values.push(EnumValue { name: n, number: i as i64, span: item.span });
                        }
                    }
                }
                (NodeKind::Map(items), EnumRepr::Int) => {
                    for (k, num) in items {
                        let n = self.name(k, "enum value", NameRule::Ident);
                        let number = num.as_str().and_then(|s| s.parse::<i64>().ok());
                        if number.is_none() {
                            self.err(
                                Code::InvalidValue,
                                num.span,
                                "an int enum value needs an integer number",
                                "write `name: 3`",
                            );
                        }
                        if let (Some(n), Some(number)) = (n, number) {
                            values.push(EnumValue { name: n, number, span: k.span });
                        }
                    }
                }
                (_, EnumRepr::String) => self.err(
                    Code::ExpectedKind,
                    v.span,
                    "`values` of a string enum must be a list of names",
                    "write `values: [pcm16, opus]`",
                ),
                (_, EnumRepr::Int) => self.err(
                    Code::ExpectedKind,
                    v.span,
                    "`values` of an int enum must map names to numbers",
                    "write `values: {pcm16: 1, opus: 2}`",
                ),
            },
        }
        let doc = self.doc(node.get("doc"));
        let deprecated = self.boolean(node.get("deprecated"), "`deprecated`");
        let name = name.or_else(|| key.as_str().map(str::to_string))?;
        Some(EnumDef { name, doc, repr, values, deprecated, span: key.span })
    }

    fn message(&mut self, key: &Node, node: &Node) -> Option<Message> {
        let name = self.name(key, "message name", NameRule::Type);
        let map = self.map(node, "a message")?;
        self.known_keys(map, MESSAGE_KEYS, "a message");
        let shape = match node.get("shape").map(|n| (n, n.as_str())) {
            None | Some((_, Some("map"))) => Shape::Map,
            Some((_, Some("array"))) => Shape::Array,
            Some((n, _)) => {
                self.err(
                    Code::InvalidValue,
                    n.span,
                    "`shape` must be `map` or `array`",
                    "`map` (the default) keys fields by name; `array` sends them by position",
                );
                Shape::Map
            }
        };
        let mut subjects = Vec::new();
        if let Some(n) = node.get("subjects") {
            match n.as_seq() {
                Some(items) => {
                    for s in items {
                        if let Some(text) = self.string(s, "a subject") {
                            if valid_subject(&text) {
                                subjects.push((text, s.span));
                            } else {
                                self.err(
                                    Code::InvalidSubject,
                                    s.span,
                                    format!("`{text}` is not a valid NATS subject"),
                                    "use dot-separated tokens without spaces, e.g. `chat.request` or `voice.*.chunk`",
                                );
                            }
                        }
                    }
                }
                None => self.err(
                    Code::ExpectedKind,
                    n.span,
                    "`subjects` must be a list",
                    "write `subjects: [chat.request]`",
                ),
            }
        }
        let mut fields = Vec::new();
        match node.get("fields") {
            Some(n) => match n.as_seq() {
                Some(items) => {
                    for item in items {
                        if let Some(f) = self.field(item) {
                            fields.push(f);
                        }
                    }
                }
                None => self.err(
                    Code::ExpectedKind,
                    n.span,
                    "`fields` must be a list",
                    "write each field as `- name: x` with `type: ...` under it",
                ),
            },
            None => self.err(
                Code::MissingKey,
                key.span,
                "message without `fields`",
                "add `fields:` with at least one `- name: ...` entry, or `fields: []`",
            ),
        }
        let mut examples = Vec::new();
        if let Some(n) = node.get("examples") {
            if let Some(m) = self.map(n, "`examples`") {
                for (k, v) in m {
                    if let Some(ex) = self.name(k, "example name", NameRule::CaseName) {
                        examples.push(Example { name: ex, node: v.clone(), value: None, span: k.span });
                    }
                }
            }
        }
        let doc = self.doc(node.get("doc"));
        let deprecated = self.boolean(node.get("deprecated"), "`deprecated`");
        let name = name.or_else(|| key.as_str().map(str::to_string))?;
        Some(Message { name, doc, shape, subjects, fields, examples, deprecated, span: key.span })
    }

    fn field(&mut self, node: &Node) -> Option<Field> {
        let map = self.map(node, "a field")?;
        self.known_keys(map, FIELD_KEYS, "a field");
        let name = match node.get("name") {
            Some(n) => self.name(n, "field name", NameRule::Ident),
            None => {
                self.err(Code::MissingKey, node.span, "field without `name`", "add `name: snake_case_name`");
                None
            }
        };
        let (ty, ty_text, ty_span) = match node.get("type") {
            Some(n) => {
                let text = self.string(n, "type")?;
                match parse_type(&text) {
                    Ok(t) => (t, text, n.span),
                    Err(e) => {
                        let col = if n.scalar().is_some_and(|s| s.quoted) { e.offset + 1 } else { e.offset };
                        self.err(
                            Code::TypeSyntax,
                            n.span.shifted(col),
                            format!("cannot read type `{text}`: {}", e.message),
                            "types are scalars (string, uint32...), `list<T>`, `map<K, V>` or message/enum names",
                        );
                        return None;
                    }
                }
            }
            None => {
                self.err(Code::MissingKey, node.span, "field without `type`", "add `type: string` (or another type)");
                return None;
            }
        };
        let constraints = match node.get("constraints") {
            Some(c) => self.constraints(c),
            None => Constraints::default(),
        };
        let optional = self.boolean(node.get("optional"), "`optional`");
        let nullable = self.boolean(node.get("nullable"), "`nullable`");
        let deprecated = self.boolean(node.get("deprecated"), "`deprecated`");
        let doc = self.doc(node.get("doc"));
        let default = node.get("default").map(|d| (d.clone(), None));
        Some(Field {
            name: name?,
            ty,
            ty_text,
            ty_span,
            optional,
            nullable,
            default,
            doc,
            deprecated,
            constraints,
            span: node.span,
        })
    }

    fn constraints(&mut self, node: &Node) -> Constraints {
        let mut c = Constraints { span: Some(node.span), ..Constraints::default() };
        let Some(map) = self.map(node, "`constraints`") else { return c };
        self.known_keys(map, CONSTRAINT_KEYS, "constraints");
        for (k, v) in map {
            match k.as_str().unwrap_or("") {
                "min_len" | "max_len" => {
                    let n = v.as_str().and_then(|s| s.parse::<u64>().ok());
                    if n.is_none() {
                        self.err(
                            Code::InvalidConstraint,
                            v.span,
                            "a length must be a non-negative integer",
                            "write e.g. `max_len: 64`",
                        );
                    }
                    if k.as_str() == Some("min_len") {
                        c.min_len = n;
                    } else {
                        c.max_len = n;
                    }
                }
                "min" | "max" => {
                    let n = v.scalar().filter(|s| !s.quoted).and_then(|s| parse_num(&s.text));
                    if n.is_none() {
                        self.err(
                            Code::InvalidConstraint,
                            v.span,
                            "a bound must be a number",
                            "write e.g. `min: 0` or `max: 2.0`",
                        );
                    }
                    if k.as_str() == Some("min") {
                        c.min = n;
                    } else {
                        c.max = n;
                    }
                }
                "allow_nan" => c.allow_nan = self.boolean(Some(v), "`allow_nan`"),
                "allow_infinity" => c.allow_infinity = self.boolean(Some(v), "`allow_infinity`"),
                _ => {}
            }
        }
        c
    }
}

fn valid_subject(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').enumerate().all(|(i, tok)| {
            let last = i == s.split('.').count() - 1;
            !tok.is_empty()
                && (tok == "*"
                    || (tok == ">" && last)
                    || tok.chars().all(|c| !c.is_whitespace() && c != '*' && c != '>'))
        })
}

/// The naming rules for the things contracts name.
#[derive(Clone, Copy)]
enum NameRule {
    /// `chat`, `voice_v2`
    Package,
    /// `ChatRequest`
    Type,
    /// `user_id`, `userId`
    Ident,
    /// `minimal`, `long-text`
    CaseName,
}

impl NameRule {
    fn ok(self, s: &str) -> bool {
        let mut chars = s.chars();
        let Some(first) = chars.next() else { return false };
        let rest_ok =
            |extra: &[char]| s.chars().skip(1).all(|c| c.is_ascii_alphanumeric() || c == '_' || extra.contains(&c));
        match self {
            NameRule::Package => {
                first.is_ascii_lowercase()
                    && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            }
            NameRule::Type => first.is_ascii_uppercase() && s.chars().all(|c| c.is_ascii_alphanumeric()),
            NameRule::Ident => (first.is_ascii_alphabetic() || first == '_') && rest_ok(&[]),
            NameRule::CaseName => first.is_ascii_alphanumeric() && rest_ok(&['-']) && s.len() <= 64,
        }
    }
    fn hint(self) -> &'static str {
        match self {
            NameRule::Package => {
                "package names are lowercase letters, digits and `_`, starting with a letter (e.g. `chat`)"
            }
            NameRule::Type => "message and enum names are PascalCase letters and digits (e.g. `ChatRequest`)",
            NameRule::Ident => "names are letters, digits and `_`, not starting with a digit (e.g. `user_id`)",
            NameRule::CaseName => {
                "example names are letters, digits, `_` and `-`, at most 64 characters (e.g. `minimal`)"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects() {
        assert!(valid_subject("chat.request"));
        assert!(valid_subject("voice.*.chunk"));
        assert!(valid_subject("events.>"));
        assert!(!valid_subject("a..b"));
        assert!(!valid_subject("a b"));
        assert!(!valid_subject("a.>.b"));
    }
}
