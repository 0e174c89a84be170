//! Go code generation for github.com/vmihailenco/msgpack/v5 (see the module docs of [`super`]).
//!
//! Output, relative to `--out` (whose Go import path comes from `--go-import-path` or from the nearest
//! `go.mod` above it):
//! - `<pkg>/<pkg>.go` for every contract package (another directory or file name where the go tool would
//!   treat that one specially, see [`names`]): one struct per message, one type per enum, and for each
//!   message the `msgpack.CustomEncoder`/`CustomDecoder` methods that write the canonical encoding and read
//!   strictly, `Marshal`, `Unmarshal`, `Validate`, `Unmarshal<Message>`; `ContractsHash` and `Codecs`;
//! - `msgpactrt/*.go`, the runtime those methods call, one file per concern (`msgpactrt.go` errors and
//!   paths, `decode.go` scalars, `containers.go`, `encode.go`, `names.go` wire names, `payload.go` whole
//!   payloads); the same text for every contract set, except the header;
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
//! so fields never form an aligned block. No formatter runs: the Go suite (harness/go/generated_test)
//! checks that `gofmt -l` lists none of the generated files.
//!
//! Where things are: [`names`] chooses and escapes every Go name (initialisms, keywords, clashes);
//! [`import_path`] finds the import path of `--out`; [`package`] writes one contract package's file, with
//! its Go types in [`types`], enums in [`enums`], message structs and methods in [`messages`], constraint
//! checks in [`checks`] and the canonical encoders and strict decoders in [`codec`]; [`registry`] writes
//! the registry package; [`text`] has the literal and comment helpers; `runtime/*.go` is the runtime, a real
//! Go package (gofmt- and vet-checked by tests/codegen/tools.rs) included at compile time.
mod checks;
mod codec;
mod enums;
mod import_path;
mod messages;
mod names;
mod package;
mod registry;
mod text;
mod types;

pub use names::go_ident;

use super::{header_lines, GeneratedFile, Options};
use crate::codegen::CodegenError;
use crate::contract::hash::wire_hash;
use crate::contract::Contracts;
use names::Names;
use package::PackageGen;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The runtime package's directory and name.
const RUNTIME: &str = "msgpactrt";
/// The registry package's directory and name.
const REGISTRY: &str = "registry";
const MSGPACK_IMPORT: &str = "github.com/vmihailenco/msgpack/v5";

/// The runtime package's files: the same text for every contract set, after the header.
const RUNTIME_GO: &[(&str, &str)] = &[
    ("msgpactrt.go", include_str!("runtime/msgpactrt.go")),
    ("decode.go", include_str!("runtime/decode.go")),
    ("containers.go", include_str!("runtime/containers.go")),
    ("encode.go", include_str!("runtime/encode.go")),
    ("names.go", include_str!("runtime/names.go")),
    ("payload.go", include_str!("runtime/payload.go")),
];

pub fn generate(c: &Contracts, opts: &Options) -> Result<Vec<GeneratedFile>, CodegenError> {
    let base = import_path::import_path(opts)?;
    let names = Names::new(c);
    let header: String = header_lines(c).iter().map(|l| format!("// {l}\n")).collect();
    let hash = wire_hash(c);
    let mut files: Vec<GeneratedFile> = RUNTIME_GO
        .iter()
        .map(|(name, text)| GeneratedFile {
            path: PathBuf::from(format!("{RUNTIME}/{name}")),
            content: format!("{header}\n{text}"),
        })
        .collect();
    for pi in 0..c.packages.len() {
        let (std, deps) = (BTreeSet::new(), BTreeSet::new());
        let content = PackageGen { c, pi, msg: 0, names: &names, base: &base, std, deps }.file(&header, &hash)?;
        files.push(GeneratedFile { path: PathBuf::from(format!("{}/{}", names.dirs[pi], names.files[pi])), content });
    }
    files.push(GeneratedFile {
        path: PathBuf::from(format!("{REGISTRY}/{REGISTRY}.go")),
        content: registry::registry(c, &names, &base, &header, &hash),
    });
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::hash::wire_hash;
    use std::path::Path;

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
        // The message keeps its name; the constant that would have been declared twice takes `Enum_Value`.
        let files = generate(&clash, &opts()).unwrap();
        let p = &files.iter().find(|f| f.path == Path::new("p/p.go")).unwrap().content;
        assert!(p.contains("\ntype RoleUser struct{}\n"), "{p}");
        assert!(p.contains("\tRole_User Role = \"user\"\n"), "{p}");
        assert!(p.contains("func UnmarshalRoleUser(b []byte) (RoleUser, error) {"), "{p}");

        // Packages named like the generated ones, or like the go tool's special directories, move aside.
        let dirs = load(&[
            ("a.yaml", "package: registry\nversion: 1.0.0\n"),
            ("b.yaml", "package: msgpactrt\nversion: 1.0.0\n"),
            ("c.yaml", "package: internal\nversion: 1.0.0\n"),
            ("d.yaml", "package: main\nversion: 1.0.0\n"),
            ("e.yaml", "package: x_test\nversion: 1.0.0\n"),
            ("f.yaml", "package: x_linux\nversion: 1.0.0\n"),
            ("g.yaml", "package: registrypkg\nversion: 1.0.0\n"),
        ]);
        let files = generate(&dirs, &opts()).unwrap();
        let mut paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "internalpkg/internalpkg.go",
                "main/main.go",
                "msgpactrt/containers.go",
                "msgpactrt/decode.go",
                "msgpactrt/encode.go",
                "msgpactrt/msgpactrt.go",
                "msgpactrt/names.go",
                "msgpactrt/payload.go",
                "msgpactrtpkg/msgpactrtpkg.go",
                "registry/registry.go",
                "registrypkg/registrypkg.go",
                "registrypkgpkg/registrypkgpkg.go",
                "x_linux/x_linux_msgpact.go",
                "x_test/x_test_msgpact.go",
            ]
        );
        let main = &files.iter().find(|f| f.path == Path::new("main/main.go")).unwrap().content;
        assert!(main.contains("\npackage mainpkg\n"), "{main}");
    }

    /// `type` is imported as `typepkg`; a package really named `typepkg` must then get another name, or a
    /// file importing both declares `typepkg` twice.
    #[test]
    fn import_names_are_distinct_across_packages() {
        let c = load(&[
            ("a.yaml", "package: type\nversion: 1.0.0\nenums:\n  K:\n    values: [a]\n"),
            ("b.yaml", "package: typepkg\nversion: 1.0.0\nenums:\n  K:\n    values: [a]\n"),
            ("c.yaml", "package: user\nversion: 1.0.0\nmessages:\n  M:\n    fields:\n      - {name: a, type: type.K}\n      - {name: b, type: typepkg.K}\n    examples:\n      x: {a: a, b: a}\n"),
        ]);
        let files = generate(&c, &opts()).unwrap();
        let user = &files.iter().find(|f| f.path == Path::new("user/user.go")).unwrap().content;
        assert!(user.contains("\ttypepkg \"example.com/gen/type\"\n"), "{user}");
        assert!(user.contains("\ttypepkgpkg \"example.com/gen/typepkg\"\n"), "{user}");
        assert!(user.contains("\tA typepkg.K `msgpack:\"a\"`\n\t// B is b"), "{user}");
    }

    /// `OptionalNullable[Node]` holds a Node by value: inside Node it is an invalid recursive type, so that
    /// field (and only that one: pointers and slices already break the cycle) holds a `*Node`.
    #[test]
    fn an_optional_nullable_field_that_closes_a_cycle_holds_a_pointer() {
        let c = load(&[(
            "t.yaml",
            "package: t\nversion: 1.0.0\nmessages:\n  Node:\n    fields:\n      - {name: opt, type: Node, optional: true}\n      - {name: both, type: Node, optional: true, nullable: true}\n      - {name: list, type: 'list<Node>'}\n    examples:\n      x: {list: []}\n",
        )]);
        let files = generate(&c, &opts()).unwrap();
        let t = &files.iter().find(|f| f.path == Path::new("t/t.go")).unwrap().content;
        for line in [
            "\tOpt *Node `msgpack:\"opt,omitempty\"`\n",
            "\tBoth msgpactrt.OptionalNullable[*Node] `msgpack:\"both\"`\n",
            "\tList []Node `msgpack:\"list\"`\n",
            "msgpactrt.EncodeNullableField(e, w[1], v.Both.Ptr(), msgpactrt.EncodeCustom[*Node])",
            "if x.Both, err = msgpactrt.DecodeOptionalNullable(d, func(d *msgpack.Decoder) (*Node, error) {\n\t\t\t\treturn msgpactrt.DecodePtr(d, msgpactrt.DecodeCustom[Node])\n\t\t\t}); err != nil {",
        ] {
            assert!(t.contains(line), "{line}\n{t}");
        }
    }

    /// gofmt keeps `func ... { return ... }` on one line only up to 100 characters (signature and body).
    #[test]
    fn one_line_methods_break_where_gofmt_breaks_them() {
        let long = format!("M{}", "m".repeat(63));
        let c = load(&[(
            "a.yaml",
            &format!("package: p\nversion: 1.0.0\nmessages:\n  {long}:\n    fields: []\n  Short:\n    fields: []\n"),
        )]);
        let files = generate(&c, &opts()).unwrap();
        let p = &files.iter().find(|f| f.path == Path::new("p/p.go")).unwrap().content;
        assert!(p.contains("func (v Short) Marshal() ([]byte, error) { return msgpactrt.Marshal(v) }\n"), "{p}");
        assert!(
            p.contains(&format!("func (v {long}) Marshal() ([]byte, error) {{\n\treturn msgpactrt.Marshal(v)\n}}\n"))
        );
    }
}
