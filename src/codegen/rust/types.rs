//! Rust types of contract types: `serde_bytes::ByteBuf` for bytes (bin, not an array of ints),
//! `rt::Timestamp`, `rt::Map` (keys sorted by their encoding), `Option<T>` for optional or nullable and
//! `Option<Option<T>>` for both, other packages' types through `super::`.
use super::names::module_name;
use crate::contract::{Contracts, Field, Package, Type};

pub(super) fn field_type(c: &Contracts, p: &Package, f: &Field) -> String {
    let t = rust_type(c, p, &f.ty);
    match (f.optional, f.nullable) {
        (false, false) => t,
        (true, true) => format!("Option<Option<{t}>>"),
        _ => format!("Option<{t}>"),
    }
}

pub(super) fn rust_type(c: &Contracts, p: &Package, ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::Int(i) => match i.name() {
            n if n.starts_with("uint") => format!("u{}", i.bits()),
            _ => format!("i{}", i.bits()),
        },
        Type::Float32 => "f32".into(),
        Type::Float64 => "f64".into(),
        Type::String => "String".into(),
        Type::Bytes => "serde_bytes::ByteBuf".into(),
        Type::Timestamp => "rt::Timestamp".into(),
        Type::List(t) => format!("Vec<{}>", rust_type(c, p, t)),
        Type::Map(k, v) => format!("rt::Map<{}, {}>", rust_type(c, p, k), rust_type(c, p, v)),
        Type::Enum(id) => qualified(&c.packages[id.package as usize].name, &c.enum_def(*id).name, p),
        Type::Message(id) => qualified(&c.packages[id.package as usize].name, &c.message(*id).name, p),
        Type::Named(n) => n.clone(),
    }
}

pub(super) fn qualified(pkg: &str, name: &str, current: &Package) -> String {
    if pkg == current.name {
        name.to_string()
    } else {
        format!("super::{}::{name}", module_name(pkg))
    }
}
