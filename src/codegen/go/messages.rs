//! A contract message in Go: the struct with one documented, tagged field per contract field, the wire
//! names read from the tags, and the methods (`EncodeMsgpack`, `DecodeMsgpack`, `Marshal`, `Unmarshal`,
//! `Validate`, `Unmarshal<Message>`); the method bodies come from [`super::checks`] and [`super::codec`].
use super::super::docs::{float_allowances, length_unit, presence, Presence};
use super::package::PackageGen;
use super::text::{doc_lines, quote};
use crate::codegen::CodegenError;
use crate::contract::{Contracts, Field, Shape};
use std::fmt::Write as _;

impl PackageGen<'_> {
    pub(super) fn message(&mut self, out: &mut String, mi: usize) -> Result<(), CodegenError> {
        let c = self.c;
        let p = &c.packages[self.pi];
        let m = &p.messages[mi];
        self.msg = mi;
        let fnames = self.names.fields[self.pi][mi].clone();
        let full = format!("{}.{}", p.name, m.name);
        let name = &self.names.messages[self.pi][mi];
        let unmarshal = &self.names.unmarshal[self.pi][mi];
        let shape = match m.shape {
            Shape::Map => "sent as a map keyed by field name",
            Shape::Array => "sent as a positional array",
        };

        // The struct.
        let _ = writeln!(out, "// {name} is the message {full}, {shape}.");
        if !m.doc.trim().is_empty() {
            out.push_str("//\n");
            doc_lines(out, 0, &m.doc);
        }
        if !m.subjects.is_empty() {
            let subjects: Vec<&str> = m.subjects.iter().map(|(s, _)| s.as_str()).collect();
            let _ = writeln!(out, "//\n// Subjects: {}.", subjects.join(", "));
        }
        if m.deprecated {
            out.push_str("//\n// Deprecated: the contract marks this message deprecated.\n");
        }
        if m.fields.is_empty() {
            let _ = writeln!(out, "type {name} struct{{}}");
        } else {
            let _ = writeln!(out, "type {name} struct {{");
            for (f, gname) in m.fields.iter().zip(&fnames) {
                let _ = writeln!(out, "\t// {gname} is {}: {}.", f.name, field_summary(c, f));
                if !f.doc.trim().is_empty() {
                    doc_lines(out, 1, &f.doc);
                }
                if f.deprecated {
                    out.push_str("\t//\n\t// Deprecated: the contract marks this field deprecated.\n");
                }
                let ty = self.field_type(f)?;
                let tag = if f.optional && !f.nullable { format!("{},omitempty", f.name) } else { f.name.clone() };
                let _ = writeln!(out, "\t{gname} {ty} `msgpack:{}`", quote(&tag));
            }
            let _ = writeln!(out, "}}");
            // The wire names, read from the tags once: the methods below write and read these.
            self.std.insert("reflect");
            out.push('\n');
            let _ =
                writeln!(out, "// wire{name} are the wire names of {name}'s fields, in order, read from its msgpack");
            let _ = writeln!(
                out,
                "// tags when the package is initialised: the tags decide what the methods write and read."
            );
            let _ = writeln!(out, "var wire{name} = msgpactrt.WireNames(reflect.TypeOf({name}{{}}))");
        }

        // check: the constraints of its own fields.
        let checks = self.checks(m, name, &fnames)?;
        if !checks.is_empty() {
            out.push('\n');
            let _ =
                writeln!(out, "// check verifies the constraints of v's own fields (nested messages check theirs).");
            let _ = writeln!(out, "func (v *{name}) check() error {{");
            out.push_str(&checks);
            let _ = writeln!(out, "\treturn nil");
            let _ = writeln!(out, "}}");
        }

        // EncodeMsgpack.
        out.push('\n');
        let _ = writeln!(out, "// EncodeMsgpack writes v in the canonical encoding of {full} (msgpack.CustomEncoder),");
        let _ = writeln!(out, "// after checking the contract's constraints.");
        let _ = writeln!(out, "func (v {name}) EncodeMsgpack(e *msgpack.Encoder) error {{");
        if !checks.is_empty() {
            let _ = writeln!(out, "\tif err := v.check(); err != nil {{\n\t\treturn err\n\t}}");
        }
        match m.shape {
            Shape::Map => self.encode_map(out, m, name, &fnames)?,
            Shape::Array => self.encode_array(out, m, name, &fnames)?,
        }
        let _ = writeln!(out, "\treturn nil");
        let _ = writeln!(out, "}}");

        // DecodeMsgpack.
        out.push('\n');
        let _ =
            writeln!(out, "// DecodeMsgpack reads {full} strictly into v (msgpack.CustomDecoder): any valid encoding,");
        let _ = writeln!(out, "// unknown fields skipped, constraints checked; v is unchanged on error.");
        let _ = writeln!(out, "func (v *{name}) DecodeMsgpack(d *msgpack.Decoder) error {{");
        match m.shape {
            Shape::Map => self.decode_map(out, m, name, &fnames, &full)?,
            Shape::Array => self.decode_array(out, m, name, &fnames, &full)?,
        }
        if !checks.is_empty() {
            let _ = writeln!(out, "\tif err := x.check(); err != nil {{\n\t\treturn err\n\t}}");
        }
        let _ = writeln!(out, "\t*v = x");
        let _ = writeln!(out, "\treturn nil");
        let _ = writeln!(out, "}}");

        // Conveniences.
        out.push('\n');
        let _ = writeln!(out, "// Marshal returns the canonical encoding of v.");
        one_line_func(out, &format!("func (v {name}) Marshal() ([]byte, error)"), "return msgpactrt.Marshal(v)");
        out.push('\n');
        let _ = writeln!(out, "// Unmarshal decodes b, exactly one {full}, strictly into v; v is unchanged on error.");
        one_line_func(out, &format!("func (v *{name}) Unmarshal(b []byte) error"), "return msgpactrt.Unmarshal(b, v)");
        out.push('\n');
        let _ = writeln!(out, "// Validate checks v against the contract as Marshal does, without encoding it.");
        one_line_func(out, &format!("func (v {name}) Validate() error"), "return msgpactrt.Validate(v)");
        out.push('\n');
        let _ = writeln!(out, "// {unmarshal} decodes b, exactly one {full}, strictly.");
        let _ = writeln!(out, "func {unmarshal}(b []byte) ({name}, error) {{");
        let _ = writeln!(out, "\tvar v {name}");
        let _ = writeln!(out, "\terr := msgpactrt.Unmarshal(b, &v)");
        let _ = writeln!(out, "\treturn v, err");
        let _ = writeln!(out, "}}");
        Ok(())
    }
}

/// A function whose body is one statement, on one line the way gofmt keeps it: only while the signature
/// (from `func`) and the statement together take at most 100 characters (go/printer's `funcBody`).
fn one_line_func(out: &mut String, signature: &str, statement: &str) {
    if signature.len() + statement.len() <= 100 {
        let _ = writeln!(out, "{signature} {{ {statement} }}");
    } else {
        let _ = writeln!(out, "{signature} {{\n\t{statement}\n}}");
    }
}

/// What a field's constraints and presence say, for its doc comment.
pub(super) fn field_summary(c: &Contracts, f: &Field) -> String {
    let mut parts = vec![c.type_name(&f.ty)];
    parts.push(
        match presence(f) {
            Presence::Required => "required",
            Presence::Optional => "optional (nil = absent)",
            Presence::Nullable => "nullable (nil = nil on the wire; the key is always sent)",
            Presence::OptionalNullable => "optional and nullable (absent, nil or a value)",
        }
        .into(),
    );
    let k = &f.constraints;
    if k.min_len.is_some() || k.max_len.is_some() {
        let unit = length_unit(&f.ty).unwrap_or("entries");
        parts.push(format!(
            "length {}..={} {unit}",
            k.min_len.unwrap_or(0),
            k.max_len.map(|m| m.to_string()).unwrap_or_default()
        ));
    }
    match (k.min, k.max) {
        (Some(a), Some(b)) => parts.push(format!("range {a}..={b}")),
        (Some(a), None) => parts.push(format!("min {a}")),
        (None, Some(b)) => parts.push(format!("max {b}")),
        (None, None) => {}
    }
    parts.extend(float_allowances(k).into_iter().map(String::from));
    if let Some((_, Some(v))) = &f.default {
        parts.push(format!("default {}", v.render()));
    }
    parts.join(", ")
}
