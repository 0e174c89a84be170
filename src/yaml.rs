//! YAML with positions: the one module that touches the YAML library.
//!
//! Contracts need `path:line:col` for every problem, which serde-based YAML readers do not keep. This module
//! turns the event stream of `yaml-rust2` into a small tree of [`Node`]s that each carry a [`Span`]. It is
//! iterative and bounded ([`MAX_DEPTH`], [`MAX_YAML_NODES`]), rejects aliases (no billion laughs),
//! duplicate keys (found in constant time each) and control characters (the YAML reader would take a NUL for
//! the end of the file and silently drop the rest), and never panics on bad input: every failure is a
//! [`Diagnostic`].
use crate::diag::{Code, Diagnostic};
use crate::limits::MAX_YAML_NODES;
use crate::source::{line_col, FileId, Span};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting of lists and mappings a contract may use.
pub const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    pub text: String,
    /// Quoted or block scalars are always strings; plain ones may be numbers, booleans or null.
    pub quoted: bool,
    /// The resolved tag, e.g. `tag:yaml.org,2002:binary` for `!!binary`.
    pub tag: Option<String>,
}

impl Node {
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(s) if s.is_null() => "null",
            NodeKind::Scalar(_) => "scalar",
            NodeKind::Seq(_) => "list",
            NodeKind::Map(_) => "mapping",
        }
    }
    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }
    /// The text of a non-null scalar.
    pub fn as_str(&self) -> Option<&str> {
        self.scalar().filter(|s| !s.is_null()).map(|s| s.text.as_str())
    }
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        self.scalar().is_some_and(|s| s.is_null())
    }
    /// The value of key `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
    }
}

impl Scalar {
    pub fn is_null(&self) -> bool {
        !self.quoted && self.tag.is_none() && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }
    pub fn as_bool(&self) -> Option<bool> {
        if self.quoted {
            return None;
        }
        match self.text.as_str() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }
    pub fn has_tag(&self, suffix: &str) -> bool {
        self.tag.as_deref().is_some_and(|t| t.strip_prefix("tag:yaml.org,2002:") == Some(suffix))
    }
}

/// Parses one YAML document. An empty file is an empty mapping's worth of nothing: a null scalar.
pub fn parse(file: FileId, bytes: &[u8]) -> Result<Node, Diagnostic> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col(bytes, e.valid_up_to());
        Diagnostic::new(
            Code::NotUtf8,
            Span::new(file, line, col),
            format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            "save contract files as UTF-8",
        )
    })?;
    if let Some((pos, ch)) = text.char_indices().find(|&(_, c)| !allowed(c)) {
        let (line, col) = line_col(bytes, pos);
        let name = match ch {
            '\0' => "a NUL byte".to_string(),
            c => format!("the control character U+{:04X}", c as u32),
        };
        return Err(Diagnostic::new(
            Code::ControlChar,
            Span::new(file, line, col),
            format!("{name} at byte {pos}: YAML does not allow it, and the rest of the file would be lost"),
            "remove it; contract files are text (tabs, newlines and printable characters only)",
        ));
    }
    Builder { file, stack: Vec::new(), root: None, nodes: 0 }.run(text)
}

/// The characters YAML 1.2 allows in a stream (`c-printable`): tab, newlines and printable characters.
fn allowed(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' | '\u{85}' => true,
        '\u{fffe}' | '\u{ffff}' => false,
        c => !c.is_control(),
    }
}

enum Open {
    Seq(Span, Vec<Node>),
    /// A mapping: its entries, a key waiting for its value, and each string key's entry (for duplicates).
    Map(Span, Vec<(Node, Node)>, Option<Node>, HashMap<String, usize>),
}

struct Builder {
    file: FileId,
    stack: Vec<Open>,
    root: Option<Node>,
    /// Nodes read so far, bounded by [`MAX_YAML_NODES`].
    nodes: usize,
}

impl Builder {
    fn span(&self, m: &Marker) -> Span {
        Span::new(self.file, m.line().max(1) as u32, m.col() as u32 + 1)
    }

    fn run(mut self, text: &str) -> Result<Node, Diagnostic> {
        let mut parser = Parser::new_from_str(text);
        let mut documents = 0;
        loop {
            let (event, mark) = parser.next_token().map_err(|e| {
                let span = self.span(e.marker());
                if e.info().contains("recursion limit") {
                    // The YAML scanner's own bound on flow nesting (`[[[...`), hit before ours.
                    return Diagnostic::new(
                        Code::TooDeep,
                        span,
                        "nesting deeper than the YAML reader accepts",
                        "contracts never need this much nesting; check for a runaway bracket",
                    );
                }
                Diagnostic::new(
                    Code::YamlSyntax,
                    span,
                    format!("YAML: {}", e.info()),
                    "check indentation, quotes and brackets around this position",
                )
            })?;
            let span = self.span(&mark);
            match event {
                Event::StreamEnd => break,
                Event::DocumentStart => {
                    documents += 1;
                    if documents > 1 {
                        return Err(Diagnostic::new(
                            Code::YamlSyntax,
                            span,
                            "more than one YAML document in a contract file",
                            "put each package in its own file",
                        ));
                    }
                }
                Event::Alias(_) => {
                    return Err(Diagnostic::new(
                        Code::YamlAlias,
                        span,
                        "YAML aliases (`*name`) are not supported in contracts",
                        "write the value out in full",
                    ));
                }
                Event::Scalar(text, style, _anchor, tag) => {
                    let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                    let quoted = !matches!(style, TScalarStyle::Plain);
                    self.add(Node { kind: NodeKind::Scalar(Scalar { text, quoted, tag }), span })?;
                }
                Event::SequenceStart(..) => self.open(Open::Seq(span, Vec::new()), span)?,
                Event::MappingStart(..) => self.open(Open::Map(span, Vec::new(), None, HashMap::new()), span)?,
                Event::SequenceEnd | Event::MappingEnd => {
                    let node = match self.stack.pop() {
                        Some(Open::Seq(span, items)) => Node { kind: NodeKind::Seq(items), span },
                        Some(Open::Map(span, items, _, _)) => {
                            let span = items.first().map_or(span, |(k, _)| k.span);
                            Node { kind: NodeKind::Map(items), span }
                        }
                        None => unreachable_event(span)?,
                    };
                    self.add(node)?;
                }
                Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            }
        }
        Ok(self.root.unwrap_or(Node {
            kind: NodeKind::Scalar(Scalar { text: String::new(), quoted: false, tag: None }),
            span: Span::file_start(self.file),
        }))
    }

    fn open(&mut self, open: Open, span: Span) -> Result<(), Diagnostic> {
        self.count(span)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::new(
                Code::TooDeep,
                span,
                format!("nesting deeper than {MAX_DEPTH} levels"),
                "contracts never need this much nesting; check for a runaway indentation or bracket",
            ));
        }
        self.stack.push(open);
        Ok(())
    }

    /// Counts a node against [`MAX_YAML_NODES`].
    fn count(&mut self, span: Span) -> Result<(), Diagnostic> {
        self.nodes += 1;
        if self.nodes > MAX_YAML_NODES {
            return Err(Diagnostic::new(
                Code::LimitExceeded,
                span,
                format!("more than {MAX_YAML_NODES} YAML nodes (scalars, lists, mappings) in one contract file"),
                "split the contract into several files (one package each); docs/limits.md says why the bound exists",
            ));
        }
        Ok(())
    }

    fn add(&mut self, node: Node) -> Result<(), Diagnostic> {
        if matches!(node.kind, NodeKind::Scalar(_)) {
            self.count(node.span)?;
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq(_, items)) => items.push(node),
            Some(Open::Map(_, items, pending, keys)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => {
                    if let Some(text) = key.as_str() {
                        if let Some(&first) = keys.get(text) {
                            let at = format!("line {}", items[first].0.span.line);
                            return Err(Diagnostic::new(
                                Code::DuplicateKey,
                                key.span,
                                format!("key `{text}` appears twice in this mapping (first at {at})"),
                                "remove or rename one of them",
                            ));
                        }
                        keys.insert(text.to_string(), items.len());
                    }
                    items.push((key, node));
                }
            },
        }
        Ok(())
    }
}

fn unreachable_event(span: Span) -> Result<Node, Diagnostic> {
    Err(Diagnostic::new(Code::YamlSyntax, span, "unbalanced YAML structure", "check brackets and indentation"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Node, Diagnostic> {
        parse(FileId(0), s.as_bytes())
    }

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let n = p("package: chat\nmessages:\n  - name: A\n").unwrap();
        let v = n.get("package").unwrap();
        assert_eq!(v.as_str(), Some("chat"));
        assert_eq!((v.span.line, v.span.col), (1, 10));
        let m = &n.get("messages").unwrap().as_seq().unwrap()[0];
        assert_eq!((m.span.line, m.span.col), (3, 5));
    }

    #[test]
    fn quoted_scalars_are_marked() {
        let n = p("a: \"12\"\nb: 12\n").unwrap();
        assert!(n.get("a").unwrap().scalar().unwrap().quoted);
        assert!(!n.get("b").unwrap().scalar().unwrap().quoted);
    }

    #[test]
    fn syntax_error_has_position() {
        let e = p("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(e.code, Code::YamlSyntax);
        assert_eq!(e.span.unwrap().line, 2);
    }

    #[test]
    fn non_utf8_is_located() {
        let e = parse(FileId(0), b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!(e.code, Code::NotUtf8);
        assert_eq!((e.span.unwrap().line, e.span.unwrap().col), (2, 4));
    }

    #[test]
    fn ten_thousand_levels_of_block_nesting_is_an_error_not_a_crash() {
        let mut s = String::new();
        for i in 0..10_000 {
            s.push_str(&" ".repeat(i));
            s.push_str("a:\n");
        }
        let e = p(&s).unwrap_err();
        assert_eq!(e.code, Code::TooDeep);
    }

    #[test]
    fn ten_thousand_levels_of_flow_nesting_is_an_error_not_a_crash() {
        let s = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = p(&s).unwrap_err();
        assert!(matches!(e.code, Code::TooDeep | Code::YamlSyntax), "{e:?}");
    }

    #[test]
    fn aliases_are_rejected() {
        let e = p("a: &x 1\nb: *x\n").unwrap_err();
        assert_eq!(e.code, Code::YamlAlias);
    }

    #[test]
    fn duplicate_keys_are_rejected_with_both_lines() {
        let e = p("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(e.code, Code::DuplicateKey);
        assert_eq!(e.span.unwrap().line, 3);
        assert!(e.message.contains("line 1"), "{}", e.message);
    }

    #[test]
    fn a_nul_byte_is_a_located_error_not_the_end_of_the_file() {
        let e = parse(FileId(0), b"package: p\nversion: 1.0.0\n\x00\nmessages: {}\n").unwrap_err();
        assert_eq!(e.code, Code::ControlChar);
        assert_eq!((e.span.unwrap().line, e.span.unwrap().col), (3, 1));
        assert!(e.message.contains("NUL"), "{}", e.message);
        let e = p("a: \"x\u{1b}[31m\"\n").unwrap_err();
        assert_eq!(e.code, Code::ControlChar);
        assert!(e.message.contains("U+001B"), "{}", e.message);
        assert!(p("a: \"tab\there\"\r\nb: 1\n").is_ok(), "tabs and CRLF are fine");
    }

    #[test]
    fn more_nodes_than_the_bound_is_an_error() {
        let s = format!("[{}]", "1,".repeat(MAX_YAML_NODES));
        let e = p(&s).unwrap_err();
        assert_eq!(e.code, Code::LimitExceeded);
        let s = format!("[{}]", "1,".repeat(MAX_YAML_NODES - 10));
        assert!(p(&s).is_ok());
    }

    #[test]
    fn binary_tag_is_kept() {
        let n = p("a: !!binary aGVsbG8=\n").unwrap();
        assert!(n.get("a").unwrap().scalar().unwrap().has_tag("binary"));
    }
}
