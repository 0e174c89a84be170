//! Python code generation (see the module docs of [`super`]): a package of dataclasses on msgpack-python.
//!
//! Output, relative to `--out` (a Python package directory):
//! - `__init__.py`: `CONTRACTS_HASH`, `MESSAGE_TYPES` (`"chat.ChatRequest"` -> class), `ENUM_TYPES`,
//!   `decode(type_name, data)`, `encode(value)`, `ABSENT`, the error classes;
//! - one module per contract package (`chat.py`, ...): an `enum.Enum` (`repr: string`) or `enum.IntEnum`
//!   (`repr: int`) per enum, a `@dataclass(kw_only=True, slots=True)` per message with `to_msgpack()` and
//!   `from_msgpack(data)`, and the description of its fields for the runtime;
//! - `_runtime.py`, with `_base.py` and `_codecs.py`: the contract-independent part (`runtime/` here, real
//!   Python files checked by py_compile and pyflakes in tests/codegen/tools.rs), which decodes strictly and
//!   encodes in the canonical profile with `msgpack.unpackb` / `msgpack.Packer`, float32 fields written with
//!   `struct`. `_runtime.py` is the API (what the generated modules and users import); `_base.py` holds the
//!   constants, `ABSENT` and the errors, `_codecs.py` one codec per contract type.
//!
//! Absent and None: None is nil for a nullable field, and "absent" for an optional one; a field that is
//! both uses the sentinel `ABSENT` for "absent". Names: modules are the package names, classes the contract
//! names, attributes `snake_case` of the field names, enum members `UPPER_SNAKE` of the value names; a name
//! that is a Python keyword or would clash gets a trailing `_` (the wire name never changes).
//! Lines are at most [`WIDTH`] characters (checked with `pycodestyle --max-line-length=120`).
//!
//! Where things are: [`names`] chooses and escapes every Python name; [`types`] writes annotations and the
//! runtime's description of each type; [`defaults`] writes contract defaults as Python values; [`enums`],
//! [`messages`], [`modules`] and [`init`] write the classes, the package modules and `__init__.py`;
//! [`expr`] lays out a Python expression within [`WIDTH`], [`text`] docstrings and other lines,
//! [`literals`] str, bytes and float literals.
mod defaults;
mod enums;
mod expr;
mod init;
mod literals;
mod messages;
mod modules;
mod names;
mod text;
mod types;

pub use literals::{py_bytes, py_f32, py_f64, py_str};
pub use names::{attr_candidate, attr_names, class_names, member_candidate, member_names, module_names};

use super::{header_lines, GeneratedFile, Options};
use crate::codegen::CodegenError;
use crate::contract::hash::wire_hash;
use crate::contract::Contracts;
use std::path::PathBuf;

/// The maximum line length of the generated code.
pub const WIDTH: usize = 120;

/// The contract-independent part of the generated package, after the header: `_runtime.py` (the API) and
/// the two modules it is built from.
pub const RUNTIME: &[(&str, &str)] = &[
    ("_base.py", include_str!("runtime/_base.py")),
    ("_codecs.py", include_str!("runtime/_codecs.py")),
    ("_runtime.py", include_str!("runtime/_runtime.py")),
];

pub fn generate(c: &Contracts, _opts: &Options) -> Result<Vec<GeneratedFile>, CodegenError> {
    let g = Gen::new(c);
    let mut files = vec![GeneratedFile { path: PathBuf::from("__init__.py"), content: g.init_file() }];
    for (name, text) in RUNTIME {
        files.push(GeneratedFile { path: PathBuf::from(name), content: format!("{}{text}", g.header) });
    }
    for pi in 0..c.packages.len() {
        files.push(GeneratedFile { path: PathBuf::from(format!("{}.py", g.modules[pi])), content: g.module_file(pi)? });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

struct Gen<'a> {
    c: &'a Contracts,
    header: String,
    hash: String,
    /// Per package.
    modules: Vec<String>,
    /// Per package, per message.
    classes: Vec<Vec<String>>,
    /// Per package, per enum.
    enum_classes: Vec<Vec<String>>,
    /// Per package, per enum, per value.
    members: Vec<Vec<Vec<String>>>,
    /// Per package, per message, per field.
    attrs: Vec<Vec<Vec<String>>>,
}

impl<'a> Gen<'a> {
    fn new(c: &'a Contracts) -> Gen<'a> {
        let header: String = header_lines(c).iter().map(|l| format!("# {l}\n")).collect();
        let pkgs: Vec<&str> = c.packages.iter().map(|p| p.name.as_str()).collect();
        let modules = module_names(&pkgs);
        let mut classes = Vec::new();
        let mut enum_classes = Vec::new();
        let mut members = Vec::new();
        let mut attrs = Vec::new();
        for p in &c.packages {
            // messages and enums share the module's namespace
            let mut names: Vec<&str> = p.messages.iter().map(|m| m.name.as_str()).collect();
            names.extend(p.enums.iter().map(|e| e.name.as_str()));
            let all = class_names(&names);
            classes.push(all[..p.messages.len()].to_vec());
            enum_classes.push(all[p.messages.len()..].to_vec());
            members.push(
                p.enums
                    .iter()
                    .map(|e| member_names(&e.values.iter().map(|v| v.name.as_str()).collect::<Vec<_>>()))
                    .collect(),
            );
            attrs.push(
                p.messages
                    .iter()
                    .map(|m| attr_names(&m.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>()))
                    .collect(),
            );
        }
        Gen { c, header, hash: wire_hash(c), modules, classes, enum_classes, members, attrs }
    }

    /// A message or enum class as seen from the module of package `from`.
    fn qualified(&self, pkg: u32, class: &str, from: usize) -> String {
        if pkg as usize == from {
            class.to_string()
        } else {
            format!("{}.{class}", self.modules[pkg as usize])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::hash::wire_hash;

    #[test]
    fn repo_contracts_give_deterministic_pep8_width_files() {
        let (c, d) = Contracts::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts"));
        assert!(!d.has_errors());
        let opts = Options { lang: super::super::Lang::Python, out: PathBuf::from("out"), go_import_path: None };
        let files = generate(&c, &opts).unwrap();
        assert_eq!(files, generate(&c, &opts).unwrap());
        assert!(files.iter().any(|f| f.path == std::path::Path::new("__init__.py")));
        for f in &files {
            assert!(f.content.starts_with("# Code generated by msgpact codegen. DO NOT EDIT.\n"), "{:?}", f.path);
            assert!(f.content.contains(&wire_hash(&c)));
            for line in f.content.lines() {
                assert!(line.chars().count() <= WIDTH && !line.ends_with(' '), "{:?}: {line}", f.path);
            }
        }
    }
}
