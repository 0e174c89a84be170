//! Rust types of contract types: `serde_bytes::ByteBuf` for bytes (bin, not an array of ints),
//! `rt::Timestamp`, `rt::Map` (keys sorted by their encoding), `Option<T>` for optional or nullable and
//! `Option<Option<T>>` for both, other packages' types through `super::`.
use super::layout::Type as RustType;
use super::names::Names;
use crate::contract::{Contracts, Field, Type};

/// The type of a field's struct member (in package `pi`): the value's type in one `Option` per way it may
/// be missing.
pub(super) fn field_type(c: &Contracts, n: &Names, pi: usize, f: &Field) -> RustType {
    let t = rust_type(c, n, pi, &f.ty);
    let option = |t| RustType::Generic("Option".into(), vec![t]);
    match (f.optional, f.nullable) {
        (false, false) => t,
        (true, true) => option(option(t)),
        _ => option(t),
    }
}

pub(super) fn rust_type(c: &Contracts, n: &Names, pi: usize, ty: &Type) -> RustType {
    let path = |s: &str| RustType::Path(s.into());
    match ty {
        Type::Bool => path("bool"),
        Type::Int(i) => match i.name() {
            n if n.starts_with("uint") => path(&format!("u{}", i.bits())),
            _ => path(&format!("i{}", i.bits())),
        },
        Type::Float32 => path("f32"),
        Type::Float64 => path("f64"),
        Type::String => path("String"),
        Type::Bytes => path("serde_bytes::ByteBuf"),
        Type::Timestamp => path("rt::Timestamp"),
        Type::List(t) => RustType::Generic("Vec".into(), vec![rust_type(c, n, pi, t)]),
        Type::Map(k, v) => RustType::Generic("rt::Map".into(), vec![rust_type(c, n, pi, k), rust_type(c, n, pi, v)]),
        Type::Enum(id) => {
            path(&qualified(n, id.package as usize, &n.enums[id.package as usize][id.index as usize], pi))
        }
        Type::Message(id) => {
            path(&qualified(n, id.package as usize, &n.messages[id.package as usize][id.index as usize], pi))
        }
        Type::Named(name) => path(name),
    }
}

fn qualified(n: &Names, pkg: usize, name: &str, current: usize) -> String {
    if pkg == current {
        name.to_string()
    } else {
        format!("super::{}::{name}", n.modules[pkg])
    }
}
