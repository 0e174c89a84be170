//! Every Go name the generator writes, chosen once for the contract set ([`Names`]):
//! - exported identifiers from contract names (`user_id` -> `UserID`, initialisms as golint writes them);
//! - per contract package, its directory (the last element of its import path: the package name, with
//!   `pkg` appended when it is the runtime's or the registry's directory or one the go tool treats
//!   specially: `internal`, `vendor`, `testdata`), its file (`<dir>.go`, or `<dir>_msgpact.go` when a
//!   `_test`, `_<GOOS>` or `_<GOARCH>` suffix would make the go tool skip it), its package clause (`typepkg`
//!   for a keyword, `mainpkg` for `main`, which cannot be imported) and the name other files import it
//!   under (an alias when the clause would shadow a predeclared identifier, another import, `init` or a
//!   local variable of the generated code);
//! - per package, one namespace for every top-level declaration: `ContractsHash` and `Codecs` first, then
//!   the message and enum types (a `_` appended when taken), the `Unmarshal<Message>` functions
//!   (`Unmarshal_<Message>` when taken) and the enum constants (`<Enum><Value>`, else `<Enum>_<Value>`);
//! - field names that would clash with the generated methods or with each other (`Validate` ->
//!   `ValidateField`, `UserID2`).
use super::super::naming::{assign, assign_with, snake_case};
use super::{REGISTRY, RUNTIME};
use crate::contract::{Contracts, Message};
use std::collections::HashSet;

/// Directories a contract package cannot take: the generated runtime and registry, and the names the go
/// tool gives a meaning (`internal` restricts importers, `vendor` and `testdata` are skipped by `./...`).
const RESERVED_DIRS: [&str; 5] = [RUNTIME, REGISTRY, "internal", "vendor", "testdata"];

/// Operating systems and architectures the go tool reads from a `_suffix` of a file name (go/build's
/// syslist), so that `x_linux.go` is only built on Linux.
const GOOS_GOARCH: [&str; 44] = [
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
    "unix",
    "test",
];

/// Top-level names every generated package declares.
const PACKAGE_DECLS: [&str; 2] = ["ContractsHash", "Codecs"];

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
const RESERVED_REFS: [&str; 63] = [
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
    "ok",
    "s",
    "init",
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

/// The Go names chosen for everything.
pub(super) struct Names {
    /// Per contract package: its directory below `--out`, the last element of its import path.
    pub(super) dirs: Vec<String>,
    /// Per contract package: its file in that directory.
    pub(super) files: Vec<String>,
    /// Package clause name, per contract package.
    pub(super) clause: Vec<String>,
    /// The name other generated files import each package under.
    pub(super) refs: Vec<String>,
    /// Go type names, per package and message.
    pub(super) messages: Vec<Vec<String>>,
    /// Go type names, per package and enum.
    pub(super) enums: Vec<Vec<String>>,
    /// The `Unmarshal<Message>` function, per package and message.
    pub(super) unmarshal: Vec<Vec<String>>,
    /// The constants, per package, enum and value.
    pub(super) consts: Vec<Vec<Vec<String>>>,
    /// Go field names, per package, message and field.
    pub(super) fields: Vec<Vec<Vec<String>>>,
}

impl Names {
    pub(super) fn new(c: &Contracts) -> Names {
        let pkgs: Vec<String> = c.packages.iter().map(|p| p.name.clone()).collect();
        let dirs = assign(&pkgs, |s| !RESERVED_DIRS.contains(&s), |c, n| format!("{c}{}", "pkg".repeat(n)));
        let files = dirs.iter().map(|d| file_name(d)).collect();
        let clause: Vec<String> = dirs
            .iter()
            .map(|d| if GO_KEYWORDS.contains(&d.as_str()) || d == "main" { format!("{d}pkg") } else { d.clone() })
            .collect();
        // distinct across packages: a file may import all of them (`type` is `typepkg`, and so may be a package)
        let refs = assign(&clause, |s| !RESERVED_REFS.contains(&s), |c, n| format!("{c}{}", "pkg".repeat(n)));
        let mut names = Names {
            dirs,
            files,
            clause,
            refs,
            messages: Vec::new(),
            enums: Vec::new(),
            unmarshal: Vec::new(),
            consts: Vec::new(),
            fields: Vec::new(),
        };
        for p in &c.packages {
            // One namespace: the fixed declarations, then types, functions and constants, in that order of
            // precedence, each escaped its own way when its name is taken.
            let (nm, ne) = (p.messages.len(), p.enums.len());
            let mut cands: Vec<String> = PACKAGE_DECLS.iter().map(|s| s.to_string()).collect();
            cands.extend(p.messages.iter().map(|m| m.name.clone()));
            cands.extend(p.enums.iter().map(|e| e.name.clone()));
            let types = assign(&cands, |_| true, |c, n| format!("{c}{}", "_".repeat(n)));
            let types = &types[PACKAGE_DECLS.len()..];
            let (messages, enums) = (types[..nm].to_vec(), types[nm..].to_vec());
            let mut cands: Vec<String> = PACKAGE_DECLS.iter().map(|s| s.to_string()).collect();
            cands.extend(types.iter().cloned());
            cands.extend(messages.iter().map(|m| format!("Unmarshal{m}")));
            for (e, ename) in p.enums.iter().zip(&enums) {
                cands.extend(e.values.iter().map(|v| format!("{ename}{}", go_ident(&v.name))));
            }
            // escaped: `Unmarshal_<Message>`, `<Enum>_<Value>`, then with `_`s appended
            let fixed = PACKAGE_DECLS.len() + nm + ne;
            let mut escaped: Vec<String> = messages.iter().map(|m| format!("Unmarshal_{m}")).collect();
            for (e, ename) in p.enums.iter().zip(&enums) {
                escaped.extend(e.values.iter().map(|x| format!("{ename}_{}", go_ident(&x.name))));
            }
            let all = assign_with(
                &cands,
                |_| true,
                |i, c, n| match i.checked_sub(fixed) {
                    Some(j) => format!("{}{}", escaped[j], "_".repeat(n - 1)),
                    None => format!("{c}{}", "_".repeat(n)),
                },
            );
            let mut it = all.into_iter().skip(fixed);
            names.unmarshal.push(it.by_ref().take(nm).collect());
            names.consts.push(p.enums.iter().map(|e| it.by_ref().take(e.values.len()).collect()).collect());
            names.messages.push(messages);
            names.enums.push(enums);
            names.fields.push(p.messages.iter().map(field_names).collect());
        }
        names
    }
}

/// The file of a package's code in directory `dir`: `<dir>.go`, unless the go tool would read a suffix of
/// that name as a build constraint (`_test`, `_linux`, `_amd64`) and skip the file.
fn file_name(dir: &str) -> String {
    let constrained = dir.contains('_') && dir.rsplit('_').next().is_some_and(|last| GOOS_GOARCH.contains(&last));
    if constrained {
        format!("{dir}_msgpact.go")
    } else {
        format!("{dir}.go")
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
