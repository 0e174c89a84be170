//! The contract model: packages of messages and enums, loaded from `contracts/*.yaml`.
//!
//! Loading happens in passes so that one run reports every problem: [`load`] reads each file into the
//! model (syntax and shape), [`check`] resolves type names across files and finds cycles and bad
//! constraints, and [`example`] turns every example into the [`Value`] whose canonical bytes become a
//! golden vector. Later stages only see a [`Contracts`] without errors.
pub mod check;
pub mod example;
pub mod files;
pub mod hash;
pub mod load;
pub mod names;
mod num;
pub mod previous;
pub mod types;

use crate::diag::Diagnostics;
use crate::source::{FileId, SourceMap, Span};
use crate::wire::Value;
use crate::yaml::Node;
pub use files::load_sources;
use std::collections::HashMap;
use std::path::Path;

/// Every loaded package, with the files they came from.
#[derive(Debug, Default, Clone)]
pub struct Contracts {
    pub sources: SourceMap,
    pub packages: Vec<Package>,
    index: HashMap<String, Def>,
}

/// A message or enum, by position: package index, then index within the package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Def {
    Message(MsgId),
    Enum(EnumId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MsgId {
    pub package: u32,
    pub index: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId {
    pub package: u32,
    pub index: u32,
}

#[derive(Debug, Clone)]
pub struct Package {
    pub name: String,
    pub version: Version,
    pub doc: String,
    pub file: FileId,
    /// Where the package name is.
    pub span: Span,
    /// Where the version is (findings about version discipline point here: it is what to edit).
    pub version_span: Span,
    pub enums: Vec<EnumDef>,
    pub messages: Vec<Message>,
    /// Classes of findings that only warn (or fail) for this package's messages, overriding the default
    /// policy (`policy: {int-width: warn}`), and kinds of must-reject payloads a peer may accept
    /// (`accepts-unknown-key: allow`).
    pub policy: Vec<(crate::classes::PolicyKey, crate::classes::Gate)>,
}

impl Package {
    pub fn gate(&self, class: crate::classes::Class) -> Option<crate::classes::Gate> {
        self.gate_of(crate::classes::PolicyKey::Class(class))
    }

    pub fn gate_of(&self, key: crate::classes::PolicyKey) -> Option<crate::classes::Gate> {
        self.policy.iter().find(|(c, _)| *c == key).map(|(_, g)| *g)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub doc: String,
    pub repr: EnumRepr,
    pub values: Vec<EnumValue>,
    pub deprecated: bool,
    pub span: Span,
}

/// How an enum travels: its value's name as a str, or its number as an int.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumRepr {
    String,
    Int,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub name: String,
    /// The wire number for `repr: int`; the position for `repr: string`.
    pub number: i64,
    pub span: Span,
}

impl EnumDef {
    /// The wire form of one of its values.
    pub fn wire(&self, v: &EnumValue) -> Value {
        match self.repr {
            EnumRepr::String => Value::Str(v.name.clone()),
            EnumRepr::Int => Value::Int(v.number as i128),
        }
    }
}

/// Whether a message travels as a map keyed by field names, or as a positional array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Map,
    Array,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub name: String,
    pub doc: String,
    pub shape: Shape,
    pub subjects: Vec<(String, Span)>,
    pub fields: Vec<Field>,
    pub examples: Vec<Example>,
    pub deprecated: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub ty: Type,
    /// The type as written, for messages.
    pub ty_text: String,
    pub ty_span: Span,
    /// The key may be absent.
    pub optional: bool,
    /// The value may be nil.
    pub nullable: bool,
    pub default: Option<(Node, Option<Value>)>,
    pub doc: String,
    pub deprecated: bool,
    pub constraints: Constraints,
    pub span: Span,
}

/// A field type. Names are resolved to [`Def`]s by [`check`]; until then they are `Named`.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Bool,
    Int(IntType),
    Float32,
    Float64,
    String,
    Bytes,
    Timestamp,
    List(Box<Type>),
    Map(Box<Type>, Box<Type>),
    Named(String),
    Enum(EnumId),
    Message(MsgId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntType {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

impl IntType {
    pub const ALL: [IntType; 8] =
        [IntType::I8, IntType::I16, IntType::I32, IntType::I64, IntType::U8, IntType::U16, IntType::U32, IntType::U64];
    pub fn name(self) -> &'static str {
        match self {
            IntType::I8 => "int8",
            IntType::I16 => "int16",
            IntType::I32 => "int32",
            IntType::I64 => "int64",
            IntType::U8 => "uint8",
            IntType::U16 => "uint16",
            IntType::U32 => "uint32",
            IntType::U64 => "uint64",
        }
    }
    pub fn bits(self) -> u32 {
        match self {
            IntType::I8 | IntType::U8 => 8,
            IntType::I16 | IntType::U16 => 16,
            IntType::I32 | IntType::U32 => 32,
            IntType::I64 | IntType::U64 => 64,
        }
    }
    pub fn signed(self) -> bool {
        matches!(self, IntType::I8 | IntType::I16 | IntType::I32 | IntType::I64)
    }
    pub fn min(self) -> i128 {
        if self.signed() {
            -(1i128 << (self.bits() - 1))
        } else {
            0
        }
    }
    pub fn max(self) -> i128 {
        if self.signed() {
            (1i128 << (self.bits() - 1)) - 1
        } else {
            (1i128 << self.bits()) - 1
        }
    }
}

/// Limits on a field's value. Lengths count UTF-8 bytes for strings, bytes for bytes, items for lists
/// and entries for maps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub min_len: Option<u64>,
    pub max_len: Option<u64>,
    pub min: Option<Num>,
    pub max: Option<Num>,
    pub allow_nan: bool,
    pub allow_infinity: bool,
    pub span: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    pub fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Num::Int(i) => write!(f, "{i}"),
            Num::Float(x) => write!(f, "{x}"),
        }
    }
}

/// A named value of a message, written in the contract; it becomes the golden case `example.<name>`.
#[derive(Debug, Clone)]
pub struct Example {
    pub name: String,
    pub node: Node,
    /// The value in canonical shape, once [`example`] has checked it.
    pub value: Option<Value>,
    pub span: Span,
}

impl Contracts {
    /// Loads every `*.yaml` and `*.yml` file under `dir` (sorted by path) and checks them.
    pub fn load_dir(dir: &Path) -> (Contracts, Diagnostics) {
        files::load_dir(dir)
    }

    /// Loads and checks the given files.
    pub fn load_files(paths: &[std::path::PathBuf]) -> (Contracts, Diagnostics) {
        files::load_files(paths)
    }

    pub(crate) fn rebuild_index(&mut self) {
        self.index.clear();
        for (pi, p) in self.packages.iter().enumerate() {
            for (i, m) in p.messages.iter().enumerate() {
                let id = MsgId { package: pi as u32, index: i as u32 };
                self.index.entry(format!("{}.{}", p.name, m.name)).or_insert(Def::Message(id));
            }
            for (i, e) in p.enums.iter().enumerate() {
                let id = EnumId { package: pi as u32, index: i as u32 };
                self.index.entry(format!("{}.{}", p.name, e.name)).or_insert(Def::Enum(id));
            }
        }
    }

    /// A message or enum by its full name, `package.Name`.
    pub fn lookup(&self, full_name: &str) -> Option<Def> {
        self.index.get(full_name).copied()
    }

    pub fn message(&self, id: MsgId) -> &Message {
        &self.packages[id.package as usize].messages[id.index as usize]
    }

    pub fn enum_def(&self, id: EnumId) -> &EnumDef {
        &self.packages[id.package as usize].enums[id.index as usize]
    }

    pub fn package_of(&self, id: MsgId) -> &Package {
        &self.packages[id.package as usize]
    }

    /// `package.Message`.
    pub fn message_name(&self, id: MsgId) -> String {
        format!("{}.{}", self.packages[id.package as usize].name, self.message(id).name)
    }

    pub fn enum_name(&self, id: EnumId) -> String {
        format!("{}.{}", self.packages[id.package as usize].name, self.enum_def(id).name)
    }

    /// Every message, in file and declaration order.
    pub fn message_ids(&self) -> impl Iterator<Item = MsgId> + '_ {
        self.packages
            .iter()
            .enumerate()
            .flat_map(|(pi, p)| (0..p.messages.len()).map(move |i| MsgId { package: pi as u32, index: i as u32 }))
    }

    /// The message named `full_name`, or every known message name for a hint.
    pub fn find_message(&self, full_name: &str) -> Result<MsgId, Vec<String>> {
        match self.lookup(full_name) {
            Some(Def::Message(id)) => Ok(id),
            _ => Err(self.message_ids().map(|id| self.message_name(id)).collect()),
        }
    }

    /// A type as people write it (`list<chat.Turn>`).
    pub fn type_name(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::Int(i) => i.name().into(),
            Type::Float32 => "float32".into(),
            Type::Float64 => "float64".into(),
            Type::String => "string".into(),
            Type::Bytes => "bytes".into(),
            Type::Timestamp => "timestamp".into(),
            Type::List(t) => format!("list<{}>", self.type_name(t)),
            Type::Map(k, v) => format!("map<{}, {}>", self.type_name(k), self.type_name(v)),
            Type::Named(n) => n.clone(),
            Type::Enum(id) => self.enum_name(*id),
            Type::Message(id) => self.message_name(*id),
        }
    }
}

impl Contracts {
    /// How many files were read.
    pub fn sources_len(&self) -> usize {
        self.sources.len()
    }
}

impl Contracts {
    /// Where the thing at a field path (`$.usage.prompt_tokens`, `$.history[2].role`) is declared: the
    /// deepest field the path reaches, or the message itself. Field names match loosely (case and `_`
    /// ignored), since a peer reports the field by its own spelling.
    pub fn locate(&self, msg: MsgId, path: &str) -> Span {
        self.field_at(msg, path).map_or(self.message(msg).span, |f| f.span)
    }

    /// The deepest field a path reaches (see [`Contracts::locate`]).
    pub fn field_at(&self, msg: MsgId, path: &str) -> Option<&Field> {
        let mut current = Some(msg);
        let mut found = None;
        for seg in path.trim_start_matches('$').split('.').filter(|s| !s.is_empty()) {
            let name = seg.split('[').next().unwrap_or(seg);
            let Some(m) = current.map(|id| self.message(id)) else { break };
            let f = m
                .fields
                .iter()
                .find(|f| f.name == name)
                .or_else(|| m.fields.iter().find(|f| same_name_loosely(&f.name, name)));
            let Some(f) = f else { break };
            found = Some(f);
            current = innermost_message(&f.ty);
        }
        found
    }
}

fn innermost_message(ty: &Type) -> Option<MsgId> {
    match ty {
        Type::Message(id) => Some(*id),
        Type::List(t) | Type::Map(_, t) => innermost_message(t),
        _ => None,
    }
}

/// Two spellings of one name, as languages write it: `user_id`, `userId`, `UserID`, `USER_ID`.
pub fn same_name_loosely(a: &str, b: &str) -> bool {
    let norm =
        |s: &str| s.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase()).collect::<String>();
    norm(a) == norm(b)
}
