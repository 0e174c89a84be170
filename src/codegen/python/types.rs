//! Python annotations of contract types (`list[str]`, `_rt.Timestamp`, a class of another module) and the
//! runtime's description of each type with the field's constraints (`_rt.string(max_len=64)`).
use super::expr::Py;
use super::literals::py_f64;
use super::Gen;
use crate::codegen::CodegenError;
use crate::contract::{Constraints, Num, Type};
use std::collections::BTreeSet;

impl Gen<'_> {
    pub(super) fn annotation(&self, ty: &Type, from: usize) -> Result<String, CodegenError> {
        Ok(match ty {
            Type::Bool => "bool".into(),
            Type::Int(_) => "int".into(),
            Type::Float32 | Type::Float64 => "float".into(),
            Type::String => "str".into(),
            Type::Bytes => "bytes".into(),
            Type::Timestamp => "_rt.Timestamp".into(),
            Type::List(t) => format!("list[{}]", self.annotation(t, from)?),
            Type::Map(k, v) => format!("dict[{}, {}]", self.annotation(k, from)?, self.annotation(v, from)?),
            Type::Enum(id) => {
                self.qualified(id.package, &self.enum_classes[id.package as usize][id.index as usize], from)
            }
            Type::Message(id) => {
                self.qualified(id.package, &self.classes[id.package as usize][id.index as usize], from)
            }
            Type::Named(n) => return Err(format!("unresolved type `{n}`").into()),
        })
    }

    /// The runtime's description of a type, with the field's constraints on the outer type.
    pub(super) fn type_expr(&self, ty: &Type, k: Option<&Constraints>) -> Result<Py, CodegenError> {
        let k = k.cloned().unwrap_or_default();
        let lens = |args: &mut Vec<(Option<String>, Py)>| {
            if let Some(n) = k.min_len {
                args.push((Some("min_len".into()), Py::atom(n)));
            }
            if let Some(n) = k.max_len {
                args.push((Some("max_len".into()), Py::atom(n)));
            }
        };
        let range = |args: &mut Vec<(Option<String>, Py)>| {
            for (name, bound) in [("min", k.min), ("max", k.max)] {
                if let Some(b) = bound {
                    let text = match b {
                        Num::Int(i) => i.to_string(),
                        Num::Float(x) => py_f64(x),
                    };
                    args.push((Some(name.into()), Py::Atom(text)));
                }
            }
        };
        let mut args: Vec<(Option<String>, Py)> = Vec::new();
        let func = match ty {
            Type::Bool => "_rt.boolean",
            Type::Int(it) => {
                args.push((None, Py::Str(it.name().into())));
                range(&mut args);
                "_rt.integer"
            }
            Type::Float32 | Type::Float64 => {
                range(&mut args);
                if k.allow_nan {
                    args.push((Some("allow_nan".into()), Py::atom("True")));
                }
                if k.allow_infinity {
                    args.push((Some("allow_infinity".into()), Py::atom("True")));
                }
                if *ty == Type::Float32 {
                    "_rt.float32"
                } else {
                    "_rt.float64"
                }
            }
            Type::String => {
                lens(&mut args);
                "_rt.string"
            }
            Type::Bytes => {
                lens(&mut args);
                "_rt.binary"
            }
            Type::Timestamp => "_rt.timestamp",
            Type::List(t) => {
                args.push((None, self.type_expr(t, None)?));
                lens(&mut args);
                "_rt.list_of"
            }
            Type::Map(kt, vt) => {
                args.push((None, self.type_expr(kt, None)?));
                args.push((None, self.type_expr(vt, None)?));
                lens(&mut args);
                "_rt.map_of"
            }
            Type::Enum(id) => {
                args.push((None, Py::Str(self.c.enum_name(*id))));
                "_rt.enum_ref"
            }
            Type::Message(id) => {
                args.push((None, Py::Str(self.c.message_name(*id))));
                "_rt.message_ref"
            }
            Type::Named(n) => return Err(format!("unresolved type `{n}`").into()),
        };
        Ok(Py::Call(func.into(), args))
    }
}

/// The contract packages a type names (its enums and messages), for the imports of a module.
pub(super) fn collect_packages(ty: &Type, out: &mut BTreeSet<u32>) {
    match ty {
        Type::List(t) => collect_packages(t, out),
        Type::Map(k, v) => {
            collect_packages(k, out);
            collect_packages(v, out);
        }
        Type::Enum(id) => {
            out.insert(id.package);
        }
        Type::Message(id) => {
            out.insert(id.package);
        }
        _ => {}
    }
}
