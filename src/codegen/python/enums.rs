//! A contract enum in Python: an `enum.Enum` of names (`repr: string`) or an `enum.IntEnum` of numbers
//! (`repr: int`), documented with how it travels, and registered with the runtime (`_rt.define_enum`).
use super::expr::Py;
use super::text::{docstring, join_paragraphs};
use super::Gen;
use crate::contract::EnumRepr;

impl Gen<'_> {
    /// The class of enum `ei` of package `pi`, with the blank lines before it.
    pub(super) fn enum_class(&self, pi: usize, ei: usize) -> String {
        let p = &self.c.packages[pi];
        let e = &p.enums[ei];
        let mut o = String::new();
        let class = &self.enum_classes[pi][ei];
        let base = match e.repr {
            EnumRepr::String => "_enum.Enum",
            EnumRepr::Int => "_enum.IntEnum",
        };
        o.push_str(&format!("\n\nclass {class}({base}):\n"));
        let travel = match e.repr {
            EnumRepr::String => format!("Travels as `{}.{}`: the value's name, a str.", p.name, e.name),
            EnumRepr::Int => format!("Travels as `{}.{}`: the value's number, an int.", p.name, e.name),
        };
        let mut doc = join_paragraphs(&[e.doc.trim(), &travel]);
        if e.deprecated {
            doc.push_str("\n\nDeprecated.");
        }
        o.push_str(&docstring(&doc, 4).join("\n"));
        o.push_str("\n\n");
        for (vi, v) in e.values.iter().enumerate() {
            let value = match e.repr {
                EnumRepr::String => Py::Str(v.name.clone()),
                EnumRepr::Int => Py::atom(v.number),
            };
            o.push_str(&value.lines(4, &format!("{} = ", self.members[pi][ei][vi]), "").join("\n"));
            o.push('\n');
        }
        let define = Py::Call(
            "_rt.define_enum".into(),
            vec![(None, Py::Atom(class.clone())), (None, Py::Str(format!("{}.{}", p.name, e.name)))],
        );
        o.push_str("\n\n");
        o.push_str(&define.lines(0, "", "").join("\n"));
        o.push('\n');
        o
    }
}
