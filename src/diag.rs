//! Diagnostics: the errors and warnings people read.
//!
//! Every problem msgpact reports has a stable code from one registry ([`Code`]), a position and a hint,
//! and prints as `path:line:col: error[CODE]: message` followed by `  hint: ...`. Commands collect all
//! problems of a run instead of stopping at the first one.
//!
//! This is the one error path: each layer has one error type (`contract::PreviousError` besides the
//! contracts' own diagnostics, `wire::DecodeError` for payloads and `wire::TextError` for text forms,
//! `CodegenError`, `NatsError`, `PeerError`, verify's `SetupError`) and one conversion of it into a
//! [`Diagnostic`], which knows its code and so its exit code ([`Code::exit_code`]); the commands stop
//! through `cli::fail`. Every `error[...]` msgpact prints is rendered here, from a code of the registry:
//! none is typed by hand.
use crate::source::{SourceMap, Span};
use std::fmt::Write as _;

macro_rules! codes {
    ($($variant:ident = $id:literal, $sev:ident, $title:literal;)*) => {
        /// Every diagnostic code msgpact can print, with a one-line title (docs/errors.md lists them).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code { $($variant),* }
        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];
            pub fn id(self) -> &'static str { match self { $(Code::$variant => $id),* } }
            pub fn title(self) -> &'static str { match self { $(Code::$variant => $title),* } }
            pub fn severity(self) -> Severity { match self { $(Code::$variant => Severity::$sev),* } }
            /// The exit code of a command that stops on this code: 0 for warnings, 1 for contract failures
            /// (golden drift, a stale expected failure, a required type no peer serves, a newer release of
            /// the pinned contracts that breaks the repository's types), 2 for invalid input or setup.
            pub fn exit_code(self) -> i32 {
                match self.severity() {
                    Severity::Warning => 0,
                    Severity::Error
                        if matches!(
                            self,
                            Code::GoldenDrift | Code::StaleExpectedFailure | Code::RequiredNotServed | Code::ContractsBreaking
                        ) =>
                    {
                        1
                    }
                    Severity::Error => 2,
                }
            }
        }
    };
}

codes! {
    Io = "E101", Error, "a file or directory could not be read";
    NotUtf8 = "E102", Error, "a contract file is not valid UTF-8";
    YamlSyntax = "E103", Error, "YAML syntax error";
    TooDeep = "E104", Error, "nesting deeper than msgpact accepts";
    YamlAlias = "E105", Error, "YAML anchors and aliases are not supported in contracts";
    DuplicateKey = "E106", Error, "a YAML mapping has the same key twice";
    NoContracts = "E107", Error, "no contract files were found";
    ControlChar = "E108", Error, "a contract file holds a NUL or another control character YAML does not allow";
    LimitExceeded = "E109", Error, "an input is larger than msgpact's bound for it (docs/limits.md)";
    SkippedPath = "W110", Warning, "a path among the contracts is not a regular file or directory (a FIFO, a device, a directory cycle) and was skipped";
    ExpectedKind = "E201", Error, "a contract node has the wrong kind (mapping, list or scalar)";
    UnknownKey = "E202", Error, "a contract node has a key msgpact does not know";
    MissingKey = "E203", Error, "a required key is missing";
    InvalidName = "E204", Error, "a name is not a valid identifier";
    InvalidVersion = "E205", Error, "a package version is not semver MAJOR.MINOR.PATCH";
    Duplicate = "E206", Error, "two definitions have the same name";
    InvalidConstraint = "E207", Error, "a constraint does not fit the field's type or contradicts another";
    InvalidSubject = "E208", Error, "a NATS subject is not valid";
    InvalidValue = "E209", Error, "a key has a value of the wrong form";
    UnusableName = "E210", Error, "a name no generator can escape: too long for a file name, differing from another only in case, a Windows device name, or a golden case id twice";
    TypeSyntax = "E301", Error, "a type expression cannot be parsed";
    UnknownType = "E302", Error, "a type name does not resolve";
    CyclicRequired = "E303", Error, "messages require each other in a cycle, so no finite value exists";
    InvalidMapKey = "E304", Error, "a map key type is not string or an integer type";
    ExampleType = "E401", Error, "an example value does not have the field's type";
    ExampleRange = "E402", Error, "an example value is outside the type's range or the field's constraints";
    ExampleMissing = "E403", Error, "an example lacks a required field";
    ExampleUnknown = "E404", Error, "an example has a field the message does not declare";
    ExampleNull = "E405", Error, "an example sets null where the field is not nullable";
    ExampleLiteral = "E406", Error, "an example literal (timestamp, hex, base64) cannot be read";
    NoExamples = "W501", Warning, "a message has no examples, so it has no example golden cases";
    DeprecatedUse = "W502", Warning, "a field refers to a deprecated message or enum";
    Truncated = "E601", Error, "a MessagePack payload ends inside a value";
    ReservedByte = "E602", Error, "a MessagePack payload uses the never-used byte 0xc1";
    PayloadTooDeep = "E603", Error, "a MessagePack payload nests deeper than msgpact reads";
    InvalidUtf8 = "E604", Error, "a MessagePack str is not valid UTF-8";
    TrailingBytes = "E605", Error, "a MessagePack payload has bytes after its value";
    UnknownMessage = "E606", Error, "a message type given on the command line is not in the contracts";
    BadTimestamp = "E607", Error, "a MessagePack timestamp (ext -1) has a wrong length or nanoseconds out of range";
    NotHex = "E608", Error, "a payload file read with --hex is not hex";
    PayloadType = "E609", Error, "a payload does not fit the message type it was given as";
    GoldenDrift = "E701", Error, "golden vectors differ from what the contracts generate";
    WriteFailed = "E702", Error, "a file could not be written";
    StaleExpectedFailure = "E703", Error, "a peer's expected failure passes now, so its list is stale";
    RequiredNotServed = "E704", Error, "a message type msgpact.toml requires is served by none of the repository's peers";
    CodegenFailed = "E801", Error, "code could not be generated for a language";
    Setup = "E901", Error, "verify could not set something up: NATS, a peer's build, start or handshake";
    PeerManifest = "E902", Error, "a peer.toml cannot be read or is invalid";
    PreviousVersion = "E1001", Error, "an earlier version to compare with is missing or cannot be read (bad ref or directory, no releases)";
    PreviousInvalid = "E1002", Error, "the contracts of an earlier version do not load";
    ProjectFile = "E1101", Error, "msgpact.toml is missing where a command needs it, cannot be read, or is invalid";
    ProjectLock = "E1102", Error, "msgpact.lock cannot be read, or does not match the contracts it pins";
    ContractsFetch = "E1103", Error, "pinned contracts cannot be fetched from their git repository and are not in the cache";
    ContractsBreaking = "E1104", Error, "a newer release of the pinned contracts breaks this repository's message types";
    ContractsOutdated = "W1105", Warning, "a newer release of the pinned contracts exists (compatible with this repository's types)";
    InitConflict = "E1106", Error, "msgpact init would overwrite a file, or cannot write one";
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem: where, what, and what to do about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    /// Where in the contracts.
    pub span: Option<Span>,
    /// Where, when it is not in the contracts: a path (`target/junit.xml`), `path:line:col`, `FILE:0x0012`.
    pub at: Option<String>,
    pub message: String,
    pub hint: String,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Diagnostic { code, span: Some(span), at: None, message: message.into(), hint: hint.into() }
    }
    pub fn without_span(code: Code, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Diagnostic { code, span: None, at: None, message: message.into(), hint: hint.into() }
    }
    /// A problem located outside the contracts (a file, a byte of a payload).
    pub fn at(code: Code, at: impl std::fmt::Display, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Diagnostic { code, span: None, at: Some(at.to_string()), message: message.into(), hint: hint.into() }
    }
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
    /// The exit code of a command that stops on this problem.
    pub fn exit_code(&self) -> i32 {
        self.code.exit_code()
    }
    /// [`render`](Self::render) for a problem that is not located in the contracts (its `span` is ignored).
    pub fn render_plain(&self) -> String {
        Diagnostic { span: None, ..self.clone() }.render(&SourceMap::default())
    }
    /// `path:line:col: error[E302]: message` and an indented `hint:` line.
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        if let Some(span) = self.span {
            let _ = write!(out, "{}: ", sources.render(span));
        } else if let Some(at) = &self.at {
            let _ = write!(out, "{at}: ");
        }
        let sev = match self.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = write!(out, "{sev}[{}]: {}", self.code.id(), self.message);
        if !self.hint.is_empty() {
            let _ = write!(out, "\n  hint: {}", self.hint);
        }
        out
    }
}

/// Diagnostics collected during a command, in the order found.
#[derive(Default, Debug, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn error(&mut self, code: Code, span: Span, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Diagnostic::new(code, span, message, hint));
    }
    pub fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.severity() == Severity::Error).count()
    }
    pub fn warnings(&self) -> usize {
        self.items.iter().filter(|d| d.severity() == Severity::Warning).count()
    }
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }
    /// Sorted by file, line, column, so output is stable whatever order checks ran in.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by_key(|d| (d.span, d.code.id()));
        v
    }
    pub fn render_all(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&d.render(sources));
            out.push('\n');
        }
        out
    }
}

/// "1 error", "2 errors".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closest of `candidates` to `name` (Levenshtein distance at most 2, by strsim, or a case-insensitive
/// match); the first of equally close ones.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = if c.eq_ignore_ascii_case(name) { 0 } else { strsim::levenshtein(name, c) };
        if d <= 2 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

impl std::fmt::Display for Diagnostic {
    /// [`Diagnostic::render_plain`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render_plain())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;
    use std::path::Path;

    #[test]
    fn renders_path_line_col_code_and_hint() {
        let mut sources = SourceMap::default();
        let f = sources.add(Path::new("contracts/chat.yaml"));
        let d =
            Diagnostic::new(Code::UnknownType, Span::new(f, 12, 15), "unknown type `strng`", "did you mean `string`?");
        assert_eq!(
            d.render(&sources),
            "contracts/chat.yaml:12:15: error[E302]: unknown type `strng`\n  hint: did you mean `string`?"
        );
    }

    #[test]
    fn code_ids_are_unique() {
        let mut ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    #[test]
    fn exit_codes_follow_the_code() {
        assert_eq!(Code::UnknownType.exit_code(), 2);
        assert_eq!(Code::GoldenDrift.exit_code(), 1);
        assert_eq!(Code::StaleExpectedFailure.exit_code(), 1);
        assert_eq!(Code::NoExamples.exit_code(), 0);
        let d = Diagnostic::at(Code::WriteFailed, "out/junit.xml", "cannot write", "check permissions");
        assert_eq!(d.render_plain(), "out/junit.xml: error[E702]: cannot write\n  hint: check permissions");
        assert_eq!(d.exit_code(), 2);
    }

    /// Every `error[...]` comes from the registry through [`Diagnostic::render`]: no code is typed by hand in
    /// a message anywhere else in `src/` (tests aside).
    #[test]
    fn no_diagnostic_code_is_typed_by_hand() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let mut typed = Vec::new();
        for f in files.iter().filter(|f| !f.ends_with("diag.rs") && !f.ends_with("layering.rs")) {
            let text = std::fs::read_to_string(f).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            for (i, line) in code.lines().enumerate() {
                let l = line.trim_start();
                if l.starts_with("//") {
                    continue;
                }
                let hand = ["error[E", "warning[W"].iter().any(|p| l.contains(p));
                let bare = Code::ALL.iter().any(|c| l.contains(&format!("\"{}\"", c.id())));
                if hand || bare {
                    typed.push(format!("{}:{}: {l}", f.display(), i + 1));
                }
            }
        }
        assert!(typed.is_empty(), "diagnostic codes typed by hand (use a Code and Diagnostic):\n{}", typed.join("\n"));
    }

    #[test]
    fn suggests_near_names_only() {
        assert_eq!(did_you_mean("strng", ["string", "bytes"]), Some("string"));
        assert_eq!(did_you_mean("Int32", ["int32"]), Some("int32"));
        assert_eq!(did_you_mean("completely", ["string"]), None);
    }
}
