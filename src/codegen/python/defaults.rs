//! A contract `default` as a Python value in a dataclass field, built per instance (`default_factory`)
//! when it is mutable or names a module or class that a field of the same name would shadow.
use super::expr::Py;
use super::literals::{py_f32, py_f64};
use super::Gen;
use crate::codegen::CodegenError;
use crate::contract::{Field, Type};
use crate::wire::Value;
use std::collections::HashSet;

impl Gen<'_> {
    /// A Python expression for a value of `ty` (a contract default), and whether it must be built per
    /// instance (`default_factory`): mutable values and values that name a module or class.
    pub(super) fn value_expr(
        &self,
        ty: &Type,
        v: &Value,
        from: usize,
        roots: &mut Vec<String>,
    ) -> Result<(Py, bool), CodegenError> {
        let member = |id: &crate::contract::EnumId, roots: &mut Vec<String>| -> Result<Py, CodegenError> {
            let e = self.c.enum_def(*id);
            let idx =
                e.values.iter().position(|ev| e.wire(ev) == *v).ok_or_else(|| {
                    CodegenError(format!("{} is not a value of {}", v.render(), self.c.enum_name(*id)))
                })?;
            let class = self.qualified(id.package, &self.enum_classes[id.package as usize][id.index as usize], from);
            roots.push(class.split('.').next().unwrap_or_default().to_string());
            Ok(Py::Atom(format!("{class}.{}", self.members[id.package as usize][id.index as usize][idx])))
        };
        Ok(match (ty, v) {
            (_, Value::Nil) => (Py::atom("None"), false),
            (Type::Enum(id), _) => (member(id, roots)?, false),
            (_, Value::Bool(b)) => (Py::atom(if *b { "True" } else { "False" }), false),
            (_, Value::Int(i)) => (Py::atom(i), false),
            (_, Value::F32(x)) => (Py::Atom(py_f32(*x)), false),
            (_, Value::F64(x)) => (Py::Atom(py_f64(*x)), false),
            (_, Value::Str(s)) => (Py::Str(s.clone()), false),
            (_, Value::Bin(b)) => (Py::Bytes(b.clone()), false),
            (_, Value::Timestamp(t)) => {
                (Py::Call("_rt.Timestamp".into(), vec![(None, Py::atom(t.secs)), (None, Py::atom(t.nanos))]), true)
            }
            (Type::List(t), Value::Array(items)) => {
                let items =
                    items.iter().map(|x| self.value_expr(t, x, from, roots).map(|p| p.0)).collect::<Result<_, _>>()?;
                (Py::List(items), true)
            }
            (Type::Map(kt, vt), Value::Map(entries)) => {
                let mut out = Vec::new();
                for (k, x) in entries {
                    out.push((self.value_expr(kt, k, from, roots)?.0, self.value_expr(vt, x, from, roots)?.0));
                }
                (Py::Dict(out), true)
            }
            (Type::Message(id), _) => {
                let m = self.c.message(*id);
                let attrs = &self.attrs[id.package as usize][id.index as usize];
                let mut args = Vec::new();
                for (fi, f) in m.fields.iter().enumerate() {
                    let fv = match v {
                        Value::Map(_) => v.get(&f.name),
                        Value::Array(items) => items.get(fi),
                        _ => {
                            return Err(
                                format!("a value of {} must be a map or an array", self.c.message_name(*id)).into()
                            )
                        }
                    };
                    if let Some(fv) = fv {
                        args.push((Some(attrs[fi].clone()), self.value_expr(&f.ty, fv, from, roots)?.0));
                    }
                }
                let class = self.qualified(id.package, &self.classes[id.package as usize][id.index as usize], from);
                (Py::Call(class, args), true)
            }
            _ => {
                return Err(format!("cannot write {} as a Python value of {}", v.render(), self.c.type_name(ty)).into())
            }
        })
    }
}

impl Gen<'_> {
    /// The dataclass default of a field: absent for optional fields, else the contract's `default`.
    pub(super) fn field_default(
        &self,
        f: &Field,
        pi: usize,
        attrs: &HashSet<&str>,
    ) -> Result<Option<Py>, CodegenError> {
        if f.optional {
            return Ok(Some(Py::atom(if f.nullable { "_rt.ABSENT" } else { "None" })));
        }
        let Some((_, Some(v))) = &f.default else { return Ok(None) };
        let mut roots = Vec::new();
        let (expr, mutable) = self.value_expr(&f.ty, v, pi, &mut roots)?;
        // a name in a class body would find an attribute of the same name defined before it; a lambda does not
        if mutable || roots.iter().any(|r| attrs.contains(r.as_str())) {
            Ok(Some(Py::Call("_dc.field".into(), vec![(Some("default_factory".into()), Py::Lambda(Box::new(expr)))])))
        } else {
            Ok(Some(expr))
        }
    }
}
