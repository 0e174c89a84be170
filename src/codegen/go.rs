//! Go code generation for github.com/vmihailenco/msgpack/v5 (see the module docs of [`super`]).
//!
//! Output, relative to `--out` (whose Go import path comes from `--go-import-path` or from the nearest
//! `go.mod` above it):
//! - `<pkg>/<pkg>.go` for every contract package: one struct per message, one type per enum, and for each
//!   message the `msgpack.CustomEncoder`/`CustomDecoder` methods that write the canonical encoding and read
//!   strictly, `Marshal`, `Unmarshal`, `Validate`, `Unmarshal<Message>`; `ContractsHash` and `Codecs`;
//! - `msgpactrt/msgpactrt.go`, the runtime those methods call (same text for every contract set, except the
//!   header);
//! - `registry/registry.go`: `ContractsHash` and `Codecs`, every message type of every package by its full
//!   name, so that a peer registers everything in a loop.
//!
//! Field representation: required -> `T`; optional (may be absent) -> `*T`, nil = absent, tag `omitempty`;
//! nullable (may be nil) -> `*T`, nil = nil written as `c0`; optional and nullable ->
//! `msgpactrt.OptionalNullable[T]` (absent / nil / value). `T` is `bool`, `int8`..`uint64`, `float32`,
//! `float64`, `string`, `[]byte`, `time.Time` (UTC), `[]E`, `map[K]V`, the enum type (`type Role string`
//! with constants, or a typed `int32`/`int64` for `repr: int`) or the message struct (by value).
//!
//! Wire names: every field gets a `msgpack:"<contract name>"` tag, and the tags are the only place the
//! names are written. Each message type has `var wire<Msg> = msgpactrt.WireNames(reflect.TypeOf(<Msg>{}))`,
//! read once at package initialisation the way vmihailenco/msgpack reads tags (name before the first comma;
//! none -> the Go field name; `-` -> not on the wire); the methods write, match and report `w[i]`, so a tag
//! edited by hand changes the wire as it would for any struct the library encodes.
//!
//! The text is written the way gofmt prints it: tab indentation, and no aligned columns except the
//! constants of an enum, which are aligned here as gofmt aligns them. Every struct field has a doc comment,
//! so fields never form an aligned block.
use super::{header_lines, snake_case, GeneratedFile, Options};
use crate::contract::hash::wire_hash;
use crate::contract::{Contracts, EnumDef, EnumRepr, Field, IntType, Message, Num, Shape, Type};
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

/// The runtime package's directory and name.
const RUNTIME: &str = "msgpactrt";
/// The registry package's directory and name.
const REGISTRY: &str = "registry";
const MSGPACK_IMPORT: &str = "github.com/vmihailenco/msgpack/v5";

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

pub fn generate(c: &Contracts, opts: &Options) -> Result<Vec<GeneratedFile>, String> {
    let base = import_path(opts)?;
    let names = Names::new(c)?;
    let header: String = header_lines(c).iter().map(|l| format!("// {l}\n")).collect();
    let hash = wire_hash(c);
    let mut files = vec![GeneratedFile {
        path: PathBuf::from(format!("{RUNTIME}/{RUNTIME}.go")),
        content: format!("{header}\n{RUNTIME_GO}"),
    }];
    for pi in 0..c.packages.len() {
        let content = PackageGen { c, pi, names: &names, base: &base, std: BTreeSet::new(), deps: BTreeSet::new() }
            .file(&header, &hash)?;
        let dir = &c.packages[pi].name;
        files.push(GeneratedFile { path: PathBuf::from(format!("{dir}/{dir}.go")), content });
    }
    files.push(GeneratedFile {
        path: PathBuf::from(format!("{REGISTRY}/{REGISTRY}.go")),
        content: registry(c, &names, &base, &header, &hash),
    });
    Ok(files)
}

// ---------------------------------------------------------------------------------------------------------
// Import path of --out

/// The import path of `opts.out`: `--go-import-path`, else the module of the nearest go.mod above it plus
/// the relative directory.
fn import_path(opts: &Options) -> Result<String, String> {
    if let Some(p) = &opts.go_import_path {
        let p = p.trim().trim_end_matches('/');
        if p.is_empty() || p.contains(char::is_whitespace) || p.contains('\\') {
            return Err(format!("`{p}` is not a Go import path"));
        }
        return Ok(p.to_string());
    }
    let abs = if opts.out.is_absolute() {
        opts.out.clone()
    } else {
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?.join(&opts.out)
    };
    let abs = normalize(&abs);
    for dir in abs.ancestors() {
        let gomod = dir.join("go.mod");
        let Ok(text) = std::fs::read_to_string(&gomod) else { continue };
        let module = module_path(&text).ok_or_else(|| format!("{}: no `module` line", gomod.display()))?;
        let rel: Vec<String> = abs
            .strip_prefix(dir)
            .unwrap_or(Path::new(""))
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        return Ok(if rel.is_empty() { module } else { format!("{module}/{}", rel.join("/")) });
    }
    Err(format!("no go.mod found above {}; pass --go-import-path", opts.out.display()))
}

/// Removes `.` and resolves `..` without touching the file system (the directory may not exist yet).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The module path of a go.mod file.
fn module_path(gomod: &str) -> Option<String> {
    gomod.lines().find_map(|l| {
        let l = l.split("//").next().unwrap_or("").trim();
        let rest = l.strip_prefix("module")?;
        if !rest.starts_with(|c: char| c.is_whitespace() || c == '"') {
            return None;
        }
        let m = rest.trim().trim_matches('"').trim_matches('`').to_string();
        (!m.is_empty()).then_some(m)
    })
}

// ---------------------------------------------------------------------------------------------------------
// Names

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
struct Names {
    /// Package clause name, per contract package.
    clause: Vec<String>,
    /// The name other generated files import each package under.
    refs: Vec<String>,
    /// Go field names, per package, message and field.
    fields: Vec<Vec<Vec<String>>>,
}

impl Names {
    fn new(c: &Contracts) -> Result<Names, String> {
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

fn field_names(m: &Message) -> Vec<String> {
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

// ---------------------------------------------------------------------------------------------------------
// Text helpers

/// A Go interpreted string literal.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A `%` in text that becomes part of a format string.
fn fmt_escape(s: &str) -> String {
    s.replace('%', "%%")
}

/// Doc text as `//` lines at `indent` tabs: lines trimmed, runs of blank lines collapsed.
fn doc_lines(out: &mut String, indent: usize, text: &str) {
    let tabs = "\t".repeat(indent);
    let mut blank = false;
    let mut any = false;
    for line in text.trim().lines() {
        let line = line.trim();
        if line.is_empty() {
            blank = true;
            continue;
        }
        if blank && any {
            let _ = writeln!(out, "{tabs}//");
        }
        blank = false;
        any = true;
        let _ = writeln!(out, "{tabs}// {line}");
    }
}

fn go_float(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains(['.', 'e', 'E']) || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

fn num_go(n: Num) -> String {
    match n {
        Num::Int(i) => i.to_string(),
        Num::Float(f) => go_float(f),
    }
}

fn int_type_go(it: IntType) -> &'static str {
    it.name()
}

fn int_decoder(it: IntType) -> String {
    let n = it.name();
    let mut cs = n.chars();
    let first = cs.next().map(|c| c.to_ascii_uppercase()).unwrap_or('I');
    format!("msgpactrt.Decode{first}{}", cs.as_str())
}

fn enum_go_int(e: &EnumDef) -> &'static str {
    if e.values.iter().all(|v| v.number >= i32::MIN as i64 && v.number <= i32::MAX as i64) {
        "int32"
    } else {
        "int64"
    }
}

/// What a field's constraints and presence say, for its doc comment.
fn field_summary(c: &Contracts, f: &Field) -> String {
    let mut parts = vec![c.type_name(&f.ty)];
    match (f.optional, f.nullable) {
        (false, false) => parts.push("required".into()),
        (true, false) => parts.push("optional (nil = absent)".into()),
        (false, true) => parts.push("nullable (nil = nil on the wire; the key is always sent)".into()),
        (true, true) => parts.push("optional and nullable (absent, nil or a value)".into()),
    }
    let k = &f.constraints;
    if k.min_len.is_some() || k.max_len.is_some() {
        let unit = match f.ty {
            Type::String => "bytes of UTF-8",
            Type::Bytes => "bytes",
            Type::List(_) => "items",
            _ => "entries",
        };
        parts.push(format!(
            "length {}..={} {unit}",
            k.min_len.unwrap_or(0),
            k.max_len.map(|m| m.to_string()).unwrap_or_default()
        ));
    }
    match (k.min, k.max) {
        (Some(a), Some(b)) => parts.push(format!("range {a}..={b}")),
        (Some(a), None) => parts.push(format!("min {a}")),
        (None, Some(b)) => parts.push(format!("max {b}")),
        (None, None) => {}
    }
    if k.allow_nan {
        parts.push("NaN allowed".into());
    }
    if k.allow_infinity {
        parts.push("infinities allowed".into());
    }
    if let Some((_, Some(v))) = &f.default {
        parts.push(format!("default {}", v.render()));
    }
    parts.join(", ")
}

// ---------------------------------------------------------------------------------------------------------
// One contract package

struct PackageGen<'a> {
    c: &'a Contracts,
    pi: usize,
    names: &'a Names,
    base: &'a str,
    /// Standard library imports used.
    std: BTreeSet<&'static str>,
    /// Generated packages used (by index).
    deps: BTreeSet<usize>,
}

impl PackageGen<'_> {
    fn file(mut self, header: &str, hash: &str) -> Result<String, String> {
        let p = &self.c.packages[self.pi];
        let mut body = String::new();
        let _ = writeln!(
            body,
            "// ContractsHash is the wire hash of the contracts this code was generated from; a msgpact peer"
        );
        let _ = writeln!(body, "// reports it in its handshake.");
        let _ = writeln!(body, "const ContractsHash = {}", quote(hash));
        for e in &p.enums {
            body.push('\n');
            self.enum_def(&mut body, e);
        }
        for mi in 0..p.messages.len() {
            body.push('\n');
            self.message(&mut body, mi)?;
        }
        body.push('\n');
        let _ = writeln!(
            body,
            "// Codecs lists the message types of package {}, by full name, for tools that serve them all",
            p.name
        );
        let _ = writeln!(body, "// (the msgpact peer).");
        if p.messages.is_empty() {
            let _ = writeln!(body, "var Codecs = []msgpactrt.Codec{{}}");
        } else {
            let _ = writeln!(body, "var Codecs = []msgpactrt.Codec{{");
            for m in &p.messages {
                let _ =
                    writeln!(body, "\tmsgpactrt.CodecOf[{}]({}),", m.name, quote(&format!("{}.{}", p.name, m.name)));
            }
            let _ = writeln!(body, "}}");
        }

        let mut out = String::from(header);
        out.push('\n');
        let _ = writeln!(
            out,
            "// Package {} holds the types of the msgpact contract package {} {}, for",
            self.names.clause[self.pi], p.name, p.version
        );
        let _ = writeln!(
            out,
            "// github.com/vmihailenco/msgpack/v5. Marshal writes the canonical encoding; Unmarshal reads"
        );
        let _ = writeln!(out, "// strictly and checks the contract's constraints (see package msgpactrt).");
        if !p.doc.trim().is_empty() {
            out.push_str("//\n");
            doc_lines(&mut out, 0, &p.doc);
        }
        let _ = writeln!(out, "package {}", self.names.clause[self.pi]);
        out.push('\n');
        let mut third: Vec<(String, String)> =
            vec![(String::new(), MSGPACK_IMPORT.to_string()), (String::new(), format!("{}/{RUNTIME}", self.base))];
        if p.enums.is_empty() && p.messages.is_empty() {
            third.remove(0);
        }
        for &d in &self.deps {
            let dir = &self.c.packages[d].name;
            let alias = if &self.names.refs[d] != dir { self.names.refs[d].clone() } else { String::new() };
            third.push((alias, format!("{}/{dir}", self.base)));
        }
        third.sort_by(|a, b| a.1.cmp(&b.1));
        let _ = writeln!(out, "import (");
        for s in &self.std {
            let _ = writeln!(out, "\t{}", quote(s));
        }
        if !self.std.is_empty() {
            out.push('\n');
        }
        for (alias, path) in &third {
            if alias.is_empty() {
                let _ = writeln!(out, "\t{}", quote(path));
            } else {
                let _ = writeln!(out, "\t{alias} {}", quote(path));
            }
        }
        let _ = writeln!(out, ")");
        out.push('\n');
        out.push_str(&body);
        Ok(out)
    }

    /// The Go name of a message or enum of package `pkg`, qualified when it is another package.
    fn qualified(&mut self, pkg: u32, name: &str) -> String {
        let pkg = pkg as usize;
        if pkg == self.pi {
            name.to_string()
        } else {
            self.deps.insert(pkg);
            format!("{}.{name}", self.names.refs[pkg])
        }
    }

    fn go_type(&mut self, ty: &Type) -> Result<String, String> {
        Ok(match ty {
            Type::Bool => "bool".into(),
            Type::Int(it) => int_type_go(*it).into(),
            Type::Float32 => "float32".into(),
            Type::Float64 => "float64".into(),
            Type::String => "string".into(),
            Type::Bytes => "[]byte".into(),
            Type::Timestamp => {
                self.std.insert("time");
                "time.Time".into()
            }
            Type::List(t) => format!("[]{}", self.go_type(t)?),
            Type::Map(k, v) => {
                self.key_kind(k)?;
                format!("map[{}]{}", self.go_type(k)?, self.go_type(v)?)
            }
            Type::Enum(id) => {
                let name = self.c.enum_def(*id).name.clone();
                self.qualified(id.package, &name)
            }
            Type::Message(id) => {
                let name = self.c.message(*id).name.clone();
                self.qualified(id.package, &name)
            }
            Type::Named(n) => return Err(format!("unresolved type `{n}`")),
        })
    }

    /// Whether a map key type sorts as a string (true) or as an integer (false).
    fn key_kind(&self, k: &Type) -> Result<bool, String> {
        match k {
            Type::String => Ok(true),
            Type::Int(_) => Ok(false),
            Type::Enum(id) => Ok(self.c.enum_def(*id).repr == EnumRepr::String),
            other => Err(format!(
                "map key type `{}` is not supported (string, integer or enum keys)",
                self.c.type_name(other)
            )),
        }
    }

    /// A Go function value `func(*msgpack.Decoder) (T, error)`; `item` for list items and map entries
    /// (floats there are finite).
    fn dec_fn(&mut self, ty: &Type, item: bool) -> Result<String, String> {
        Ok(match ty {
            Type::Bool => "msgpactrt.DecodeBool".into(),
            Type::Int(it) => int_decoder(*it),
            Type::Float32 if item => "msgpactrt.DecodeFloat32Finite".into(),
            Type::Float32 => "msgpactrt.DecodeFloat32".into(),
            Type::Float64 if item => "msgpactrt.DecodeFloat64Finite".into(),
            Type::Float64 => "msgpactrt.DecodeFloat64".into(),
            Type::String => "msgpactrt.DecodeString".into(),
            Type::Bytes => "msgpactrt.DecodeBytes".into(),
            Type::Timestamp => "msgpactrt.DecodeTime".into(),
            Type::Enum(_) | Type::Message(_) => format!("msgpactrt.DecodeCustom[{}]", self.go_type(ty)?),
            Type::List(t) => format!("msgpactrt.ListDecoder({})", self.dec_fn(t, true)?),
            Type::Map(k, v) => format!("msgpactrt.MapDecoder({}, {})", self.dec_fn(k, true)?, self.dec_fn(v, true)?),
            Type::Named(n) => return Err(format!("unresolved type `{n}`")),
        })
    }

    /// A Go call that decodes a field's value from `d`.
    fn dec_call(&mut self, f: &Field) -> Result<String, String> {
        let ty = &f.ty;
        Ok(match (f.optional, f.nullable) {
            (false, false) => match ty {
                Type::List(t) => format!("msgpactrt.DecodeList(d, {})", self.dec_fn(t, true)?),
                Type::Map(k, v) => {
                    format!("msgpactrt.DecodeMap(d, {}, {})", self.dec_fn(k, true)?, self.dec_fn(v, true)?)
                }
                _ => format!("{}(d)", self.dec_fn(ty, false)?),
            },
            (true, false) => format!("msgpactrt.DecodePtr(d, {})", self.dec_fn(ty, false)?),
            (false, true) => format!("msgpactrt.DecodeNullable(d, {})", self.dec_fn(ty, false)?),
            (true, true) => format!("msgpactrt.DecodeOptionalNullable(d, {})", self.dec_fn(ty, false)?),
        })
    }

    /// A Go function value `func(*msgpack.Encoder, T) error`.
    fn enc_fn(&mut self, ty: &Type, item: bool) -> Result<String, String> {
        Ok(match ty {
            Type::Bool => "msgpactrt.EncodeBool".into(),
            Type::Int(it) if it.signed() => format!("msgpactrt.EncodeInt[{}]", it.name()),
            Type::Int(it) => format!("msgpactrt.EncodeUint[{}]", it.name()),
            Type::Float32 if item => "msgpactrt.EncodeFloat32Finite".into(),
            Type::Float32 => "msgpactrt.EncodeFloat32".into(),
            Type::Float64 if item => "msgpactrt.EncodeFloat64Finite".into(),
            Type::Float64 => "msgpactrt.EncodeFloat64".into(),
            Type::String => "msgpactrt.EncodeString".into(),
            Type::Bytes => "msgpactrt.EncodeBytes".into(),
            Type::Timestamp => "msgpactrt.EncodeTime".into(),
            Type::Enum(_) | Type::Message(_) => format!("msgpactrt.EncodeCustom[{}]", self.go_type(ty)?),
            Type::List(t) => format!("msgpactrt.ListEncoder({})", self.enc_fn(t, true)?),
            Type::Map(k, v) => {
                let kind = if self.key_kind(k)? { "StringKeyMapEncoder" } else { "IntKeyMapEncoder" };
                format!("msgpactrt.{kind}({}, {})", self.enc_fn(k, true)?, self.enc_fn(v, true)?)
            }
            Type::Named(n) => return Err(format!("unresolved type `{n}`")),
        })
    }

    fn field_type(&mut self, f: &Field) -> Result<String, String> {
        let t = self.go_type(&f.ty)?;
        Ok(match (f.optional, f.nullable) {
            (false, false) => t,
            (true, true) => format!("msgpactrt.OptionalNullable[{t}]"),
            _ => format!("*{t}"),
        })
    }

    // ---- enums ----

    fn enum_def(&mut self, out: &mut String, e: &EnumDef) {
        let p = &self.c.packages[self.pi];
        let full = format!("{}.{}", p.name, e.name);
        let consts: Vec<String> = e.values.iter().map(|v| format!("{}{}", e.name, go_ident(&v.name))).collect();
        let listing = match e.repr {
            EnumRepr::String => e.values.iter().map(|v| v.name.clone()).collect::<Vec<_>>().join(", "),
            EnumRepr::Int => e.values.iter().map(|v| format!("{}={}", v.name, v.number)).collect::<Vec<_>>().join(", "),
        };
        let underlying = match e.repr {
            EnumRepr::String => "string",
            EnumRepr::Int => enum_go_int(e),
        };
        let how = match e.repr {
            EnumRepr::String => "sent as its name (a str)",
            EnumRepr::Int => "sent as its number (an int)",
        };
        let _ = writeln!(out, "// {} is the enum {full}, {how}.", e.name);
        if !e.doc.trim().is_empty() {
            out.push_str("//\n");
            doc_lines(out, 0, &e.doc);
        }
        if e.deprecated {
            out.push_str("//\n// Deprecated: the contract marks this enum deprecated.\n");
        }
        let _ = writeln!(out, "type {} {underlying}", e.name);
        out.push('\n');
        let _ = writeln!(out, "// The values of {}.", e.name);
        let _ = writeln!(out, "const (");
        let width = consts.iter().map(|c| c.chars().count()).max().unwrap_or(0);
        for (v, cname) in e.values.iter().zip(&consts) {
            let value = match e.repr {
                EnumRepr::String => quote(&v.name),
                EnumRepr::Int => v.number.to_string(),
            };
            let _ = writeln!(out, "\t{cname:<width$} {} = {value}", e.name);
        }
        let _ = writeln!(out, ")");
        out.push('\n');
        let _ = writeln!(out, "// Valid tells whether x is one of the values of {}.", e.name);
        let _ = writeln!(out, "func (x {}) Valid() bool {{", e.name);
        let _ = writeln!(out, "\tswitch x {{");
        let _ = writeln!(out, "\tcase {}:", consts.join(", "));
        let _ = writeln!(out, "\t\treturn true");
        let _ = writeln!(out, "\t}}");
        let _ = writeln!(out, "\treturn false");
        let _ = writeln!(out, "}}");
        out.push('\n');
        let _ = writeln!(out, "// String returns the name of x.");
        let _ = writeln!(out, "func (x {}) String() string {{", e.name);
        match e.repr {
            EnumRepr::String => {
                let _ = writeln!(out, "\treturn string(x)");
            }
            EnumRepr::Int => {
                self.std.insert("strconv");
                let _ = writeln!(out, "\tswitch x {{");
                for (v, cname) in e.values.iter().zip(&consts) {
                    let _ = writeln!(out, "\tcase {cname}:");
                    let _ = writeln!(out, "\t\treturn {}", quote(&v.name));
                }
                let _ = writeln!(out, "\t}}");
                let _ = writeln!(
                    out,
                    "\treturn {} + strconv.FormatInt(int64(x), 10) + \")\"",
                    quote(&format!("{}(", e.name))
                );
            }
        }
        let _ = writeln!(out, "}}");
        out.push('\n');
        let _ = writeln!(out, "// EncodeMsgpack writes x canonically, {how}; a value outside the enum is an error.");
        let _ = writeln!(out, "func (x {}) EncodeMsgpack(e *msgpack.Encoder) error {{", e.name);
        let _ = writeln!(out, "\tif !x.Valid() {{");
        match e.repr {
            EnumRepr::String => {
                let _ =
                    writeln!(out, "\t\treturn msgpactrt.UnknownEnum({}, string(x), {})", quote(&full), quote(&listing));
                let _ = writeln!(out, "\t}}");
                let _ = writeln!(out, "\treturn e.EncodeString(string(x))");
            }
            EnumRepr::Int => {
                let _ =
                    writeln!(out, "\t\treturn msgpactrt.UnknownEnum({}, int64(x), {})", quote(&full), quote(&listing));
                let _ = writeln!(out, "\t}}");
                let _ = writeln!(out, "\treturn e.EncodeInt(int64(x))");
            }
        }
        let _ = writeln!(out, "}}");
        out.push('\n');
        let _ = writeln!(out, "// DecodeMsgpack reads x strictly: a value that is not one of the enum's is an error.");
        let _ = writeln!(out, "func (x *{}) DecodeMsgpack(d *msgpack.Decoder) error {{", e.name);
        match e.repr {
            EnumRepr::String => {
                let _ = writeln!(out, "\ts, err := msgpactrt.DecodeString(d)");
                let _ = writeln!(out, "\tif err != nil {{\n\t\treturn err\n\t}}");
                let _ = writeln!(out, "\tif !{}(s).Valid() {{", e.name);
                let _ = writeln!(out, "\t\treturn msgpactrt.UnknownEnum({}, s, {})", quote(&full), quote(&listing));
                let _ = writeln!(out, "\t}}");
                let _ = writeln!(out, "\t*x = {}(s)", e.name);
            }
            EnumRepr::Int => {
                let _ = writeln!(out, "\tn, err := msgpactrt.DecodeInt64(d)");
                let _ = writeln!(out, "\tif err != nil {{\n\t\treturn err\n\t}}");
                if underlying == "int64" {
                    let _ = writeln!(out, "\tif !{}(n).Valid() {{", e.name);
                } else {
                    let _ = writeln!(out, "\tif int64({0}(n)) != n || !{0}(n).Valid() {{", e.name);
                }
                let _ = writeln!(out, "\t\treturn msgpactrt.UnknownEnum({}, n, {})", quote(&full), quote(&listing));
                let _ = writeln!(out, "\t}}");
                let _ = writeln!(out, "\t*x = {}(n)", e.name);
            }
        }
        let _ = writeln!(out, "\treturn nil");
        let _ = writeln!(out, "}}");
    }

    // ---- messages ----

    fn message(&mut self, out: &mut String, mi: usize) -> Result<(), String> {
        let c = self.c;
        let p = &c.packages[self.pi];
        let m = &p.messages[mi];
        let fnames = self.names.fields[self.pi][mi].clone();
        let full = format!("{}.{}", p.name, m.name);
        let name = &m.name;
        let shape = match m.shape {
            Shape::Map => "sent as a map keyed by field name",
            Shape::Array => "sent as a positional array",
        };

        // The struct.
        let _ = writeln!(out, "// {name} is the message {full}, {shape}.");
        if !m.doc.trim().is_empty() {
            out.push_str("//\n");
            doc_lines(out, 0, &m.doc);
        }
        if !m.subjects.is_empty() {
            let subjects: Vec<&str> = m.subjects.iter().map(|(s, _)| s.as_str()).collect();
            let _ = writeln!(out, "//\n// Subjects: {}.", subjects.join(", "));
        }
        if m.deprecated {
            out.push_str("//\n// Deprecated: the contract marks this message deprecated.\n");
        }
        if m.fields.is_empty() {
            let _ = writeln!(out, "type {name} struct{{}}");
        } else {
            let _ = writeln!(out, "type {name} struct {{");
            for (f, gname) in m.fields.iter().zip(&fnames) {
                let _ = writeln!(out, "\t// {gname} is {}: {}.", f.name, field_summary(c, f));
                if !f.doc.trim().is_empty() {
                    doc_lines(out, 1, &f.doc);
                }
                if f.deprecated {
                    out.push_str("\t//\n\t// Deprecated: the contract marks this field deprecated.\n");
                }
                let ty = self.field_type(f)?;
                let tag = if f.optional && !f.nullable { format!("{},omitempty", f.name) } else { f.name.clone() };
                let _ = writeln!(out, "\t{gname} {ty} `msgpack:{}`", quote(&tag));
            }
            let _ = writeln!(out, "}}");
            // The wire names, read from the tags once: the methods below write and read these.
            self.std.insert("reflect");
            out.push('\n');
            let _ =
                writeln!(out, "// wire{name} are the wire names of {name}'s fields, in order, read from its msgpack");
            let _ = writeln!(
                out,
                "// tags when the package is initialised: the tags decide what the methods write and read."
            );
            let _ = writeln!(out, "var wire{name} = msgpactrt.WireNames(reflect.TypeOf({name}{{}}))");
        }

        // check: the constraints of its own fields.
        let checks = self.checks(m, &fnames)?;
        if !checks.is_empty() {
            out.push('\n');
            let _ =
                writeln!(out, "// check verifies the constraints of v's own fields (nested messages check theirs).");
            let _ = writeln!(out, "func (v *{name}) check() error {{");
            out.push_str(&checks);
            let _ = writeln!(out, "\treturn nil");
            let _ = writeln!(out, "}}");
        }

        // EncodeMsgpack.
        out.push('\n');
        let _ = writeln!(out, "// EncodeMsgpack writes v in the canonical encoding of {full} (msgpack.CustomEncoder),");
        let _ = writeln!(out, "// after checking the contract's constraints.");
        let _ = writeln!(out, "func (v {name}) EncodeMsgpack(e *msgpack.Encoder) error {{");
        if !checks.is_empty() {
            let _ = writeln!(out, "\tif err := v.check(); err != nil {{\n\t\treturn err\n\t}}");
        }
        match m.shape {
            Shape::Map => self.encode_map(out, m, &fnames)?,
            Shape::Array => self.encode_array(out, m, &fnames)?,
        }
        let _ = writeln!(out, "\treturn nil");
        let _ = writeln!(out, "}}");

        // DecodeMsgpack.
        out.push('\n');
        let _ =
            writeln!(out, "// DecodeMsgpack reads {full} strictly into v (msgpack.CustomDecoder): any valid encoding,");
        let _ = writeln!(out, "// unknown fields skipped, constraints checked; v is unchanged on error.");
        let _ = writeln!(out, "func (v *{name}) DecodeMsgpack(d *msgpack.Decoder) error {{");
        match m.shape {
            Shape::Map => self.decode_map(out, m, &fnames, &full)?,
            Shape::Array => self.decode_array(out, m, &fnames, &full)?,
        }
        if !checks.is_empty() {
            let _ = writeln!(out, "\tif err := x.check(); err != nil {{\n\t\treturn err\n\t}}");
        }
        let _ = writeln!(out, "\t*v = x");
        let _ = writeln!(out, "\treturn nil");
        let _ = writeln!(out, "}}");

        // Conveniences.
        out.push('\n');
        let _ = writeln!(out, "// Marshal returns the canonical encoding of v.");
        let _ = writeln!(out, "func (v {name}) Marshal() ([]byte, error) {{ return msgpactrt.Marshal(v) }}");
        out.push('\n');
        let _ = writeln!(out, "// Unmarshal decodes b, exactly one {full}, strictly into v; v is unchanged on error.");
        let _ = writeln!(out, "func (v *{name}) Unmarshal(b []byte) error {{ return msgpactrt.Unmarshal(b, v) }}");
        out.push('\n');
        let _ = writeln!(out, "// Validate checks v against the contract as Marshal does, without encoding it.");
        let _ = writeln!(out, "func (v {name}) Validate() error {{ return msgpactrt.Validate(v) }}");
        out.push('\n');
        let _ = writeln!(out, "// Unmarshal{name} decodes b, exactly one {full}, strictly.");
        let _ = writeln!(out, "func Unmarshal{name}(b []byte) ({name}, error) {{");
        let _ = writeln!(out, "\tvar v {name}");
        let _ = writeln!(out, "\terr := msgpactrt.Unmarshal(b, &v)");
        let _ = writeln!(out, "\treturn v, err");
        let _ = writeln!(out, "}}");
        Ok(())
    }

    /// The body of `check`: one block per field with something to check.
    fn checks(&mut self, m: &Message, fnames: &[String]) -> Result<String, String> {
        let mut out = String::new();
        for (i, (f, gname)) in m.fields.iter().zip(fnames).enumerate() {
            let mut lines: Vec<String> = Vec::new();
            let k = &f.constraints;
            let wire = format!("w[{i}]");
            // The value, as an expression, once it is known to be there; a field not on the wire (tag
            // "-") is not checked.
            let (open, x) = match (f.optional, f.nullable) {
                (false, false) => (format!("if {wire} != \"\" {{"), format!("v.{gname}")),
                (true, true) => (format!("if x, ok := v.{gname}.Get(); ok && {wire} != \"\" {{"), "x".to_string()),
                _ => (format!("if v.{gname} != nil && {wire} != \"\" {{"), format!("*v.{gname}")),
            };
            match &f.ty {
                Type::String | Type::Bytes | Type::List(_) | Type::Map(..) => {
                    let unit = match f.ty {
                        Type::String => "bytes of UTF-8",
                        Type::Bytes => "bytes",
                        Type::List(_) => "items",
                        _ => "entries",
                    };
                    let mut conds = Vec::new();
                    if let Some(min) = k.min_len.filter(|&m| m > 0) {
                        conds.push(format!("n < {min}"));
                    }
                    if let Some(max) = k.max_len {
                        conds.push(format!("n > {max}"));
                    }
                    if !conds.is_empty() {
                        let range = format!(
                            "{}..={}",
                            k.min_len.unwrap_or(0),
                            k.max_len.map(|m| m.to_string()).unwrap_or_default()
                        );
                        lines.push(format!("if n := len({x}); {} {{", conds.join(" || ")));
                        lines.push(format!(
                            "\treturn msgpactrt.Invalid({wire}, \"length %d {unit} is outside {range}\", n)"
                        ));
                        lines.push("}".into());
                    }
                }
                Type::Int(it) => {
                    if let Some(Num::Int(min)) = k.min.filter(|n| matches!(n, Num::Int(i) if *i > it.min())) {
                        lines.push(format!("if {x} < {min} {{"));
                        lines.push(format!(
                            "\treturn msgpactrt.Invalid({wire}, \"%d is below the minimum {min}\", {x})"
                        ));
                        lines.push("}".into());
                    }
                    if let Some(Num::Int(max)) = k.max.filter(|n| matches!(n, Num::Int(i) if *i < it.max())) {
                        lines.push(format!("if {x} > {max} {{"));
                        lines.push(format!(
                            "\treturn msgpactrt.Invalid({wire}, \"%d is above the maximum {max}\", {x})"
                        ));
                        lines.push("}".into());
                    }
                }
                Type::Float32 | Type::Float64 => {
                    let fx = if f.ty == Type::Float32 { format!("float64({x})") } else { x.clone() };
                    if !(k.allow_nan && k.allow_infinity) {
                        lines.push(format!(
                            "if err := msgpactrt.CheckFinite({fx}, {}, {}); err != nil {{",
                            k.allow_nan, k.allow_infinity
                        ));
                        lines.push(format!("\treturn msgpactrt.AtField(err, {wire})"));
                        lines.push("}".into());
                    }
                    // A float32 field compares in float32, against the bound rounded to float32 (as the golden
                    // `max`/`min` cases are), unless the bound is beyond float32's range.
                    let cmp = |b: Num| {
                        if f.ty == Type::Float32 && b.as_f64().abs() <= f32::MAX as f64 {
                            x.clone()
                        } else {
                            fx.clone()
                        }
                    };
                    if let Some(min) = k.min {
                        lines.push(format!("if {} < {} {{", cmp(min), num_go(min)));
                        lines.push(format!(
                            "\treturn msgpactrt.Invalid({wire}, \"%v is below the minimum {}\", {x})",
                            fmt_escape(&min.to_string())
                        ));
                        lines.push("}".into());
                    }
                    if let Some(max) = k.max {
                        lines.push(format!("if {} > {} {{", cmp(max), num_go(max)));
                        lines.push(format!(
                            "\treturn msgpactrt.Invalid({wire}, \"%v is above the maximum {}\", {x})",
                            fmt_escape(&max.to_string())
                        ));
                        lines.push("}".into());
                    }
                }
                _ => {}
            }
            if lines.is_empty() {
                continue;
            }
            if out.is_empty() {
                let _ = writeln!(out, "\tw := wire{}", m.name);
            }
            let _ = writeln!(out, "\t{open}");
            for l in &lines {
                let _ = writeln!(out, "\t\t{l}");
            }
            let _ = writeln!(out, "\t}}");
        }
        Ok(out)
    }

    fn encode_map(&mut self, out: &mut String, m: &Message, fnames: &[String]) -> Result<(), String> {
        if m.fields.is_empty() {
            let _ = writeln!(out, "\tif err := e.EncodeMapLen(0); err != nil {{\n\t\treturn err\n\t}}");
            return Ok(());
        }
        // The number of entries: the present fields that are on the wire.
        let _ = writeln!(out, "\tw := wire{}", m.name);
        let len = if m.fields.iter().any(|f| f.optional) {
            let flags: Vec<String> = m
                .fields
                .iter()
                .zip(fnames)
                .map(|(f, g)| if f.optional { present(f, g) } else { "true".into() })
                .collect();
            format!("w.Count({})", flags.join(", "))
        } else {
            format!("w.OnWire({})", m.fields.len())
        };
        let _ = writeln!(out, "\tif err := e.EncodeMapLen({len}); err != nil {{\n\t\treturn err\n\t}}");
        for (i, (f, gname)) in m.fields.iter().zip(fnames).enumerate() {
            let enc = self.enc_fn(&f.ty, false)?;
            let wire = format!("w[{i}]");
            let (open, call) = match (f.optional, f.nullable) {
                (false, false) => (None, format!("msgpactrt.EncodeField(e, {wire}, v.{gname}, {enc})")),
                (true, false) => {
                    (Some(present(f, gname)), format!("msgpactrt.EncodeField(e, {wire}, *v.{gname}, {enc})"))
                }
                (false, true) => (None, format!("msgpactrt.EncodeNullableField(e, {wire}, v.{gname}, {enc})")),
                (true, true) => (
                    Some(present(f, gname)),
                    format!("msgpactrt.EncodeNullableField(e, {wire}, v.{gname}.Ptr(), {enc})"),
                ),
            };
            write_guarded(out, open.as_deref(), &call, "err");
        }
        Ok(())
    }

    fn encode_array(&mut self, out: &mut String, m: &Message, fnames: &[String]) -> Result<(), String> {
        if m.fields.is_empty() {
            let _ = writeln!(out, "\tif err := e.EncodeArrayLen(0); err != nil {{\n\t\treturn err\n\t}}");
            return Ok(());
        }
        let required = m.fields.iter().take_while(|f| !f.optional).count();
        let optional: Vec<String> = m.fields.iter().zip(fnames).skip(required).map(|(f, g)| present(f, g)).collect();
        let _ = writeln!(out, "\tw := wire{}", m.name);
        if optional.is_empty() {
            let _ = writeln!(
                out,
                "\tif err := e.EncodeArrayLen(w.OnWire({required})); err != nil {{\n\t\treturn err\n\t}}"
            );
        } else {
            // n fields are written: the required ones and the optional ones up to the last present.
            let _ = writeln!(out, "\tn, err := w.Prefix({required}, {})", optional.join(", "));
            let _ = writeln!(out, "\tif err != nil {{\n\t\treturn err\n\t}}");
            let _ = writeln!(out, "\tif err := e.EncodeArrayLen(w.OnWire(n)); err != nil {{\n\t\treturn err\n\t}}");
        }
        for (i, (f, gname)) in m.fields.iter().zip(fnames).enumerate() {
            let enc = self.enc_fn(&f.ty, false)?;
            let wire = format!("w[{i}]");
            let open = (i >= required).then(|| format!("n > {i}"));
            let call = match (f.optional, f.nullable) {
                (false, false) => format!("msgpactrt.EncodeItem(e, {wire}, v.{gname}, {enc})"),
                (true, false) => format!("msgpactrt.EncodeItem(e, {wire}, *v.{gname}, {enc})"),
                (false, true) => format!("msgpactrt.EncodeNullableItem(e, {wire}, v.{gname}, {enc})"),
                (true, true) => format!("msgpactrt.EncodeNullableItem(e, {wire}, v.{gname}.Ptr(), {enc})"),
            };
            write_guarded(out, open.as_deref(), &call, "err");
        }
        Ok(())
    }

    fn decode_map(&mut self, out: &mut String, m: &Message, fnames: &[String], full: &str) -> Result<(), String> {
        let _ = writeln!(out, "\tn, err := msgpactrt.DecodeMapHeader(d, {})", quote(&format!("map ({full})")));
        let _ = writeln!(out, "\tif err != nil {{\n\t\treturn err\n\t}}");
        let _ = writeln!(out, "\tvar x {}", m.name);
        if !m.fields.is_empty() {
            let _ = writeln!(out, "\tw := wire{}", m.name);
            let _ = writeln!(out, "\tvar seen [{}]bool", m.fields.len());
        }
        let _ = writeln!(out, "\tfor i := 0; i < n; i++ {{");
        let _ = writeln!(out, "\t\tkey, err := msgpactrt.DecodeFieldName(d)");
        let _ = writeln!(out, "\t\tif err != nil {{\n\t\t\treturn err\n\t\t}}");
        if m.fields.is_empty() {
            let _ = writeln!(out, "\t\tif err := msgpactrt.Skip(d); err != nil {{");
            let _ = writeln!(out, "\t\t\treturn msgpactrt.AtField(err, key)");
            let _ = writeln!(out, "\t\t}}");
            let _ = writeln!(out, "\t}}");
            return Ok(());
        }
        let _ = writeln!(out, "\t\tswitch w.Index(key) {{");
        for (i, (f, gname)) in m.fields.iter().zip(fnames).enumerate() {
            let call = self.dec_call(f)?;
            let _ = writeln!(out, "\t\tcase {i}: // {gname}");
            let _ = writeln!(out, "\t\t\tif seen[{i}] {{\n\t\t\t\treturn msgpactrt.Duplicate(key)\n\t\t\t}}");
            let _ = writeln!(out, "\t\t\tseen[{i}] = true");
            let _ = writeln!(out, "\t\t\tif x.{gname}, err = {call}; err != nil {{");
            let _ = writeln!(out, "\t\t\t\treturn msgpactrt.AtField(err, key)");
            let _ = writeln!(out, "\t\t\t}}");
        }
        let _ = writeln!(out, "\t\tdefault:");
        let _ = writeln!(out, "\t\t\tif err := msgpactrt.Skip(d); err != nil {{");
        let _ = writeln!(out, "\t\t\t\treturn msgpactrt.AtField(err, key)");
        let _ = writeln!(out, "\t\t\t}}");
        let _ = writeln!(out, "\t\t}}");
        let _ = writeln!(out, "\t}}");
        for (i, _) in m.fields.iter().enumerate().filter(|(_, f)| !f.optional) {
            let _ = writeln!(out, "\tif !seen[{i}] && w[{i}] != \"\" {{\n\t\treturn msgpactrt.Missing(w[{i}])\n\t}}");
        }
        Ok(())
    }

    fn decode_array(&mut self, out: &mut String, m: &Message, fnames: &[String], full: &str) -> Result<(), String> {
        let required = m.fields.iter().take_while(|f| !f.optional).count();
        let _ = writeln!(out, "\tn, err := msgpactrt.DecodeArrayHeader(d, {})", quote(&format!("array ({full})")));
        let _ = writeln!(out, "\tif err != nil {{\n\t\treturn err\n\t}}");
        if !m.fields.is_empty() {
            let _ = writeln!(out, "\tw := wire{}", m.name);
        }
        if required > 0 {
            let _ = writeln!(out, "\tif n < w.OnWire({required}) {{");
            let _ = writeln!(out, "\t\treturn msgpactrt.Missing(w[w.Field(n)])");
            let _ = writeln!(out, "\t}}");
        }
        let _ = writeln!(out, "\tvar x {}", m.name);
        let _ = writeln!(out, "\tfor i := 0; i < n; i++ {{");
        if m.fields.is_empty() {
            let _ = writeln!(out, "\t\tif err := msgpactrt.Skip(d); err != nil {{");
            let _ = writeln!(out, "\t\t\treturn msgpactrt.AtIndex(err, i)");
            let _ = writeln!(out, "\t\t}}");
            let _ = writeln!(out, "\t}}");
            return Ok(());
        }
        let _ = writeln!(out, "\t\tswitch w.Field(i) {{");
        for (i, (f, gname)) in m.fields.iter().zip(fnames).enumerate() {
            let call = self.dec_call(f)?;
            let _ = writeln!(out, "\t\tcase {i}: // {gname}");
            let _ = writeln!(out, "\t\t\tif x.{gname}, err = {call}; err != nil {{");
            let _ = writeln!(out, "\t\t\t\treturn msgpactrt.AtField(err, w[{i}])");
            let _ = writeln!(out, "\t\t\t}}");
        }
        let _ = writeln!(out, "\t\tdefault:");
        let _ = writeln!(out, "\t\t\tif err := msgpactrt.Skip(d); err != nil {{");
        let _ = writeln!(out, "\t\t\t\treturn msgpactrt.AtIndex(err, i)");
        let _ = writeln!(out, "\t\t\t}}");
        let _ = writeln!(out, "\t\t}}");
        let _ = writeln!(out, "\t}}");
        Ok(())
    }
}

/// The Go condition "this optional field is present".
fn present(f: &Field, gname: &str) -> String {
    if f.nullable {
        format!("v.{gname}.Set")
    } else {
        format!("v.{gname} != nil")
    }
}

/// `if err := CALL; err != nil { return err }`, inside `if COND { ... }` when given.
fn write_guarded(out: &mut String, cond: Option<&str>, call: &str, err: &str) {
    match cond {
        None => {
            let _ = writeln!(out, "\tif {err} := {call}; {err} != nil {{\n\t\treturn {err}\n\t}}");
        }
        Some(c) => {
            let _ = writeln!(out, "\tif {c} {{");
            let _ = writeln!(out, "\t\tif {err} := {call}; {err} != nil {{\n\t\t\treturn {err}\n\t\t}}");
            let _ = writeln!(out, "\t}}");
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// The registry

fn registry(c: &Contracts, names: &Names, base: &str, header: &str, hash: &str) -> String {
    let mut out = String::from(header);
    out.push('\n');
    out.push_str("// Package registry lists every message type generated from the contracts, by full name\n");
    out.push_str("// (\"chat.ChatRequest\"), with functions that decode and encode it, for tools that serve them\n");
    out.push_str("// all: the msgpact Go peer registers Codecs in a loop.\n");
    out.push_str("package registry\n\n");
    let mut imports: Vec<(String, String)> = c
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let alias = if names.refs[i] != p.name { names.refs[i].clone() } else { String::new() };
            (alias, format!("{base}/{}", p.name))
        })
        .collect();
    imports.push((String::new(), format!("{base}/{RUNTIME}")));
    imports.sort_by(|a, b| a.1.cmp(&b.1));
    out.push_str("import (\n");
    for (alias, path) in &imports {
        if alias.is_empty() {
            let _ = writeln!(out, "\t{}", quote(path));
        } else {
            let _ = writeln!(out, "\t{alias} {}", quote(path));
        }
    }
    out.push_str(")\n\n");
    out.push_str("// ContractsHash is the wire hash of the contracts this code was generated from; a msgpact peer\n");
    out.push_str("// reports it in its handshake.\n");
    let _ = writeln!(out, "const ContractsHash = {}", quote(hash));
    out.push('\n');
    out.push_str("// Codecs lists every message type of every contract package, sorted by full name.\n");
    if c.packages.is_empty() {
        out.push_str("var Codecs = msgpactrt.Join()\n");
    } else {
        out.push_str("var Codecs = msgpactrt.Join(\n");
        for r in &names.refs {
            let _ = writeln!(out, "\t{r}.Codecs,");
        }
        out.push_str(")\n");
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// The runtime

const RUNTIME_GO: &str = r##"// Package msgpactrt is the runtime of the Go code that `msgpact codegen` generates for
// github.com/vmihailenco/msgpack/v5. The generated types implement msgpack.CustomEncoder and
// msgpack.CustomDecoder with the functions of this package, which write the canonical encoding of
// the msgpact contracts and read every valid encoding strictly.
//
// Writing (canonical): integers in their smallest form, non-negative values in the uint family;
// float32 as ca and float64 as cb, never compacted; strings as str and bytes as bin in their
// smallest form; map<K,V> entries sorted by their encoded keys; timestamps as ext -1 in the
// smallest of the 32/64/96-bit forms. The Encoder must not use UseCompactFloats,
// UseInternedStrings or a dictionary; [Marshal] takes care of that.
//
// Reading (strict but liberal about encodings): any valid MessagePack form of a value is accepted
// (int64-width integers, keys in another order, str16 for a short string, timestamps in any of the
// three forms); integers out of the field's range, nil for a value that is not nullable, missing
// required fields, fields that appear twice, str for bytes and bin for str, invalid UTF-8,
// unknown enum values and broken constraints are errors of type *[Error] that name the path
// (`$.usage.prompt_tokens`). Unknown map keys of a message are skipped, for forward
// compatibility. Declared lengths are never trusted for allocation.
//
// Optional and nullable are different: an optional field may be absent (a pointer, nil = absent),
// a nullable one may be nil (a pointer, nil = nil written as c0), and a field that is both is an
// [OptionalNullable] with three states.
//
// Wire names come from the struct tags: each generated type reads its fields' `msgpack` tags once,
// when its package is initialised ([WireNames]), as vmihailenco/msgpack reads them (the name
// before the first comma; the Go field name when there is none; "-" = not on the wire), and its
// methods write, match and report those names. Edit a tag and the wire changes with it.
package msgpactrt

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmihailenco/msgpack/v5"
)

// Error is a decode, validation or encode error at a path of the value, e.g.
// `$.usage.prompt_tokens: 4294967296 is out of range for uint32 (0..=4294967295)`.
type Error struct {
	rev []string // path segments, innermost first
	// Msg says what is wrong at the path.
	Msg string
	// Err is the library's error this one wraps, if any.
	Err error
}

// Path is the JSONPath-like location of the problem: `$`, `$.history[2].role`, `$.metadata["k"]`.
// A path deeper than 64 segments (recursive messages) shows its first and last 32.
func (e *Error) Path() string {
	var b strings.Builder
	b.WriteString("$")
	for i := len(e.rev) - 1; i >= 0; i-- {
		if len(e.rev) > 64 && i == len(e.rev)-33 {
			fmt.Fprintf(&b, "…(%d more)…", len(e.rev)-64)
			i = 31
		}
		b.WriteString(e.rev[i])
	}
	return b.String()
}

func (e *Error) Error() string { return e.Path() + ": " + e.Msg }

// Unwrap returns the library's error, if any.
func (e *Error) Unwrap() error { return e.Err }

func asError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	msg := err.Error()
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "the payload ends early (" + msg + ")"
	}
	return &Error{Msg: msg, Err: err}
}

func errorf(format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// AtField puts err under the field name: its path gets `.name` in front.
func AtField(err error, name string) error {
	e := asError(err)
	e.rev = append(e.rev, "."+name)
	return e
}

// AtIndex puts err under the list index i: its path gets `[i]` in front.
func AtIndex(err error, i int) error {
	e := asError(err)
	e.rev = append(e.rev, "["+strconv.Itoa(i)+"]")
	return e
}

// AtKey puts err under the map key k: its path gets `["k"]` or `[3]` in front.
func AtKey(err error, k any) error {
	e := asError(err)
	v := reflect.ValueOf(k)
	if v.Kind() == reflect.String {
		e.rev = append(e.rev, "["+strconv.Quote(v.String())+"]")
	} else {
		e.rev = append(e.rev, "["+fmt.Sprint(k)+"]")
	}
	return e
}

// Invalid is a broken constraint of the field name.
func Invalid(name string, format string, args ...any) error {
	return AtField(errorf(format, args...), name)
}

// Missing is the error for a required field that is absent.
func Missing(name string) error {
	return AtField(errorf("required field is missing"), name)
}

// Duplicate is the error for a field that appears twice in one message.
func Duplicate(name string) error {
	return AtField(errorf("the field appears more than once"), name)
}

// Gap is the encode error of an array-shaped message whose optional field name is set while the
// optional field before it is absent: a positional array cannot skip a position.
func Gap(name, before string) error {
	return AtField(errorf("cannot be sent while the optional field %s before it is absent (array-shaped message)", before), name)
}

// UnknownEnum is the error for a value that is not one of the enum's values.
func UnknownEnum(enum string, value any, values string) error {
	if s, ok := value.(string); ok {
		value = strconv.Quote(s)
	}
	return errorf("%v is not a value of enum %s (%s)", value, enum, values)
}

// describe names the kind of the value that starts with byte c.
func describe(c byte) string {
	switch {
	case c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xd3):
		return "int"
	case c <= 0x8f || c == 0xde || c == 0xdf:
		return "map"
	case c <= 0x9f || c == 0xdc || c == 0xdd:
		return "array"
	case c <= 0xbf || (c >= 0xd9 && c <= 0xdb):
		return "str"
	case c == 0xc0:
		return "nil"
	case c == 0xc2 || c == 0xc3:
		return "bool"
	case c >= 0xc4 && c <= 0xc6:
		return "bin"
	case c == 0xca:
		return "float32"
	case c == 0xcb:
		return "float64"
	case (c >= 0xc7 && c <= 0xc9) || (c >= 0xd4 && c <= 0xd8):
		return "ext"
	}
	return fmt.Sprintf("the byte 0x%02x, which MessagePack never uses", c)
}

func peek(d *msgpack.Decoder) (byte, error) {
	c, err := d.PeekCode()
	if err != nil {
		return 0, asError(err)
	}
	return c, nil
}

func expected(what string, c byte) error {
	return errorf("expected %s, found %s", what, describe(c))
}

// remaining is the number of unread bytes when the decoder reads a *bytes.Reader (as [Unmarshal]
// arranges), or -1.
func remaining(d *msgpack.Decoder) int {
	if r, ok := d.Buffered().(*bytes.Reader); ok {
		return r.Len()
	}
	return -1
}

// maxPrealloc bounds what a declared length may make us allocate before the items are read.
const maxPrealloc = 1024

// ---- decoding scalars ----

// DecodeBool reads a bool.
func DecodeBool(d *msgpack.Decoder) (bool, error) {
	c, err := peek(d)
	if err != nil {
		return false, err
	}
	if c != 0xc2 && c != 0xc3 {
		return false, expected("bool", c)
	}
	b, err := d.DecodeBool()
	if err != nil {
		return false, asError(err)
	}
	return b, nil
}

// decodeInteger reads an integer of any encoding: neg tells whether it is negative; then i holds
// it, else u does.
func decodeInteger(d *msgpack.Decoder, what string) (neg bool, i int64, u uint64, err error) {
	c, err := peek(d)
	if err != nil {
		return false, 0, 0, err
	}
	switch {
	case c <= 0x7f || (c >= 0xcc && c <= 0xcf):
		u, err = d.DecodeUint64()
	case c >= 0xe0 || (c >= 0xd0 && c <= 0xd3):
		i, err = d.DecodeInt64()
		if i >= 0 {
			u = uint64(i)
		} else {
			neg = true
		}
	default:
		return false, 0, 0, expected(what, c)
	}
	if err != nil {
		return false, 0, 0, asError(err)
	}
	return neg, i, u, nil
}

func decodeSigned(d *msgpack.Decoder, name string, lo, hi int64) (int64, error) {
	neg, i, u, err := decodeInteger(d, name)
	if err != nil {
		return 0, err
	}
	if neg {
		if i < lo {
			return 0, errorf("%d is out of range for %s (%d..=%d)", i, name, lo, hi)
		}
		return i, nil
	}
	if u > uint64(hi) {
		return 0, errorf("%d is out of range for %s (%d..=%d)", u, name, lo, hi)
	}
	return int64(u), nil
}

func decodeUnsigned(d *msgpack.Decoder, name string, hi uint64) (uint64, error) {
	neg, i, u, err := decodeInteger(d, name)
	if err != nil {
		return 0, err
	}
	if neg {
		return 0, errorf("%d is out of range for %s (0..=%d)", i, name, hi)
	}
	if u > hi {
		return 0, errorf("%d is out of range for %s (0..=%d)", u, name, hi)
	}
	return u, nil
}

// DecodeInt8 reads an integer of any encoding that fits int8.
func DecodeInt8(d *msgpack.Decoder) (int8, error) {
	n, err := decodeSigned(d, "int8", math.MinInt8, math.MaxInt8)
	return int8(n), err
}

// DecodeInt16 reads an integer of any encoding that fits int16.
func DecodeInt16(d *msgpack.Decoder) (int16, error) {
	n, err := decodeSigned(d, "int16", math.MinInt16, math.MaxInt16)
	return int16(n), err
}

// DecodeInt32 reads an integer of any encoding that fits int32.
func DecodeInt32(d *msgpack.Decoder) (int32, error) {
	n, err := decodeSigned(d, "int32", math.MinInt32, math.MaxInt32)
	return int32(n), err
}

// DecodeInt64 reads an integer of any encoding that fits int64.
func DecodeInt64(d *msgpack.Decoder) (int64, error) {
	return decodeSigned(d, "int64", math.MinInt64, math.MaxInt64)
}

// DecodeUint8 reads an integer of any encoding that fits uint8.
func DecodeUint8(d *msgpack.Decoder) (uint8, error) {
	n, err := decodeUnsigned(d, "uint8", math.MaxUint8)
	return uint8(n), err
}

// DecodeUint16 reads an integer of any encoding that fits uint16.
func DecodeUint16(d *msgpack.Decoder) (uint16, error) {
	n, err := decodeUnsigned(d, "uint16", math.MaxUint16)
	return uint16(n), err
}

// DecodeUint32 reads an integer of any encoding that fits uint32.
func DecodeUint32(d *msgpack.Decoder) (uint32, error) {
	n, err := decodeUnsigned(d, "uint32", math.MaxUint32)
	return uint32(n), err
}

// DecodeUint64 reads an integer of any encoding that fits uint64.
func DecodeUint64(d *msgpack.Decoder) (uint64, error) {
	return decodeUnsigned(d, "uint64", math.MaxUint64)
}

// decodeNumber reads a float32, a float64 or an integer that the float type holds exactly.
func decodeNumber(d *msgpack.Decoder, single bool) (float64, error) {
	what := "float64"
	if single {
		what = "float32"
	}
	c, err := peek(d)
	if err != nil {
		return 0, err
	}
	switch {
	case c == 0xca:
		f, err := d.DecodeFloat32()
		if err != nil {
			return 0, asError(err)
		}
		return float64(f), nil
	case c == 0xcb:
		f, err := d.DecodeFloat64()
		if err != nil {
			return 0, asError(err)
		}
		if single && !math.IsNaN(f) && float64(float32(f)) != f {
			return 0, errorf("the float64 %v is not exactly representable as float32", f)
		}
		return f, nil
	case c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xd3):
		neg, i, u, err := decodeInteger(d, what)
		if err != nil {
			return 0, err
		}
		var f float64
		exact := true
		if neg {
			f = float64(i)
			if single {
				f = float64(float32(i))
			}
			exact = f >= math.MinInt64 && int64(f) == i
		} else {
			f = float64(u)
			if single {
				f = float64(float32(u))
			}
			exact = f < (1<<64) && uint64(f) == u
		}
		if !exact {
			return 0, errorf("the integer %s is not exactly representable as %s", intText(neg, i, u), what)
		}
		return f, nil
	}
	return 0, expected(what, c)
}

func intText(neg bool, i int64, u uint64) string {
	if neg {
		return strconv.FormatInt(i, 10)
	}
	return strconv.FormatUint(u, 10)
}

// DecodeFloat32 reads a float32 (ca), or a float64 or an integer that float32 holds exactly.
// NaN and infinities pass; the field's check decides.
func DecodeFloat32(d *msgpack.Decoder) (float32, error) {
	f, err := decodeNumber(d, true)
	return float32(f), err
}

// DecodeFloat64 reads a float64 (cb), a float32, or an integer that float64 holds exactly.
// NaN and infinities pass; the field's check decides.
func DecodeFloat64(d *msgpack.Decoder) (float64, error) {
	return decodeNumber(d, false)
}

// DecodeFloat32Finite is DecodeFloat32 refusing NaN and infinities (list items and map values).
func DecodeFloat32Finite(d *msgpack.Decoder) (float32, error) {
	f, err := DecodeFloat32(d)
	if err == nil {
		err = CheckFinite(float64(f), false, false)
	}
	return f, err
}

// DecodeFloat64Finite is DecodeFloat64 refusing NaN and infinities (list items and map values).
func DecodeFloat64Finite(d *msgpack.Decoder) (float64, error) {
	f, err := DecodeFloat64(d)
	if err == nil {
		err = CheckFinite(f, false, false)
	}
	return f, err
}

// CheckFinite refuses NaN unless allowNaN and infinities unless allowInf.
func CheckFinite(f float64, allowNaN, allowInf bool) error {
	if math.IsNaN(f) && !allowNaN {
		return errorf("NaN is not allowed")
	}
	if math.IsInf(f, 0) && !allowInf {
		return errorf("%v is not allowed", f)
	}
	return nil
}

// DecodeString reads a str (not a bin) of valid UTF-8.
func DecodeString(d *msgpack.Decoder) (string, error) {
	c, err := peek(d)
	if err != nil {
		return "", err
	}
	if !(c >= 0xa0 && c <= 0xbf) && !(c >= 0xd9 && c <= 0xdb) {
		return "", expected("str", c)
	}
	s, err := d.DecodeString()
	if err != nil {
		return "", asError(err)
	}
	if !utf8.ValidString(s) {
		return "", errorf("the str is not valid UTF-8")
	}
	return s, nil
}

// DecodeBytes reads a bin (not a str). The result is never nil.
func DecodeBytes(d *msgpack.Decoder) ([]byte, error) {
	c, err := peek(d)
	if err != nil {
		return nil, err
	}
	if c < 0xc4 || c > 0xc6 {
		return nil, expected("bin", c)
	}
	n, err := d.DecodeBytesLen()
	if err != nil {
		return nil, asError(err)
	}
	if r := remaining(d); r >= 0 && n > r {
		return nil, errorf("a bin of %d bytes, but only %d bytes remain", n, r)
	}
	// Read in chunks: the library's DecodeBytes allocates the declared length at once.
	const chunk = 1 << 16
	b := make([]byte, 0, min(n, chunk))
	for len(b) < n {
		k := min(n-len(b), chunk)
		b = slices.Grow(b, k)
		if err := d.ReadFull(b[len(b) : len(b)+k]); err != nil {
			return nil, asError(err)
		}
		b = b[:len(b)+k]
	}
	return b, nil
}

// unixToInternal is the seconds from year 1 to 1970; time.Time holds seconds since year 1 in an int64.
const unixToInternal = 62135596800

// DecodeTime reads a timestamp: ext -1 in its 32, 64 or 96-bit form, in any ext encoding. The
// result is in UTC.
func DecodeTime(d *msgpack.Decoder) (time.Time, error) {
	c, err := peek(d)
	if err != nil {
		return time.Time{}, err
	}
	if !((c >= 0xc7 && c <= 0xc9) || (c >= 0xd4 && c <= 0xd8)) {
		return time.Time{}, expected("timestamp (ext -1)", c)
	}
	id, n, err := d.DecodeExtHeader()
	if err != nil {
		return time.Time{}, asError(err)
	}
	if id != -1 {
		return time.Time{}, errorf("expected timestamp (ext -1), found ext %d", id)
	}
	if n != 4 && n != 8 && n != 12 {
		return time.Time{}, errorf("a timestamp has 4, 8 or 12 bytes, this one %d", n)
	}
	var b [12]byte
	if err := d.ReadFull(b[:n]); err != nil {
		return time.Time{}, asError(err)
	}
	var secs int64
	var nanos uint32
	switch n {
	case 4:
		secs = int64(be(b[:4]))
	case 8:
		v := be(b[:8])
		nanos = uint32(v >> 34)
		secs = int64(v & (1<<34 - 1))
	case 12:
		nanos = uint32(be(b[:4]))
		secs = int64(be(b[4:12]))
	}
	if nanos > 999999999 {
		return time.Time{}, errorf("timestamp nanoseconds %d are not below 1e9", nanos)
	}
	if secs > math.MaxInt64-unixToInternal {
		return time.Time{}, errorf("timestamp seconds %d are beyond what Go's time.Time holds", secs)
	}
	return time.Unix(secs, int64(nanos)).UTC(), nil
}

func be(b []byte) uint64 {
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v
}

// ---- decoding containers and messages ----

// DecodeArrayHeader reads the header of an array (not nil) and returns its length.
func DecodeArrayHeader(d *msgpack.Decoder, what string) (int, error) {
	c, err := peek(d)
	if err != nil {
		return 0, err
	}
	if !(c >= 0x90 && c <= 0x9f) && c != 0xdc && c != 0xdd {
		return 0, expected(what, c)
	}
	n, err := d.DecodeArrayLen()
	if err != nil {
		return 0, asError(err)
	}
	if r := remaining(d); r >= 0 && n > r {
		return 0, errorf("an array of %d items, but only %d bytes remain", n, r)
	}
	return n, nil
}

// DecodeMapHeader reads the header of a map (not nil) and returns its number of entries.
func DecodeMapHeader(d *msgpack.Decoder, what string) (int, error) {
	c, err := peek(d)
	if err != nil {
		return 0, err
	}
	if !(c >= 0x80 && c <= 0x8f) && c != 0xde && c != 0xdf {
		return 0, expected(what, c)
	}
	n, err := d.DecodeMapLen()
	if err != nil {
		return 0, asError(err)
	}
	if r := remaining(d); r >= 0 && n > r/2 {
		return 0, errorf("a map of %d entries, but only %d bytes remain", n, r)
	}
	return n, nil
}

// DecodeFieldName reads the key of a message's map entry: a str.
func DecodeFieldName(d *msgpack.Decoder) (string, error) {
	s, err := DecodeString(d)
	if err != nil {
		return "", errorf("a key of the message: %s", asError(err).Msg)
	}
	return s, nil
}

// Skip skips one value of any type (an unknown field).
func Skip(d *msgpack.Decoder) error {
	if err := d.Skip(); err != nil {
		return asError(err)
	}
	return nil
}

// DecodeList reads an array whose items elem reads.
func DecodeList[T any](d *msgpack.Decoder, elem func(*msgpack.Decoder) (T, error)) ([]T, error) {
	n, err := DecodeArrayHeader(d, "array")
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, min(n, maxPrealloc))
	for i := 0; i < n; i++ {
		x, err := elem(d)
		if err != nil {
			return nil, AtIndex(err, i)
		}
		out = append(out, x)
	}
	return out, nil
}

// ListDecoder is DecodeList as a function of the decoder.
func ListDecoder[T any](elem func(*msgpack.Decoder) (T, error)) func(*msgpack.Decoder) ([]T, error) {
	return func(d *msgpack.Decoder) ([]T, error) { return DecodeList(d, elem) }
}

// DecodeMap reads a map whose keys key reads and whose values val reads. A key that appears twice
// (in any encoding) is an error.
func DecodeMap[K comparable, V any](d *msgpack.Decoder, key func(*msgpack.Decoder) (K, error), val func(*msgpack.Decoder) (V, error)) (map[K]V, error) {
	n, err := DecodeMapHeader(d, "map")
	if err != nil {
		return nil, err
	}
	out := make(map[K]V, min(n, maxPrealloc))
	for i := 0; i < n; i++ {
		k, err := key(d)
		if err != nil {
			return nil, errorf("key of entry %d: %s", i, asError(err).Msg)
		}
		if _, dup := out[k]; dup {
			return nil, AtKey(errorf("the key appears more than once"), k)
		}
		v, err := val(d)
		if err != nil {
			return nil, AtKey(err, k)
		}
		out[k] = v
	}
	return out, nil
}

// MapDecoder is DecodeMap as a function of the decoder.
func MapDecoder[K comparable, V any](key func(*msgpack.Decoder) (K, error), val func(*msgpack.Decoder) (V, error)) func(*msgpack.Decoder) (map[K]V, error) {
	return func(d *msgpack.Decoder) (map[K]V, error) { return DecodeMap(d, key, val) }
}

// DecodeCustom reads a generated message or enum type with its DecodeMsgpack method.
func DecodeCustom[T any, PT interface {
	*T
	msgpack.CustomDecoder
}](d *msgpack.Decoder) (T, error) {
	var x T
	err := PT(&x).DecodeMsgpack(d)
	return x, err
}

// DecodePtr reads a present optional value: never nil.
func DecodePtr[T any](d *msgpack.Decoder, dec func(*msgpack.Decoder) (T, error)) (*T, error) {
	x, err := dec(d)
	if err != nil {
		return nil, err
	}
	return &x, nil
}

// DecodeNullable reads nil as a nil pointer, anything else with dec.
func DecodeNullable[T any](d *msgpack.Decoder, dec func(*msgpack.Decoder) (T, error)) (*T, error) {
	c, err := peek(d)
	if err != nil {
		return nil, err
	}
	if c == 0xc0 {
		if err := d.DecodeNil(); err != nil {
			return nil, asError(err)
		}
		return nil, nil
	}
	return DecodePtr(d, dec)
}

// DecodeOptionalNullable reads a present field that is both optional and nullable.
func DecodeOptionalNullable[T any](d *msgpack.Decoder, dec func(*msgpack.Decoder) (T, error)) (OptionalNullable[T], error) {
	p, err := DecodeNullable(d, dec)
	if err != nil {
		return OptionalNullable[T]{}, err
	}
	if p == nil {
		return Null[T](), nil
	}
	return Some(*p), nil
}

// ---- encoding ----

// Signed are the signed integer types (and enums of them).
type Signed interface {
	~int8 | ~int16 | ~int32 | ~int64
}

// Unsigned are the unsigned integer types.
type Unsigned interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Integer are the integer types of map keys.
type Integer interface{ Signed | Unsigned }

// EncodeBool writes c2 or c3.
func EncodeBool(e *msgpack.Encoder, v bool) error { return e.EncodeBool(v) }

// EncodeInt writes v in its smallest form; non-negative values in the uint family.
func EncodeInt[T Signed](e *msgpack.Encoder, v T) error { return e.EncodeInt(int64(v)) }

// EncodeUint writes v in its smallest form.
func EncodeUint[T Unsigned](e *msgpack.Encoder, v T) error { return e.EncodeUint(uint64(v)) }

// EncodeFloat32 writes ca and 4 bytes, whatever the value.
func EncodeFloat32(e *msgpack.Encoder, v float32) error { return e.EncodeFloat32(v) }

// EncodeFloat64 writes cb and 8 bytes, whatever the value.
func EncodeFloat64(e *msgpack.Encoder, v float64) error { return e.EncodeFloat64(v) }

// EncodeFloat32Finite is EncodeFloat32 refusing NaN and infinities (list items and map values).
func EncodeFloat32Finite(e *msgpack.Encoder, v float32) error {
	if err := CheckFinite(float64(v), false, false); err != nil {
		return err
	}
	return e.EncodeFloat32(v)
}

// EncodeFloat64Finite is EncodeFloat64 refusing NaN and infinities (list items and map values).
func EncodeFloat64Finite(e *msgpack.Encoder, v float64) error {
	if err := CheckFinite(v, false, false); err != nil {
		return err
	}
	return e.EncodeFloat64(v)
}

// EncodeString writes a str in its smallest form; v must be valid UTF-8.
func EncodeString(e *msgpack.Encoder, v string) error {
	if !utf8.ValidString(v) {
		return errorf("the string is not valid UTF-8")
	}
	return e.EncodeString(v)
}

// EncodeBytes writes a bin in its smallest form; nil is the empty bin, not nil.
func EncodeBytes(e *msgpack.Encoder, v []byte) error {
	if v == nil {
		v = []byte{}
	}
	return e.EncodeBytes(v)
}

// EncodeTime writes ext -1 in the smallest of its 32, 64 and 96-bit forms.
func EncodeTime(e *msgpack.Encoder, v time.Time) error { return e.EncodeTime(v) }

// EncodeCustom writes a generated message or enum type with its EncodeMsgpack method.
func EncodeCustom[T msgpack.CustomEncoder](e *msgpack.Encoder, v T) error { return v.EncodeMsgpack(e) }

// EncodeList writes an array of v's items with elem; nil is the empty array.
func EncodeList[T any](e *msgpack.Encoder, v []T, elem func(*msgpack.Encoder, T) error) error {
	if err := e.EncodeArrayLen(len(v)); err != nil {
		return err
	}
	for i, x := range v {
		if err := elem(e, x); err != nil {
			return AtIndex(err, i)
		}
	}
	return nil
}

// ListEncoder is EncodeList as a function of the encoder and the list.
func ListEncoder[T any](elem func(*msgpack.Encoder, T) error) func(*msgpack.Encoder, []T) error {
	return func(e *msgpack.Encoder, v []T) error { return EncodeList(e, v, elem) }
}

func encodeMap[K comparable, V any](e *msgpack.Encoder, m map[K]V, keys []K, key func(*msgpack.Encoder, K) error, val func(*msgpack.Encoder, V) error) error {
	if err := e.EncodeMapLen(len(keys)); err != nil {
		return err
	}
	for _, k := range keys {
		if err := key(e, k); err != nil {
			return AtKey(err, k)
		}
		if err := val(e, m[k]); err != nil {
			return AtKey(err, k)
		}
	}
	return nil
}

// EncodeStringKeyMap writes m with its entries sorted by their encoded keys, which for strings is
// shorter keys first, then bytewise ("k2" before "k10"). nil is the empty map.
func EncodeStringKeyMap[K ~string, V any](e *msgpack.Encoder, m map[K]V, key func(*msgpack.Encoder, K) error, val func(*msgpack.Encoder, V) error) error {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b K) int {
		if c := cmp.Compare(len(a), len(b)); c != 0 {
			return c
		}
		return strings.Compare(string(a), string(b))
	})
	return encodeMap(e, m, keys, key, val)
}

// StringKeyMapEncoder is EncodeStringKeyMap as a function of the encoder and the map.
func StringKeyMapEncoder[K ~string, V any](key func(*msgpack.Encoder, K) error, val func(*msgpack.Encoder, V) error) func(*msgpack.Encoder, map[K]V) error {
	return func(e *msgpack.Encoder, m map[K]V) error { return EncodeStringKeyMap(e, m, key, val) }
}

// EncodeIntKeyMap writes m with its entries sorted by their encoded keys: 0..127, then the uint8,
// uint16, uint32 and uint64 forms, then the int8, int16, int32 and int64 forms of negative keys,
// then -32..-1. nil is the empty map.
func EncodeIntKeyMap[K Integer, V any](e *msgpack.Encoder, m map[K]V, key func(*msgpack.Encoder, K) error, val func(*msgpack.Encoder, V) error) error {
	type entry struct {
		k   K
		enc [9]byte
		n   int
	}
	entries := make([]entry, 0, len(m))
	for k := range m {
		x := entry{k: k}
		if k < 0 {
			x.n = canonicalInt(&x.enc, true, int64(k), 0)
		} else {
			x.n = canonicalInt(&x.enc, false, 0, uint64(k))
		}
		entries = append(entries, x)
	}
	slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.enc[:a.n], b.enc[:b.n]) })
	keys := make([]K, len(entries))
	for i, x := range entries {
		keys[i] = x.k
	}
	return encodeMap(e, m, keys, key, val)
}

// IntKeyMapEncoder is EncodeIntKeyMap as a function of the encoder and the map.
func IntKeyMapEncoder[K Integer, V any](key func(*msgpack.Encoder, K) error, val func(*msgpack.Encoder, V) error) func(*msgpack.Encoder, map[K]V) error {
	return func(e *msgpack.Encoder, m map[K]V) error { return EncodeIntKeyMap(e, m, key, val) }
}

// canonicalInt writes the canonical encoding of an integer into b and returns its length.
func canonicalInt(b *[9]byte, neg bool, i int64, u uint64) int {
	put := func(code byte, v uint64, n int) int {
		b[0] = code
		for j := 0; j < n; j++ {
			b[n-j] = byte(v >> (8 * j))
		}
		return n + 1
	}
	if !neg {
		switch {
		case u <= math.MaxInt8:
			b[0] = byte(u)
			return 1
		case u <= math.MaxUint8:
			return put(0xcc, u, 1)
		case u <= math.MaxUint16:
			return put(0xcd, u, 2)
		case u <= math.MaxUint32:
			return put(0xce, u, 4)
		}
		return put(0xcf, u, 8)
	}
	switch {
	case i >= -32:
		b[0] = byte(i)
		return 1
	case i >= math.MinInt8:
		return put(0xd0, uint64(i), 1)
	case i >= math.MinInt16:
		return put(0xd1, uint64(i), 2)
	case i >= math.MinInt32:
		return put(0xd2, uint64(i), 4)
	}
	return put(0xd3, uint64(i), 8)
}

// EncodeField writes the key name and the value v with enc (map-shaped messages); nothing when
// name is "" (a field tagged "-", not on the wire).
func EncodeField[T any](e *msgpack.Encoder, name string, v T, enc func(*msgpack.Encoder, T) error) error {
	if name == "" {
		return nil
	}
	if err := e.EncodeString(name); err != nil {
		return err
	}
	if err := enc(e, v); err != nil {
		return AtField(err, name)
	}
	return nil
}

// EncodeNullableField writes the key name and the value *p with enc, or nil when p is nil;
// nothing when name is "".
func EncodeNullableField[T any](e *msgpack.Encoder, name string, p *T, enc func(*msgpack.Encoder, T) error) error {
	if name == "" {
		return nil
	}
	if err := e.EncodeString(name); err != nil {
		return err
	}
	return EncodeNullableItem(e, name, p, enc)
}

// EncodeItem writes the value v of the field name with enc (array-shaped messages); nothing when
// name is "".
func EncodeItem[T any](e *msgpack.Encoder, name string, v T, enc func(*msgpack.Encoder, T) error) error {
	if name == "" {
		return nil
	}
	if err := enc(e, v); err != nil {
		return AtField(err, name)
	}
	return nil
}

// EncodeNullableItem writes *p with enc, or nil when p is nil (array-shaped messages); nothing
// when name is "".
func EncodeNullableItem[T any](e *msgpack.Encoder, name string, p *T, enc func(*msgpack.Encoder, T) error) error {
	if name == "" {
		return nil
	}
	if p == nil {
		return e.EncodeNil()
	}
	return EncodeItem(e, name, *p, enc)
}

// ---- wire names ----

// Names are the wire names of a generated struct's fields, in field order, as [WireNames] reads
// them from the struct tags; "" marks a field that is not on the wire (tagged "-").
type Names []string

// WireNames reads the wire names of the fields of the struct type t, in field order, from their
// `msgpack` tags, the way github.com/vmihailenco/msgpack/v5 reads them: the name is the tag up to
// its first comma, trimmed; a field without a tag or with an empty name (`msgpack:",omitempty"`)
// goes by its Go field name; a field tagged "-", and an unexported field, is not on the wire ("").
// Options after the name (omitempty, alias, ...) are not read: which fields are written follows
// the contract.
//
// The generated code calls it once per message type when its package is initialised and writes
// and reads the names it returns, so the struct tags are the single source of truth for the wire:
// edit a tag and the encoding follows, as it would for any struct vmihailenco/msgpack encodes.
// t must be a struct type.
func WireNames(t reflect.Type) Names {
	out := make(Names, t.NumField())
	for i := range out {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		switch name := TagName(f.Tag.Get("msgpack")); name {
		case "-":
		case "":
			out[i] = f.Name
		default:
			out[i] = name
		}
	}
	return out
}

// TagName is the name in a `msgpack` struct tag as github.com/vmihailenco/tagparser/v2 (which
// vmihailenco/msgpack/v5 uses) parses it: the first comma-separated item, trimmed of spaces; a
// 'quoted' name may hold commas (\' is a quote); a first item of the form key:value is an option,
// not a name (unless the key is empty: `:name`).
func TagName(tag string) string {
	for i := 0; i < len(tag); i++ {
		switch tag[i] {
		case ',':
			return strings.TrimSpace(tag[:i])
		case '\'':
			return strings.TrimSpace(tagQuoted(tag[i+1:]))
		case ':':
			if strings.TrimSpace(tag[:i]) != "" {
				return ""
			}
			rest := tag[i+1:]
			if strings.HasPrefix(rest, "'") {
				return strings.TrimSpace(tagQuoted(rest[1:]))
			}
			var b []byte
			depth := 0
			for j := 0; j < len(rest); j++ {
				c := rest[j]
				switch {
				case c == '\\':
					j++
					c = 0
					if j < len(rest) {
						c = rest[j]
					}
				case c == '(':
					depth++
				case c == ')' && depth > 0:
					depth--
				case c == ',' && depth == 0:
					return strings.TrimSpace(string(b))
				}
				b = append(b, c)
			}
			return strings.TrimSpace(string(b))
		}
	}
	return strings.TrimSpace(tag)
}

// tagQuoted is the text of a quoted tag item up to its closing quote; \' is a quote.
func tagQuoted(s string) string {
	var b strings.Builder
	for {
		j := strings.IndexByte(s, '\'')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		if j > 0 && s[j-1] == '\\' {
			b.WriteString(s[:j-1])
			b.WriteByte('\'')
			s = s[j+1:]
			continue
		}
		b.WriteString(s[:j])
		return b.String()
	}
}

// Index is the field whose wire name is key, or -1 (an unknown key). When two fields have the
// same name the last one wins, as in vmihailenco/msgpack.
func (w Names) Index(key string) int {
	if key == "" {
		return -1
	}
	for i := len(w) - 1; i >= 0; i-- {
		if w[i] == key {
			return i
		}
	}
	return -1
}

// Count is the number of map entries of a map-shaped message: the fields that are present
// (present[i] for field i) and on the wire.
func (w Names) Count(present ...bool) int {
	n := 0
	for i, p := range present {
		if p && w[i] != "" {
			n++
		}
	}
	return n
}

// OnWire is the number of the first n fields that are on the wire: the entries of a map-shaped
// message without optional fields, the items the first n fields of an array-shaped message make.
func (w Names) OnWire(n int) int {
	k := 0
	for _, name := range w[:n] {
		if name != "" {
			k++
		}
	}
	return k
}

// Field is the field at the array position pos of an array-shaped message (fields not on the
// wire take no position), or -1 beyond the last one.
func (w Names) Field(pos int) int {
	for i, name := range w {
		if name == "" {
			continue
		}
		if pos == 0 {
			return i
		}
		pos--
	}
	return -1
}

// Prefix is the number of fields an array-shaped message writes: its first required fields, then
// its optional fields up to the last present one (present[j] for field required+j). An absent
// optional field on the wire before a present one is an error ([Gap]): a position cannot be
// skipped.
func (w Names) Prefix(required int, present ...bool) (int, error) {
	n := required
	for j, p := range present {
		i := required + j
		if !p || w[i] == "" {
			continue
		}
		for k := i - 1; k >= n; k-- {
			if w[k] != "" {
				return 0, Gap(w[i], w[k])
			}
		}
		n = i + 1
	}
	return n, nil
}

// ---- optional and nullable ----

// OptionalNullable is a field that may be absent and may be nil: three states. The zero value is
// absent.
type OptionalNullable[T any] struct {
	// Set is true when the field is present (nil or a value).
	Set bool
	// Null is true when the field is present and nil.
	Null bool
	// Value is the value when Set and not Null.
	Value T
}

// Absent is the absent state.
func Absent[T any]() OptionalNullable[T] { return OptionalNullable[T]{} }

// Null is the present-and-nil state.
func Null[T any]() OptionalNullable[T] { return OptionalNullable[T]{Set: true, Null: true} }

// Some is the present-with-a-value state.
func Some[T any](v T) OptionalNullable[T] { return OptionalNullable[T]{Set: true, Value: v} }

// IsAbsent tells whether the field is absent.
func (o OptionalNullable[T]) IsAbsent() bool { return !o.Set }

// IsNull tells whether the field is present and nil.
func (o OptionalNullable[T]) IsNull() bool { return o.Set && o.Null }

// Get returns the value and true when the field is present and not nil.
func (o OptionalNullable[T]) Get() (T, bool) { return o.Value, o.Set && !o.Null }

// Ptr returns a pointer to the value when present and not nil, else nil.
func (o OptionalNullable[T]) Ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	return &o.Value
}

// Ptr returns a pointer to a copy of v, to fill optional and nullable fields.
func Ptr[T any](v T) *T { return &v }

// ---- whole payloads ----

// Marshal returns the canonical encoding of v, a generated type.
func Marshal(v msgpack.CustomEncoder) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.GetEncoder()
	enc.Reset(&buf)
	enc.UseCompactInts(true)
	err := v.EncodeMsgpack(enc)
	msgpack.PutEncoder(enc)
	if err != nil {
		return nil, asError(err)
	}
	return buf.Bytes(), nil
}

// Validate checks v, a generated type, as Marshal does (constraints, enum values, UTF-8, array
// gaps), without keeping the bytes.
func Validate(v msgpack.CustomEncoder) error {
	enc := msgpack.GetEncoder()
	enc.Reset(io.Discard)
	err := v.EncodeMsgpack(enc)
	msgpack.PutEncoder(enc)
	if err != nil {
		return asError(err)
	}
	return nil
}

// Unmarshal decodes b, exactly one value, into v, a generated type, strictly. Trailing bytes are
// an error.
func Unmarshal(b []byte, v msgpack.CustomDecoder) error {
	r := bytes.NewReader(b)
	dec := msgpack.GetDecoder()
	dec.Reset(r)
	err := v.DecodeMsgpack(dec)
	msgpack.PutDecoder(dec)
	if err != nil {
		return asError(err)
	}
	if r.Len() != 0 {
		return errorf("%d trailing byte(s) after the value", r.Len())
	}
	return nil
}

// Codec is one message type, type-erased, for tools that serve every generated type in a loop
// (the msgpact peer).
type Codec struct {
	// Name is the fully qualified type name, e.g. "chat.ChatRequest".
	Name string
	// Decode is Unmarshal into a new value of the type; the value is returned by value.
	Decode func([]byte) (any, error)
	// Encode is Marshal of a value of the type (as Decode returns it).
	Encode func(any) ([]byte, error)
}

// CodecOf is the Codec of the generated type T named name.
func CodecOf[T msgpack.CustomEncoder, PT interface {
	*T
	msgpack.CustomDecoder
}](name string) Codec {
	return Codec{
		Name: name,
		Decode: func(b []byte) (any, error) {
			var v T
			if err := Unmarshal(b, PT(&v)); err != nil {
				return nil, err
			}
			return v, nil
		},
		Encode: func(x any) ([]byte, error) {
			v, ok := x.(T)
			if !ok {
				return nil, fmt.Errorf("msgpactrt: %s cannot encode a %T", name, x)
			}
			return Marshal(v)
		},
	}
}

// Join concatenates lists of codecs, sorted by name.
func Join(lists ...[]Codec) []Codec {
	var out []Codec
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.SortFunc(out, func(a, b Codec) int { return strings.Compare(a.Name, b.Name) })
	return out
}
"##;

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

    #[test]
    fn module_lines() {
        assert_eq!(module_path("// c\nmodule github.com/a/b // x\n\ngo 1.22\n").as_deref(), Some("github.com/a/b"));
        assert_eq!(module_path("module \"example.com/q\"\n").as_deref(), Some("example.com/q"));
        assert_eq!(module_path("modules x\n"), None);
    }

    #[test]
    fn import_path_from_go_mod() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module example.com/svc\n\ngo 1.22\n").unwrap();
        let opts = |out: PathBuf, p: Option<&str>| Options {
            lang: super::super::Lang::Go,
            out,
            go_import_path: p.map(str::to_string),
        };
        assert_eq!(import_path(&opts(dir.path().join("gen/./types"), None)).unwrap(), "example.com/svc/gen/types");
        assert_eq!(import_path(&opts(dir.path().to_path_buf(), None)).unwrap(), "example.com/svc");
        assert_eq!(import_path(&opts(dir.path().join("x"), Some("a.b/c/"))).unwrap(), "a.b/c");
        assert!(import_path(&opts(PathBuf::from("/nonexistent-msgpact-dir/x"), None)).unwrap_err().contains("go.mod"));
    }

    fn load(yaml: &[(&str, &str)]) -> Contracts {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in yaml {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let (c, diags) = Contracts::load_dir(dir.path());
        assert!(!diags.has_errors(), "{:?}", diags.sorted().iter().map(|d| d.render(&c.sources)).collect::<Vec<_>>());
        c
    }

    fn opts() -> Options {
        Options {
            lang: super::super::Lang::Go,
            out: PathBuf::from("gen"),
            go_import_path: Some("example.com/gen".into()),
        }
    }

    #[test]
    fn repo_contracts_generate_deterministically() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (c, diags) = Contracts::load_dir(&root.join("contracts"));
        assert!(!diags.has_errors());
        let o = Options { lang: super::super::Lang::Go, out: root.join("harness/go/generated"), go_import_path: None };
        let a = generate(&c, &o).unwrap();
        assert_eq!(a, generate(&c, &o).unwrap());
        let paths: Vec<String> = a.iter().map(|f| f.path.display().to_string()).collect();
        for p in
            ["msgpactrt/msgpactrt.go", "registry/registry.go", "chat/chat.go", "common/common.go", "voice/voice.go"]
        {
            assert!(paths.contains(&p.to_string()), "{paths:?}");
        }
        for f in &a {
            assert_eq!(
                f.content.lines().next(),
                Some("// Code generated by msgpact codegen. DO NOT EDIT."),
                "{}",
                f.path.display()
            );
            assert!(f.content.contains(&format!("Wire hash: {}", wire_hash(&c))));
            for (i, l) in f.content.lines().enumerate() {
                assert!(!l.ends_with([' ', '\t']) && !l.starts_with(' '), "{}:{}: {l:?}", f.path.display(), i + 1);
            }
        }
        let chat = &a.iter().find(|f| f.path == Path::new("chat/chat.go")).unwrap().content;
        assert!(chat.contains("\t\"github.com/msgpact/msgpact/harness/go/generated/common\"\n"));
        assert!(chat.contains("\tRequestID string `msgpack:\"request_id\"`\n"));
        assert!(chat.contains("\tAudio *[]byte `msgpack:\"audio,omitempty\"`\n"));
        assert!(chat.contains("\tLocale *string `msgpack:\"locale\"`\n"));
        // The tags are the only place the wire names are written: the methods read them at init.
        assert!(chat.contains("\nvar wireChatRequest = msgpactrt.WireNames(reflect.TypeOf(ChatRequest{}))\n"));
        assert!(chat.contains("msgpactrt.EncodeField(e, w[1], v.UserID, msgpactrt.EncodeString)"));
        assert!(chat.contains("\t\tswitch w.Index(key) {\n"));
        assert!(chat.contains("msgpactrt.Invalid(w[1], \"length %d bytes of UTF-8 is outside 1..=64\", n)"));
        for wire in ["\"user_id", "\"request_id", "\"history"] {
            assert_eq!(chat.matches(wire).count(), 1, "{wire} appears outside its struct tag");
        }
    }

    #[test]
    fn names_avoid_clashes() {
        let c = load(&[(
            "a.yaml",
            "package: type\nversion: 1.0.0\nmessages:\n  M:\n    fields:\n      - {name: user_id, type: string}\n      - {name: userId, type: string}\n      - {name: validate, type: bool, optional: true, nullable: true}\n    examples:\n      x: {user_id: a, userId: b}\n",
        )]);
        let files = generate(&c, &opts()).unwrap();
        let f = files.iter().find(|f| f.path == Path::new("type/type.go")).unwrap();
        assert!(f.content.contains("\npackage typepkg\n"));
        assert!(f.content.contains("\tUserID string `msgpack:\"user_id\"`\n"));
        assert!(f.content.contains("\tUserID2 string `msgpack:\"userId\"`\n"));
        assert!(f.content.contains("\tValidateField msgpactrt.OptionalNullable[bool] `msgpack:\"validate\"`\n"));
        let reg = files.iter().find(|f| f.path == Path::new("registry/registry.go")).unwrap();
        assert!(reg.content.contains("\ttypepkg \"example.com/gen/type\"\n"));

        let clash = load(&[(
            "b.yaml",
            "package: p\nversion: 1.0.0\nenums:\n  Role:\n    values: [user]\nmessages:\n  RoleUser:\n    fields: []\n    examples:\n      x: {}\n",
        )]);
        assert!(generate(&clash, &opts()).unwrap_err().contains("`RoleUser` would be declared twice"));
    }

    #[test]
    fn quoting_and_docs() {
        assert_eq!(quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        let mut s = String::new();
        doc_lines(&mut s, 1, "  first  \n\n\n   second\n");
        assert_eq!(s, "\t// first\n\t//\n\t// second\n");
        assert_eq!(go_float(2.0), "2.0");
        assert_eq!(go_float(0.95), "0.95");
    }
}
