//! Rust types of contract types: `serde_bytes::ByteBuf` for bytes (bin, not an array of ints),
//! `rt::Timestamp`, `rt::Map` (keys sorted by their encoding), `Option<T>` for optional or nullable and
//! `Option<Option<T>>` for both, other packages' types through `super::`.
use super::layout::Type as RustType;
use super::names::module_name;
use crate::contract::{Contracts, Field, Package, Type};

/// The type of a field's struct member: the value's type in one `Option` per way it may be missing.
pub(super) fn field_type(c: &Contracts, p: &Package, f: &Field) -> RustType {
    let t = rust_type(c, p, &f.ty);
    let option = |t| RustType::Generic("Option".into(), vec![t]);
    match (f.optional, f.nullable) {
        (false, false) => t,
        (true, true) => option(option(t)),
        _ => option(t),
    }
}

pub(super) fn rust_type(c: &Contracts, p: &Package, ty: &Type) -> RustType {
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
        Type::List(t) => RustType::Generic("Vec".into(), vec![rust_type(c, p, t)]),
        Type::Map(k, v) => RustType::Generic("rt::Map".into(), vec![rust_type(c, p, k), rust_type(c, p, v)]),
        Type::Enum(id) => path(&qualified(&c.packages[id.package as usize].name, &c.enum_def(*id).name, p)),
        Type::Message(id) => path(&qualified(&c.packages[id.package as usize].name, &c.message(*id).name, p)),
        Type::Named(n) => path(n),
    }
}

fn qualified(pkg: &str, name: &str, current: &Package) -> String {
    if pkg == current.name {
        name.to_string()
    } else {
        format!("super::{}::{name}", module_name(pkg))
    }
}
