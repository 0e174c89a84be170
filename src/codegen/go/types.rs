//! Go types of contract types (`[]byte`, `time.Time`, `map[K]V`, `*T` for optional, the runtime's
//! `OptionalNullable[T]` for optional and nullable), and the runtime functions that encode and decode each.
use super::package::PackageGen;
use crate::codegen::CodegenError;
use crate::contract::{EnumRepr, Field, IntType, Type};

impl PackageGen<'_> {
    pub(super) fn go_type(&mut self, ty: &Type) -> Result<String, CodegenError> {
        Ok(match ty {
            Type::Bool => "bool".into(),
            Type::Int(it) => int_type_go(*it).into(),
            Type::Float32 => "float32".into(),
            Type::Float64 => "float64".into(),
            Type::String => "string".into(),
            Type::Bytes => "[]byte".into(),
            Type::Timestamp => {
                self.std.insert("time");
                "time.Time".into()
            }
            Type::List(t) => format!("[]{}", self.go_type(t)?),
            Type::Map(k, v) => {
                self.key_kind(k)?;
                format!("map[{}]{}", self.go_type(k)?, self.go_type(v)?)
            }
            Type::Enum(id) => {
                let name = self.names.enums[id.package as usize][id.index as usize].clone();
                self.qualified(id.package, &name)
            }
            Type::Message(id) => {
                let name = self.names.messages[id.package as usize][id.index as usize].clone();
                self.qualified(id.package, &name)
            }
            Type::Named(n) => return Err(format!("unresolved type `{n}`").into()),
        })
    }

    /// Whether a map key type sorts as a string (true) or as an integer (false).
    pub(super) fn key_kind(&self, k: &Type) -> Result<bool, CodegenError> {
        match k {
            Type::String => Ok(true),
            Type::Int(_) => Ok(false),
            Type::Enum(id) => Ok(self.c.enum_def(*id).repr == EnumRepr::String),
            other => Err(format!(
                "map key type `{}` is not supported (string, integer or enum keys)",
                self.c.type_name(other)
            )
            .into()),
        }
    }

    /// A Go function value `func(*msgpack.Decoder) (T, error)`; `item` for list items and map entries
    /// (floats there are finite).
    pub(super) fn dec_fn(&mut self, ty: &Type, item: bool) -> Result<String, CodegenError> {
        Ok(match ty {
            Type::Bool => "msgpactrt.DecodeBool".into(),
            Type::Int(it) => int_decoder(*it),
            Type::Float32 if item => "msgpactrt.DecodeFloat32Finite".into(),
            Type::Float32 => "msgpactrt.DecodeFloat32".into(),
            Type::Float64 if item => "msgpactrt.DecodeFloat64Finite".into(),
            Type::Float64 => "msgpactrt.DecodeFloat64".into(),
            Type::String => "msgpactrt.DecodeString".into(),
            Type::Bytes => "msgpactrt.DecodeBytes".into(),
            Type::Timestamp => "msgpactrt.DecodeTime".into(),
            Type::Enum(_) | Type::Message(_) => format!("msgpactrt.DecodeCustom[{}]", self.go_type(ty)?),
            Type::List(t) => format!("msgpactrt.ListDecoder({})", self.dec_fn(t, true)?),
            Type::Map(k, v) => format!("msgpactrt.MapDecoder({}, {})", self.dec_fn(k, true)?, self.dec_fn(v, true)?),
            Type::Named(n) => return Err(format!("unresolved type `{n}`").into()),
        })
    }

    /// A Go call that decodes a field's value from `d`.
    pub(super) fn dec_call(&mut self, f: &Field) -> Result<String, CodegenError> {
        let ty = &f.ty;
        Ok(match (f.optional, f.nullable) {
            (false, false) => match ty {
                Type::List(t) => format!("msgpactrt.DecodeList(d, {})", self.dec_fn(t, true)?),
                Type::Map(k, v) => {
                    format!("msgpactrt.DecodeMap(d, {}, {})", self.dec_fn(k, true)?, self.dec_fn(v, true)?)
                }
                _ => format!("{}(d)", self.dec_fn(ty, false)?),
            },
            (true, false) => format!("msgpactrt.DecodePtr(d, {})", self.dec_fn(ty, false)?),
            (false, true) => format!("msgpactrt.DecodeNullable(d, {})", self.dec_fn(ty, false)?),
            (true, true) if self.indirect(f) => {
                // a func literal over lines, where gofmt keeps it; the call stands in `if` at 3 tabs
                let t = self.go_type(ty)?;
                format!(
                    "msgpactrt.DecodeOptionalNullable(d, func(d *msgpack.Decoder) (*{t}, error) {{\n\t\t\t\t\
                     return msgpactrt.DecodePtr(d, {})\n\t\t\t}})",
                    self.dec_fn(ty, false)?
                )
            }
            (true, true) => format!("msgpactrt.DecodeOptionalNullable(d, {})", self.dec_fn(ty, false)?),
        })
    }

    /// A Go function value `func(*msgpack.Encoder, T) error`.
    pub(super) fn enc_fn(&mut self, ty: &Type, item: bool) -> Result<String, CodegenError> {
        Ok(match ty {
            Type::Bool => "msgpactrt.EncodeBool".into(),
            Type::Int(it) if it.signed() => format!("msgpactrt.EncodeInt[{}]", it.name()),
            Type::Int(it) => format!("msgpactrt.EncodeUint[{}]", it.name()),
            Type::Float32 if item => "msgpactrt.EncodeFloat32Finite".into(),
            Type::Float32 => "msgpactrt.EncodeFloat32".into(),
            Type::Float64 if item => "msgpactrt.EncodeFloat64Finite".into(),
            Type::Float64 => "msgpactrt.EncodeFloat64".into(),
            Type::String => "msgpactrt.EncodeString".into(),
            Type::Bytes => "msgpactrt.EncodeBytes".into(),
            Type::Timestamp => "msgpactrt.EncodeTime".into(),
            Type::Enum(_) | Type::Message(_) => format!("msgpactrt.EncodeCustom[{}]", self.go_type(ty)?),
            Type::List(t) => format!("msgpactrt.ListEncoder({})", self.enc_fn(t, true)?),
            Type::Map(k, v) => {
                let kind = if self.key_kind(k)? { "StringKeyMapEncoder" } else { "IntKeyMapEncoder" };
                format!("msgpactrt.{kind}({}, {})", self.enc_fn(k, true)?, self.enc_fn(v, true)?)
            }
            Type::Named(n) => return Err(format!("unresolved type `{n}`").into()),
        })
    }

    pub(super) fn field_type(&mut self, f: &Field) -> Result<String, CodegenError> {
        let t = self.go_type(&f.ty)?;
        Ok(match (f.optional, f.nullable) {
            (false, false) => t,
            (true, true) if self.indirect(f) => format!("msgpactrt.OptionalNullable[*{t}]"),
            (true, true) => format!("msgpactrt.OptionalNullable[{t}]"),
            _ => format!("*{t}"),
        })
    }
}

pub(super) fn int_type_go(it: IntType) -> &'static str {
    it.name()
}

pub(super) fn int_decoder(it: IntType) -> String {
    let n = it.name();
    let mut cs = n.chars();
    let first = cs.next().map(|c| c.to_ascii_uppercase()).unwrap_or('I');
    format!("msgpactrt.Decode{first}{}", cs.as_str())
}

impl PackageGen<'_> {
    /// The encoder of a field's value as its struct member holds it (`*T` where [`PackageGen::indirect`]).
    pub(super) fn field_enc_fn(&mut self, f: &Field) -> Result<String, CodegenError> {
        if self.indirect(f) {
            return Ok(format!("msgpactrt.EncodeCustom[*{}]", self.go_type(&f.ty)?));
        }
        self.enc_fn(&f.ty, false)
    }
}
