//! Test support for the fuzz modules: contracts with every kind of field, and loading them.
use crate::contract::Contracts;

/// Every type, shape and constraint the generator must respect: constrained integers and floats (one
/// allowing NaN and infinities), strings and bytes with length bounds, lists and maps (integer and string
/// keys, a small key type), both enum representations, a nullable and optional nested message, a message
/// that contains itself, and an array-shaped message with optional fields at the end.
pub const ALL_KINDS: &str = r#"package: k
version: 1.0.0
enums:
  Color: {values: [red, green, blue]}
  Code:
    repr: int
    values: {ok: 0, bad: 7, worse: 300}
messages:
  Leaf:
    fields:
      - {name: s, type: string, constraints: {max_len: 40}}
      - {name: n, type: int8, constraints: {min: -5, max: 5}}
  Node:
    fields:
      - {name: label, type: string, constraints: {min_len: 1, max_len: 8}}
      - {name: next, type: Node, optional: true, nullable: true}
      - {name: kids, type: list<Node>, constraints: {max_len: 3}}
  All:
    fields:
      - {name: b, type: bool}
      - {name: i8, type: int8}
      - {name: i16, type: int16, constraints: {min: -300, max: 30000}}
      - {name: i32, type: int32}
      - {name: i64, type: int64}
      - {name: u8, type: uint8, constraints: {min: 3}}
      - {name: u16, type: uint16}
      - {name: u32, type: uint32}
      - {name: u64, type: uint64}
      - {name: f32, type: float32, constraints: {min: 0.0, max: 2.0}}
      - {name: f64, type: float64, constraints: {allow_nan: true, allow_infinity: true}}
      - {name: s, type: string, constraints: {min_len: 2, max_len: 300}}
      - {name: text, type: string}
      - {name: raw, type: bytes, optional: true}
      - {name: at, type: timestamp}
      - {name: tags, type: list<string>, constraints: {max_len: 20}}
      - {name: counts, type: 'map<string, uint32>'}
      - {name: small, type: 'map<uint8, bool>', nullable: true}
      - {name: wide, type: 'map<int64, Leaf>', optional: true}
      - {name: color, type: Color}
      - {name: code, type: Code, nullable: true}
      - {name: leaf, type: Leaf, optional: true, nullable: true}
      - {name: tree, type: Node, optional: true}
  Row:
    shape: array
    fields:
      - {name: at, type: timestamp}
      - {name: v, type: float32}
      - {name: note, type: string, optional: true}
      - {name: extra, type: list<uint16>, optional: true, nullable: true}
"#;

pub fn load(text: &str) -> Contracts {
    let (c, d) = crate::contract::load_sources(vec![("t.yaml".into(), Ok(text.as_bytes().to_vec()))]);
    assert!(!d.has_errors(), "{}", d.render_all(&c.sources));
    c
}

/// The example contracts of the repository.
pub fn repository() -> Contracts {
    let (c, d) = Contracts::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts"));
    assert!(!d.has_errors(), "{}", d.render_all(&c.sources));
    c
}
