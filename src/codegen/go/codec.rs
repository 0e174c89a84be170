//! The bodies of `EncodeMsgpack` (the canonical encoding: map or array, absent optional fields left out)
//! and `DecodeMsgpack` (strict: duplicates, missing required fields and wrong types are errors; unknown
//! fields skipped) of a Go message.
use super::package::PackageGen;
use super::text::quote;
use crate::codegen::CodegenError;
use crate::contract::{Field, Message};
use std::fmt::Write as _;

impl PackageGen<'_> {
    pub(super) fn encode_map(
        &mut self,
        out: &mut String,
        m: &Message,
        name: &str,
        fnames: &[String],
    ) -> Result<(), CodegenError> {
        if m.fields.is_empty() {
            let _ = writeln!(out, "\tif err := e.EncodeMapLen(0); err != nil {{\n\t\treturn err\n\t}}");
            return Ok(());
        }
        // The number of entries: the present fields that are on the wire.
        let _ = writeln!(out, "\tw := wire{name}");
        let len = if m.fields.iter().any(|f| f.optional) {
            let flags: Vec<String> = m
                .fields
                .iter()
                .zip(fnames)
                .map(|(f, g)| if f.optional { present(f, g) } else { "true".into() })
                .collect();
            format!("w.Count({})", flags.join(", "))
        } else {
            format!("w.OnWire({})", m.fields.len())
        };
        let _ = writeln!(out, "\tif err := e.EncodeMapLen({len}); err != nil {{\n\t\treturn err\n\t}}");
        for (i, (f, gname)) in m.fields.iter().zip(fnames).enumerate() {
            let enc = self.field_enc_fn(f)?;
            let wire = format!("w[{i}]");
            let (open, call) = match (f.optional, f.nullable) {
                (false, false) => (None, format!("msgpactrt.EncodeField(e, {wire}, v.{gname}, {enc})")),
                (true, false) => {
                    (Some(present(f, gname)), format!("msgpactrt.EncodeField(e, {wire}, *v.{gname}, {enc})"))
                }
                (false, true) => (None, format!("msgpactrt.EncodeNullableField(e, {wire}, v.{gname}, {enc})")),
                (true, true) => (
                    Some(present(f, gname)),
                    format!("msgpactrt.EncodeNullableField(e, {wire}, v.{gname}.Ptr(), {enc})"),
                ),
            };
            write_guarded(out, open.as_deref(), &call, "err");
        }
        Ok(())
    }

    pub(super) fn encode_array(
        &mut self,
        out: &mut String,
        m: &Message,
        name: &str,
        fnames: &[String],
    ) -> Result<(), CodegenError> {
        if m.fields.is_empty() {
            let _ = writeln!(out, "\tif err := e.EncodeArrayLen(0); err != nil {{\n\t\treturn err\n\t}}");
            return Ok(());
        }
        let required = m.fields.iter().take_while(|f| !f.optional).count();
        let optional: Vec<String> = m.fields.iter().zip(fnames).skip(required).map(|(f, g)| present(f, g)).collect();
        let _ = writeln!(out, "\tw := wire{name}");
        if optional.is_empty() {
            let _ = writeln!(
                out,
                "\tif err := e.EncodeArrayLen(w.OnWire({required})); err != nil {{\n\t\treturn err\n\t}}"
            );
        } else {
            // n fields are written: the required ones and the optional ones up to the last present.
            let _ = writeln!(out, "\tn, err := w.Prefix({required}, {})", optional.join(", "));
            let _ = writeln!(out, "\tif err != nil {{\n\t\treturn err\n\t}}");
            let _ = writeln!(out, "\tif err := e.EncodeArrayLen(w.OnWire(n)); err != nil {{\n\t\treturn err\n\t}}");
        }
        for (i, (f, gname)) in m.fields.iter().zip(fnames).enumerate() {
            let enc = self.field_enc_fn(f)?;
            let wire = format!("w[{i}]");
            let open = (i >= required).then(|| format!("n > {i}"));
            let call = match (f.optional, f.nullable) {
                (false, false) => format!("msgpactrt.EncodeItem(e, {wire}, v.{gname}, {enc})"),
                (true, false) => format!("msgpactrt.EncodeItem(e, {wire}, *v.{gname}, {enc})"),
                (false, true) => format!("msgpactrt.EncodeNullableItem(e, {wire}, v.{gname}, {enc})"),
                (true, true) => format!("msgpactrt.EncodeNullableItem(e, {wire}, v.{gname}.Ptr(), {enc})"),
            };
            write_guarded(out, open.as_deref(), &call, "err");
        }
        Ok(())
    }

    pub(super) fn decode_map(
        &mut self,
        out: &mut String,
        m: &Message,
        name: &str,
        fnames: &[String],
        full: &str,
    ) -> Result<(), CodegenError> {
        let _ = writeln!(out, "\tn, err := msgpactrt.DecodeMapHeader(d, {})", quote(&format!("map ({full})")));
        let _ = writeln!(out, "\tif err != nil {{\n\t\treturn err\n\t}}");
        let _ = writeln!(out, "\tvar x {name}");
        if !m.fields.is_empty() {
            let _ = writeln!(out, "\tw := wire{name}");
            let _ = writeln!(out, "\tvar seen [{}]bool", m.fields.len());
        }
        let _ = writeln!(out, "\tfor i := 0; i < n; i++ {{");
        let _ = writeln!(out, "\t\tkey, err := msgpactrt.DecodeFieldName(d)");
        let _ = writeln!(out, "\t\tif err != nil {{\n\t\t\treturn err\n\t\t}}");
        if m.fields.is_empty() {
            let _ = writeln!(out, "\t\tif err := msgpactrt.Skip(d); err != nil {{");
            let _ = writeln!(out, "\t\t\treturn msgpactrt.AtField(err, key)");
            let _ = writeln!(out, "\t\t}}");
            let _ = writeln!(out, "\t}}");
            return Ok(());
        }
        let _ = writeln!(out, "\t\tswitch w.Index(key) {{");
        for (i, (f, gname)) in m.fields.iter().zip(fnames).enumerate() {
            let call = self.dec_call(f)?;
            let _ = writeln!(out, "\t\tcase {i}: // {gname}");
            let _ = writeln!(out, "\t\t\tif seen[{i}] {{\n\t\t\t\treturn msgpactrt.Duplicate(key)\n\t\t\t}}");
            let _ = writeln!(out, "\t\t\tseen[{i}] = true");
            let _ = writeln!(out, "\t\t\tif x.{gname}, err = {call}; err != nil {{");
            let _ = writeln!(out, "\t\t\t\treturn msgpactrt.AtField(err, key)");
            let _ = writeln!(out, "\t\t\t}}");
        }
        let _ = writeln!(out, "\t\tdefault:");
        let _ = writeln!(out, "\t\t\tif err := msgpactrt.Skip(d); err != nil {{");
        let _ = writeln!(out, "\t\t\t\treturn msgpactrt.AtField(err, key)");
        let _ = writeln!(out, "\t\t\t}}");
        let _ = writeln!(out, "\t\t}}");
        let _ = writeln!(out, "\t}}");
        for (i, _) in m.fields.iter().enumerate().filter(|(_, f)| !f.optional) {
            let _ = writeln!(out, "\tif !seen[{i}] && w[{i}] != \"\" {{\n\t\treturn msgpactrt.Missing(w[{i}])\n\t}}");
        }
        Ok(())
    }

    pub(super) fn decode_array(
        &mut self,
        out: &mut String,
        m: &Message,
        name: &str,
        fnames: &[String],
        full: &str,
    ) -> Result<(), CodegenError> {
        let required = m.fields.iter().take_while(|f| !f.optional).count();
        let _ = writeln!(out, "\tn, err := msgpactrt.DecodeArrayHeader(d, {})", quote(&format!("array ({full})")));
        let _ = writeln!(out, "\tif err != nil {{\n\t\treturn err\n\t}}");
        if !m.fields.is_empty() {
            let _ = writeln!(out, "\tw := wire{name}");
        }
        if required > 0 {
            let _ = writeln!(out, "\tif n < w.OnWire({required}) {{");
            let _ = writeln!(out, "\t\treturn msgpactrt.Missing(w[w.Field(n)])");
            let _ = writeln!(out, "\t}}");
        }
        let _ = writeln!(out, "\tvar x {name}");
        let _ = writeln!(out, "\tfor i := 0; i < n; i++ {{");
        if m.fields.is_empty() {
            let _ = writeln!(out, "\t\treturn msgpactrt.ExtraItem(i)");
            let _ = writeln!(out, "\t}}");
            return Ok(());
        }
        let _ = writeln!(out, "\t\tswitch w.Field(i) {{");
        for (i, (f, gname)) in m.fields.iter().zip(fnames).enumerate() {
            let call = self.dec_call(f)?;
            let _ = writeln!(out, "\t\tcase {i}: // {gname}");
            let _ = writeln!(out, "\t\t\tif x.{gname}, err = {call}; err != nil {{");
            let _ = writeln!(out, "\t\t\t\treturn msgpactrt.AtField(err, w[{i}])");
            let _ = writeln!(out, "\t\t\t}}");
        }
        let _ = writeln!(out, "\t\tdefault:");
        let _ = writeln!(out, "\t\t\treturn msgpactrt.ExtraItem(i)");
        let _ = writeln!(out, "\t\t}}");
        let _ = writeln!(out, "\t}}");
        Ok(())
    }
}

/// The Go condition "this optional field is present".
pub(super) fn present(f: &Field, gname: &str) -> String {
    if f.nullable {
        format!("v.{gname}.Set")
    } else {
        format!("v.{gname} != nil")
    }
}

/// `if err := CALL; err != nil { return err }`, inside `if COND { ... }` when given.
pub(super) fn write_guarded(out: &mut String, cond: Option<&str>, call: &str, err: &str) {
    match cond {
        None => {
            let _ = writeln!(out, "\tif {err} := {call}; {err} != nil {{\n\t\treturn {err}\n\t}}");
        }
        Some(c) => {
            let _ = writeln!(out, "\tif {c} {{");
            let _ = writeln!(out, "\t\tif {err} := {call}; {err} != nil {{\n\t\t\treturn {err}\n\t\t}}");
            let _ = writeln!(out, "\t}}");
        }
    }
}
