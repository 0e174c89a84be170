//! A contract message in Python: a `@dataclass(kw_only=True, slots=True)` with one annotated, documented
//! attribute per field, and its description for the runtime (`_rt.define_message`).
use super::super::docs::{float_allowances, length_unit, presence, Presence};
use super::expr::Py;
use super::literals::py_str;
use super::text::{docstring, field_lines, join_paragraphs};
use super::Gen;
use crate::codegen::CodegenError;
use crate::contract::{Contracts, Field, Message, Num, Shape};
use crate::wire::Value;
use std::collections::HashSet;

impl Gen<'_> {
    pub(super) fn message_code(&self, pi: usize, mi: usize, m: &Message) -> Result<String, CodegenError> {
        let p = &self.c.packages[pi];
        let class = &self.classes[pi][mi];
        let attrs = &self.attrs[pi][mi];
        let full = format!("{}.{}", p.name, m.name);
        let mut o = String::new();
        o.push_str(&format!("\n\n@_dc.dataclass(kw_only=True, slots=True)\nclass {class}(_rt.Message):\n"));
        let wire = match m.shape {
            Shape::Map => format!("Travels as `{full}`: a map keyed by field name, in this order."),
            Shape::Array => format!("Travels as `{full}`: a positional array of the fields, in this order; absent optional fields at the end shorten it."),
        };
        let mut doc = join_paragraphs(&[m.doc.trim(), &wire]);
        if m.deprecated {
            doc.push_str("\n\nDeprecated.");
        }
        o.push_str(&docstring(&doc, 4).join("\n"));
        o.push('\n');
        let attr_set: HashSet<&str> = attrs.iter().map(String::as_str).collect();
        for (fi, f) in m.fields.iter().enumerate() {
            o.push('\n');
            let attr = &attrs[fi];
            let base = self.annotation(&f.ty, pi)?;
            let ann = match (f.optional, f.nullable) {
                (false, false) => base,
                (true, true) => format!("{base} | None | _rt.Absent"),
                _ => format!("{base} | None"),
            };
            let default = self.field_default(f, pi, &attr_set)?;
            o.push_str(&field_lines(attr, &ann, default.as_ref()).join("\n"));
            o.push('\n');
            let info = field_info(self.c, f);
            let fdoc = join_paragraphs(&[f.doc.trim(), &info]);
            o.push_str(&docstring(&fdoc, 4).join("\n"));
            o.push('\n');
        }
        let shape = match m.shape {
            Shape::Map => "_rt.MAP",
            Shape::Array => "_rt.ARRAY",
        };
        let mut specs = Vec::new();
        for (fi, f) in m.fields.iter().enumerate() {
            let mut args = vec![(None, Py::Str(f.name.clone())), (None, self.type_expr(&f.ty, Some(&f.constraints))?)];
            if f.optional {
                args.push((Some("optional".into()), Py::atom("True")));
            }
            if f.nullable {
                args.push((Some("nullable".into()), Py::atom("True")));
            }
            if attrs[fi] != f.name {
                args.push((Some("attr".into()), Py::Str(attrs[fi].clone())));
            }
            specs.push(Py::Call("_rt.field".into(), args));
        }
        let call = Py::Call(
            "_rt.define_message".into(),
            vec![
                (None, Py::Atom(class.clone())),
                (None, Py::Str(full.clone())),
                (None, Py::atom(shape)),
                (None, Py::List(specs)),
            ],
        );
        o.push_str("\n\n");
        o.push_str(&call.lines(0, "", "").join("\n"));
        o.push('\n');
        Ok(o)
    }
}

/// The contract of a field in one line: type, presence, constraints, default.
pub(super) fn field_info(c: &Contracts, f: &Field) -> String {
    let mut parts = vec![format!("`{}`", c.type_name(&f.ty))];
    match presence(f) {
        Presence::OptionalNullable => {
            parts.push("optional and nullable: ABSENT when the key is absent, None for nil".into())
        }
        Presence::Optional => parts.push("optional: None when the key is absent".into()),
        Presence::Nullable => parts.push("nullable: None for nil".into()),
        Presence::Required => {}
    }
    let k = &f.constraints;
    let unit = length_unit(&f.ty).map(|u| format!(" {u}")).unwrap_or_default();
    match (k.min_len, k.max_len) {
        (Some(a), Some(b)) => parts.push(format!("{a} to {b}{unit}")),
        (Some(a), None) => parts.push(format!("at least {a}{unit}")),
        (None, Some(b)) => parts.push(format!("at most {b}{unit}")),
        _ => {}
    }
    let num = |n: Num| match n {
        Num::Int(i) => i.to_string(),
        Num::Float(x) => format!("{x:?}"),
    };
    match (k.min.map(num), k.max.map(num)) {
        (Some(a), Some(b)) => parts.push(format!("{a} to {b}")),
        (Some(a), None) => parts.push(format!("at least {a}")),
        (None, Some(b)) => parts.push(format!("at most {b}")),
        _ => {}
    }
    parts.extend(float_allowances(k).into_iter().map(String::from));
    if let Some((node, value)) = &f.default {
        let text = match (value, node.scalar()) {
            (Some(Value::Str(s)), _) => py_str(s),
            (_, Some(s)) => s.text.clone(),
            (Some(v), None) => v.render(),
            (None, None) => String::new(),
        };
        if !text.is_empty() && !text.contains('\n') {
            parts.push(format!("default {text}"));
        }
    }
    if f.deprecated {
        parts.push("deprecated".into());
    }
    format!("Contract: {}.", parts.join("; "))
}
