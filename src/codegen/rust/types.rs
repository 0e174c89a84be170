//! Rust types of contract types: `serde_bytes::ByteBuf` for bytes (bin, not an array of ints),
//! `rt::Timestamp`, `rt::Map` (keys sorted by their encoding), `Option<T>` for optional or nullable and
//! `Option<Option<T>>` for both, other packages' types through `super::`.
use super::super::recursion::closes_cycle;
use super::layout::Type as RustType;
use super::names::Names;
use crate::contract::{Contracts, Field, MsgId, Type};

/// The type of a field's struct member (in package `pi`): the value's type in one `Option` per way it may
/// be missing, boxed when `boxed` (the field closes a cycle of messages held by value).
pub(super) fn field_type(n: &Names, pi: usize, f: &Field, boxed: bool) -> RustType {
    let t = rust_type(n, pi, &f.ty);
    let t = if boxed { RustType::Generic("Box".into(), vec![t]) } else { t };
    let option = |t| RustType::Generic("Option".into(), vec![t]);
    match (f.optional, f.nullable) {
        (false, false) => t,
        (true, true) => option(option(t)),
        _ => option(t),
    }
}

pub(super) fn rust_type(n: &Names, pi: usize, ty: &Type) -> RustType {
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
        Type::List(t) => RustType::Generic("Vec".into(), vec![rust_type(n, pi, t)]),
        Type::Map(k, v) => RustType::Generic("rt::Map".into(), vec![rust_type(n, pi, k), rust_type(n, pi, v)]),
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

/// Per field of message `id`: whether it closes a cycle of messages that Rust would hold by value (an
/// optional or nullable field of a message type that leads back), so that it must be boxed.
pub(super) fn boxed_fields(c: &Contracts, id: MsgId) -> Vec<bool> {
    c.message(id)
        .fields
        .iter()
        .map(|f| match f.ty {
            Type::Message(to) if f.optional || f.nullable => closes_cycle(c, id, to, |_| true),
            _ => false,
        })
        .collect()
}
