//! Rust code generation: serde types for rmp-serde that encode in the canonical profile.
//!
//! rmp-serde's defaults produce several of the bugs msgpact exists to catch (INTEROP.md): structs as
//! arrays, `Vec<u8>` as arrays of ints, no timestamps, enums readable from their index. The generated
//! code avoids each: `rt::encode` writes structs as maps (`to_vec_named`), bytes are `serde_bytes::ByteBuf`
//! (bin), timestamps are `rt::Timestamp` (ext -1), enums only read their name (or number), maps sort
//! their keys by encoded bytes (`rt::Map`), optional fields are skipped when absent while nullable ones
//! are written as nil, array-shaped messages are positional tuples that end early when trailing optional
//! fields are absent. Decoding checks the contract's constraints (`rt::Validate`).
//!
//! The output is one file, `generated.rs`, for `mod generated;`. It needs `serde` (derive),
//! `serde_bytes` and `rmp-serde` 1.3. It is laid out as rustfmt lays it out with its default settings,
//! without running rustfmt: [`layout`] makes the few decisions that depend on the length of names.
//!
//! Where things are: [`names`] escapes Rust names (keywords, `r#type`, `self_`); [`types`] maps contract
//! types to Rust types; [`enums`] and [`messages`] write enums and structs with their serde impls;
//! [`validate`] writes the constraint checks; `runtime/rt.rs` is the runtime module `rt`, a real Rust file
//! (rustfmt-checked by tests/codegen/tools.rs) included at compile time.
mod enums;
mod layout;
mod messages;
mod names;
mod types;
mod validate;

use super::{header_lines, GeneratedFile, Options};
use crate::codegen::CodegenError;
use crate::contract::hash::wire_hash;
use crate::contract::Contracts;
use layout::{Expr, Rhs};
use names::Names;
use std::fmt::Write;
use std::path::PathBuf;

/// The runtime module `rt`, copied into every generated file.
const RUNTIME: &str = include_str!("runtime/rt.rs");

pub fn generate(c: &Contracts, _opts: &Options) -> Result<Vec<GeneratedFile>, CodegenError> {
    let mut out = String::new();
    for line in header_lines(c) {
        let _ = writeln!(out, "// {line}");
    }
    out.push_str("#![allow(dead_code, clippy::all)]\n\n");
    let _ = writeln!(out, "/// The wire hash of the contracts this file was generated from.");
    let hash = Rhs::Expr(Expr::atom(format!("\"{}\"", wire_hash(c))));
    push_lines(&mut out, layout::assign(0, "pub const CONTRACTS_HASH: &str", " =", &hash, ";"));
    out.push('\n');
    out.push_str(RUNTIME);
    let names = Names::new(c);
    let mut packages: Vec<usize> = (0..c.packages.len()).collect();
    packages.sort_by(|a, b| c.packages[*a].name.cmp(&c.packages[*b].name));
    for &pi in &packages {
        out.push('\n');
        package(c, &names, pi, &mut out);
    }
    out.push_str("\n/// Every message type of the contracts, by full name, with its decode-then-encode function.\n");
    let mut types = Vec::new();
    for &pi in &packages {
        let p = &c.packages[pi];
        for (mi, m) in p.messages.iter().enumerate() {
            let name = Expr::atom(format!("\"{}.{}\"", p.name, m.name));
            let message = layout::Type::Path(format!("{}::{}", names.modules[pi], names.messages[pi][mi]));
            let roundtrip = Expr::Path(layout::Type::Generic("rt::roundtrip::".into(), vec![message]));
            types.push(Expr::Tuple(vec![name, roundtrip]));
        }
    }
    let types = Rhs::Expr(Expr::Array(types).reference());
    push_lines(&mut out, layout::assign(0, "pub const TYPES: &[(&str, rt::RoundTrip)]", " =", &types, ";"));
    Ok(vec![GeneratedFile { path: PathBuf::from("generated.rs"), content: out }])
}

fn package(c: &Contracts, names: &Names, pi: usize, out: &mut String) {
    let p = &c.packages[pi];
    doc(out, "", &p.doc);
    if !names::is_snake_case(&names.modules[pi]) {
        out.push_str("#[allow(non_snake_case)]\n");
    }
    let _ = writeln!(out, "pub mod {} {{", names.modules[pi]);
    out.push_str("    use super::rt;\n    #[allow(unused_imports)]\n    use serde::{Deserialize, Serialize};\n");
    for ei in 0..p.enums.len() {
        out.push('\n');
        enums::enum_def(c, names, pi, ei, out);
    }
    for mi in 0..p.messages.len() {
        out.push('\n');
        messages::message(c, names, pi, mi, out);
    }
    out.push_str("}\n");
}

/// Appends lines (with their indentation), each with its newline.
pub(super) fn push_lines(out: &mut String, lines: Vec<String>) {
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
}

/// Doc text as `///` lines at `indent`.
pub(super) fn doc(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn repo_contracts_generate_one_deterministic_file() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (c, diags) = Contracts::load_dir(&root.join("contracts"));
        assert!(!diags.has_errors());
        let opts = Options { lang: super::super::Lang::Rust, out: PathBuf::from("src"), go_import_path: None };
        let files = generate(&c, &opts).unwrap();
        assert_eq!(files, generate(&c, &opts).unwrap());
        assert_eq!(files.len(), 1);
        let text = &files[0].content;
        assert!(text.starts_with("// Code generated by msgpact codegen. DO NOT EDIT.\n"));
        assert!(text.contains(RUNTIME), "the runtime is copied verbatim");
        assert!(text.contains("    (\"chat.ChatRequest\", rt::roundtrip::<chat::ChatRequest>),\n"));
    }

    /// tests/fixtures/bad/recursive_ok lints clean, and `Option<Node>` inside `Node` has no size: the fields
    /// that lead back are boxed, the list is not.
    #[test]
    fn a_message_that_contains_itself_is_boxed_where_it_closes_the_cycle() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (c, diags) = Contracts::load_dir(&root.join("tests/fixtures/bad/recursive_ok"));
        assert!(!diags.has_errors());
        let opts = Options { lang: super::super::Lang::Rust, out: PathBuf::from("src"), go_import_path: None };
        let text = &generate(&c, &opts).unwrap()[0].content;
        for member in [
            "pub children: Vec<Node>,",
            "pub parent: Option<Box<Node>>,",
            "pub next: Option<Box<Node>>,",
            "pub by_name: Option<rt::Map<String, Node>>,",
            "rt::Validate::validate(&**v, &format!(\"{path}.{}\", \"parent\"))?;",
        ] {
            assert!(text.contains(member), "{member}\n{text}");
        }
    }
}
