//! A contract enum in Go: a named `string` type (`repr: string`) or `int32`/`int64` (`repr: int`), its
//! constants aligned as gofmt aligns them, `Valid`, `String`, and the strict `EncodeMsgpack`/`DecodeMsgpack`.
use super::package::PackageGen;
use super::text::{doc_lines, quote};
use crate::contract::{EnumDef, EnumRepr};
use std::fmt::Write as _;

impl PackageGen<'_> {
    pub(super) fn enum_def(&mut self, out: &mut String, ei: usize) {
        let p = &self.c.packages[self.pi];
        let e = &p.enums[ei];
        let full = format!("{}.{}", p.name, e.name);
        let name = self.names.enums[self.pi][ei].clone();
        let consts = self.names.consts[self.pi][ei].clone();
        let listing = match e.repr {
            EnumRepr::String => e.values.iter().map(|v| v.name.clone()).collect::<Vec<_>>().join(", "),
            EnumRepr::Int => e.values.iter().map(|v| format!("{}={}", v.name, v.number)).collect::<Vec<_>>().join(", "),
        };
        let underlying = match e.repr {
            EnumRepr::String => "string",
            EnumRepr::Int => enum_go_int(e),
        };
        let how = match e.repr {
            EnumRepr::String => "sent as its name (a str)",
            EnumRepr::Int => "sent as its number (an int)",
        };
        let _ = writeln!(out, "// {} is the enum {full}, {how}.", name);
        if !e.doc.trim().is_empty() {
            out.push_str("//\n");
            doc_lines(out, 0, &e.doc);
        }
        if e.deprecated {
            out.push_str("//\n// Deprecated: the contract marks this enum deprecated.\n");
        }
        let _ = writeln!(out, "type {} {underlying}", name);
        out.push('\n');
        let _ = writeln!(out, "// The values of {}.", name);
        let _ = writeln!(out, "const (");
        let width = consts.iter().map(|c| c.chars().count()).max().unwrap_or(0);
        for (v, cname) in e.values.iter().zip(&consts) {
            let value = match e.repr {
                EnumRepr::String => quote(&v.name),
                EnumRepr::Int => v.number.to_string(),
            };
            let _ = writeln!(out, "\t{cname:<width$} {} = {value}", name);
        }
        let _ = writeln!(out, ")");
        out.push('\n');
        let _ = writeln!(out, "// Valid tells whether x is one of the values of {}.", name);
        let _ = writeln!(out, "func (x {}) Valid() bool {{", name);
        let _ = writeln!(out, "\tswitch x {{");
        let _ = writeln!(out, "\tcase {}:", consts.join(", "));
        let _ = writeln!(out, "\t\treturn true");
        let _ = writeln!(out, "\t}}");
        let _ = writeln!(out, "\treturn false");
        let _ = writeln!(out, "}}");
        out.push('\n');
        let _ = writeln!(out, "// String returns the name of x.");
        let _ = writeln!(out, "func (x {}) String() string {{", name);
        match e.repr {
            EnumRepr::String => {
                let _ = writeln!(out, "\treturn string(x)");
            }
            EnumRepr::Int => {
                self.std.insert("strconv");
                let _ = writeln!(out, "\tswitch x {{");
                for (v, cname) in e.values.iter().zip(&consts) {
                    let _ = writeln!(out, "\tcase {cname}:");
                    let _ = writeln!(out, "\t\treturn {}", quote(&v.name));
                }
                let _ = writeln!(out, "\t}}");
                let _ = writeln!(
                    out,
                    "\treturn {} + strconv.FormatInt(int64(x), 10) + \")\"",
                    quote(&format!("{}(", name))
                );
            }
        }
        let _ = writeln!(out, "}}");
        out.push('\n');
        let _ = writeln!(out, "// EncodeMsgpack writes x canonically, {how}; a value outside the enum is an error.");
        let _ = writeln!(out, "func (x {}) EncodeMsgpack(e *msgpack.Encoder) error {{", name);
        let _ = writeln!(out, "\tif !x.Valid() {{");
        match e.repr {
            EnumRepr::String => {
                let _ =
                    writeln!(out, "\t\treturn msgpactrt.UnknownEnum({}, string(x), {})", quote(&full), quote(&listing));
                let _ = writeln!(out, "\t}}");
                let _ = writeln!(out, "\treturn e.EncodeString(string(x))");
            }
            EnumRepr::Int => {
                let _ =
                    writeln!(out, "\t\treturn msgpactrt.UnknownEnum({}, int64(x), {})", quote(&full), quote(&listing));
                let _ = writeln!(out, "\t}}");
                let _ = writeln!(out, "\treturn e.EncodeInt(int64(x))");
            }
        }
        let _ = writeln!(out, "}}");
        out.push('\n');
        let _ = writeln!(out, "// DecodeMsgpack reads x strictly: a value that is not one of the enum's is an error.");
        let _ = writeln!(out, "func (x *{}) DecodeMsgpack(d *msgpack.Decoder) error {{", name);
        match e.repr {
            EnumRepr::String => {
                let _ = writeln!(out, "\ts, err := msgpactrt.DecodeString(d)");
                let _ = writeln!(out, "\tif err != nil {{\n\t\treturn err\n\t}}");
                let _ = writeln!(out, "\tif !{}(s).Valid() {{", name);
                let _ = writeln!(out, "\t\treturn msgpactrt.UnknownEnum({}, s, {})", quote(&full), quote(&listing));
                let _ = writeln!(out, "\t}}");
                let _ = writeln!(out, "\t*x = {}(s)", name);
            }
            EnumRepr::Int => {
                let _ = writeln!(out, "\tn, err := msgpactrt.DecodeInt64(d)");
                let _ = writeln!(out, "\tif err != nil {{\n\t\treturn err\n\t}}");
                if underlying == "int64" {
                    let _ = writeln!(out, "\tif !{}(n).Valid() {{", name);
                } else {
                    let _ = writeln!(out, "\tif int64({0}(n)) != n || !{0}(n).Valid() {{", name);
                }
                let _ = writeln!(out, "\t\treturn msgpactrt.UnknownEnum({}, n, {})", quote(&full), quote(&listing));
                let _ = writeln!(out, "\t}}");
                let _ = writeln!(out, "\t*x = {}(n)", name);
            }
        }
        let _ = writeln!(out, "\treturn nil");
        let _ = writeln!(out, "}}");
    }
}

pub(super) fn enum_go_int(e: &EnumDef) -> &'static str {
    if e.values.iter().all(|v| v.number >= i32::MIN as i64 && v.number <= i32::MAX as i64) {
        "int32"
    } else {
        "int64"
    }
}
