//! A token-by-token reading of a payload against a message type.
//!
//! This is what people read when bytes disagree: every MessagePack token with its offset, bytes, format
//! and field path (`$.usage.prompt_tokens`), plus two kinds of findings: *deviations* (the value is fine,
//! the bytes are not canonical: an int64 written at full width, keys out of order) and *problems* (the
//! bytes do not fit the type: an array where a map is expected, an unknown field, a str where bin is
//! declared). Golden twins, `msgpact inspect` and verify's reports are all printed from it.
use crate::classes::Class;
use crate::contract::{same_name_loosely, Contracts, EnumRepr, Field, MsgId, Shape, Type};
use crate::diag::did_you_mean;
use crate::wire::decode::{read_token, str_of, MAX_DEPTH};
use crate::wire::format::hex_short;
use crate::wire::timestamp::Timestamp;
use crate::wire::{encode, DecodeError, Format, Token, TokenKind, Value};
use std::fmt::Write;

/// One token of the payload, explained.
#[derive(Clone, Debug, PartialEq)]
pub struct Annotated {
    pub offset: usize,
    /// The token's first bytes (header and up to 24 bytes in all; for arrays and maps the header).
    pub bytes: Vec<u8>,
    /// How many bytes the token has in all (header and data).
    pub len: usize,
    pub format: Format,
    pub path: String,
    /// What the token is: "key", "= 5", "(3 entries)".
    pub what: String,
    pub findings: Vec<Finding>,
}

impl Annotated {
    /// The first 10 bytes in hex, then how many more there are: `d9 24 37 66 … (+28)`.
    pub fn hex(&self) -> String {
        let shown = &self.bytes[..self.bytes.len().min(10)];
        if self.len <= 10 {
            crate::wire::format::hex(shown)
        } else {
            format!("{} … (+{})", crate::wire::format::hex(shown), self.len - 10)
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    /// What kind of interop bug it is.
    pub class: Class,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// Same value, other bytes than the canonical profile.
    Deviation,
    /// The bytes do not fit the contract.
    Problem,
}

/// The whole reading; `error` is set when the bytes could not be read to the end.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    pub tokens: Vec<Annotated>,
    /// Where and why reading stopped early (truncated, hostile or trailing bytes).
    pub error: Option<DecodeError>,
}

impl Reading {
    pub fn findings(&self) -> impl Iterator<Item = (&Annotated, &Finding)> {
        self.tokens.iter().flat_map(|t| t.findings.iter().map(move |f| (t, f)))
    }
    pub fn problems(&self) -> usize {
        self.findings().filter(|(_, f)| f.kind == FindingKind::Problem).count() + usize::from(self.error.is_some())
    }
    pub fn deviations(&self) -> usize {
        self.findings().filter(|(_, f)| f.kind == FindingKind::Deviation).count()
    }

    /// The table people read: one line per token, findings under the token they concern.
    pub fn render(&self) -> String {
        let mut out = format!("{:<6}  {:<40}  {:<16}  path\n", "offset", "bytes", "format");
        for t in &self.tokens {
            let _ = writeln!(out, "{:06x}  {:<40}  {:<16}  {} {}", t.offset, t.hex(), t.format.name(), t.path, t.what);
            for f in &t.findings {
                let tag = match f.kind {
                    FindingKind::Deviation => "non-canonical",
                    FindingKind::Problem => "PROBLEM",
                };
                let _ = writeln!(out, "        ^ {tag}: {}", f.text);
            }
        }
        if let Some(e) = &self.error {
            let _ = writeln!(out, "{:06x}  ^ cannot read further: {}", e.offset, e.message);
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }
}

/// Reads `buf` as a `msg`.
pub fn annotate(c: &Contracts, msg: MsgId, buf: &[u8]) -> Reading {
    let mut w = Walker { c, buf, reading: Reading::default() };
    match w.value(0, &Expect::Message(msg), "$".to_string(), 0) {
        Ok(end) if end < buf.len() => {
            w.reading.error = Some(DecodeError {
                offset: end,
                code: crate::diag::Code::TrailingBytes,
                message: format!("{} byte(s) after the end of the message", buf.len() - end),
            });
        }
        Ok(_) => {}
        Err(e) => w.reading.error = Some(e),
    }
    w.reading
}

#[derive(Clone, Copy)]
enum Expect<'c> {
    Message(MsgId),
    Field(&'c Field),
    Type(&'c Type),
    /// A value the contract does not describe (an unknown field's value).
    Any,
}

struct Walker<'c, 'b> {
    c: &'c Contracts,
    buf: &'b [u8],
    reading: Reading,
}

impl<'c> Walker<'c, '_> {
    fn push(&mut self, t: &Token, path: &str, what: String) -> usize {
        let end =
            if matches!(t.kind, TokenKind::Array(_) | TokenKind::Map(_)) { t.offset + t.head_len } else { t.end() };
        // Only what the table shows is kept: a few bytes of data and a path shortened in the middle, so
        // memory stays proportional to the payload however deep it nests.
        let bytes = self.buf[t.offset..end.min(t.offset + 24)].to_vec();
        self.reading.tokens.push(Annotated {
            offset: t.offset,
            bytes,
            len: end - t.offset,
            format: t.format,
            path: short_path(path),
            what,
            findings: Vec::new(),
        });
        self.reading.tokens.len() - 1
    }

    fn note(&mut self, idx: usize, kind: FindingKind, class: Class, text: String) {
        self.reading.tokens[idx].findings.push(Finding { kind, class, text });
    }

    /// Reads one value at `pos` and returns the offset after it.
    fn value(&mut self, pos: usize, expect: &Expect<'c>, path: String, depth: usize) -> Result<usize, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError {
                offset: pos,
                code: crate::diag::Code::PayloadTooDeep,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
            });
        }
        let t = read_token(self.buf, pos)?;
        let (ty, nullable): (Option<&'c Type>, bool) = match expect {
            Expect::Field(f) => (Some(&f.ty), f.nullable),
            Expect::Type(t) => (Some(*t), false),
            Expect::Message(_) | Expect::Any => (None, false),
        };
        let idx = self.push(&t, &path, self.describe(&t, ty)?);
        self.canonical_format(idx, &t);
        if let TokenKind::Nil = t.kind {
            if !nullable && !matches!(expect, Expect::Any) {
                let hint = match expect {
                    Expect::Field(f) if f.optional => {
                        " (the field is optional: leave the key out instead of writing nil)"
                    }
                    _ => "",
                };
                self.note(
                    idx,
                    FindingKind::Problem,
                    Class::NilVsAbsent,
                    format!("nil, but the contract does not allow nil here{hint}"),
                );
            }
            return Ok(t.end());
        }
        match (expect, ty) {
            (Expect::Message(id), _) => self.message(idx, &t, *id, &path, depth),
            (_, Some(Type::Message(id))) => self.message(idx, &t, *id, &path, depth),
            (Expect::Field(f), Some(ty)) => self.typed(idx, &t, ty, Some(f), &path, depth),
            (_, Some(ty)) => self.typed(idx, &t, ty, None, &path, depth),
            _ => self.any(&t, &path, depth),
        }
    }

    /// What a token holds, for the table.
    fn describe(&self, t: &Token, ty: Option<&Type>) -> Result<String, DecodeError> {
        let data = &self.buf[t.data_start()..t.end()];
        Ok(match t.kind {
            TokenKind::Nil => "= nil".into(),
            TokenKind::Bool(b) => format!("= {b}"),
            TokenKind::Int(i) => match ty {
                Some(Type::Enum(id)) => {
                    let e = self.c.enum_def(*id);
                    match e.values.iter().find(|v| v.number as i128 == i && e.repr == EnumRepr::Int) {
                        Some(v) => format!("= {i} ({})", v.name),
                        None => format!("= {i}"),
                    }
                }
                _ => format!("= {i}"),
            },
            TokenKind::F32(f) => format!("= {}", Value::F32(f).render()),
            TokenKind::F64(f) => format!("= {}", Value::F64(f).render()),
            TokenKind::Str(_) => match std::str::from_utf8(data) {
                Ok(s) => format!("= {}", Value::Str(s.to_string()).render()),
                Err(_) => "= (invalid UTF-8)".into(),
            },
            TokenKind::Bin(n) => format!("= bin[{n}]"),
            TokenKind::Array(n) => format!("({})", count(n, "item")),
            TokenKind::Map(n) => format!("({})", count(n, "entry")),
            TokenKind::Ext(-1, _) => match Timestamp::from_ext_data(data) {
                Ok((ts, form)) => format!("= {} ({})", ts.to_rfc3339(), form.name()),
                Err(e) => format!("= ext -1 ({e})"),
            },
            TokenKind::Ext(ty, n) => format!("= ext {ty} [{n}]"),
        })
    }

    /// Notes when a token's format is not the smallest for its value.
    fn canonical_format(&mut self, idx: usize, t: &Token) {
        let smallest = match t.kind {
            TokenKind::Int(i) => Format::smallest_int(i),
            TokenKind::Str(n) => Format::smallest_str(n),
            TokenKind::Bin(n) => Format::smallest_bin(n),
            TokenKind::Array(n) => Format::smallest_array(n),
            TokenKind::Map(n) => Format::smallest_map(n),
            TokenKind::Ext(-1, _) => match Timestamp::from_ext_data(&self.buf[t.data_start()..t.end()]) {
                Ok((ts, form)) if form != ts.canonical_form() => {
                    let text = format!(
                        "{} where {} holds this time; canonical is `{}`",
                        form.name(),
                        ts.canonical_form().name(),
                        hex_short(&encode(&Value::Timestamp(ts)), 16)
                    );
                    self.note(idx, FindingKind::Deviation, Class::TimestampForm, text);
                    return;
                }
                _ => return,
            },
            TokenKind::Ext(_, n) => Format::smallest_ext(n),
            _ => return,
        };
        if smallest != t.format {
            let canonical = match t.kind {
                TokenKind::Int(i) => format!("; canonical is `{}`", hex_short(&encode(&Value::Int(i)), 16)),
                _ => String::new(),
            };
            let text = format!("{} where {} is enough{canonical}", t.format.name(), smallest.name());
            let class = if matches!(t.kind, TokenKind::Int(_)) { Class::IntWidth } else { Class::LengthFormat };
            self.note(idx, FindingKind::Deviation, class, text);
        }
    }

    fn message(&mut self, idx: usize, t: &Token, id: MsgId, path: &str, depth: usize) -> Result<usize, DecodeError> {
        let m = self.c.message(id);
        let name = self.c.message_name(id);
        match (t.kind, m.shape) {
            (TokenKind::Map(n), Shape::Map) => self.message_map(idx, t.end(), n, id, path, depth),
            (TokenKind::Array(n), Shape::Array) => {
                let required = m.fields.iter().filter(|f| !f.optional).count();
                if n < required || n > m.fields.len() {
                    let text = format!(
                        "{} has {} field(s) ({required} required) but the array has {n} item(s)",
                        name,
                        m.fields.len()
                    );
                    self.note(idx, FindingKind::Problem, Class::FieldMissing, text);
                }
                let mut at = t.end();
                for i in 0..n {
                    let (expect, sub) = match m.fields.get(i) {
                        Some(f) => (Expect::Field(f), format!("{path}.{}", f.name)),
                        None => (Expect::Any, format!("{path}[{i}]")),
                    };
                    at = self.value(at, &expect, sub, depth + 1)?;
                }
                Ok(at)
            }
            (TokenKind::Array(n), Shape::Map) => {
                let text = format!("array of {n} where `{name}` is a map keyed by field names (a struct written positionally: rmp_serde::to_vec, Go `msgpack:\",as_array\"`)");
                self.note(idx, FindingKind::Problem, Class::ArrayVsMap, text);
                let mut at = t.end();
                for i in 0..n {
                    let (expect, sub) = match m.fields.get(i) {
                        Some(f) => (Expect::Field(f), format!("{path}.{}", f.name)),
                        None => (Expect::Any, format!("{path}[{i}]")),
                    };
                    at = self.value(at, &expect, sub, depth + 1)?;
                }
                Ok(at)
            }
            (TokenKind::Map(n), Shape::Array) => {
                self.note(
                    idx,
                    FindingKind::Problem,
                    Class::ArrayVsMap,
                    format!("map where `{name}` is a positional array (shape: array)"),
                );
                self.message_map(idx, t.end(), n, id, path, depth)
            }
            _ => {
                let text = format!("{} where the message `{name}` is expected", t.format.name());
                self.note(idx, FindingKind::Problem, Class::ValueChanged, text);
                self.any(t, path, depth)
            }
        }
    }

    fn message_map(
        &mut self,
        idx: usize,
        start: usize,
        n: usize,
        id: MsgId,
        path: &str,
        depth: usize,
    ) -> Result<usize, DecodeError> {
        let m = self.c.message(id);
        let mut at = start;
        let mut seen: Vec<usize> = Vec::new();
        for _ in 0..n {
            let kt = read_token(self.buf, at)?;
            let key = match kt.kind {
                TokenKind::Str(_) => Some(str_of(&self.buf[kt.data_start()..kt.end()], kt.data_start())?.to_string()),
                _ => None,
            };
            let field = key.as_deref().and_then(|k| m.fields.iter().position(|f| f.name == k));
            let sub = match (&key, field) {
                (Some(k), _) => format!("{path}.{k}"),
                (None, _) => format!("{path}[?]"),
            };
            let kidx = self.push(&kt, &sub, "(key)".into());
            self.canonical_format(kidx, &kt);
            // A key that is an array or a map is read whole, so reading goes on at its value.
            let value_at = match kt.kind {
                TokenKind::Array(_) | TokenKind::Map(_) => self.any(&kt, &sub, depth + 1)?,
                _ => kt.end(),
            };
            match (&key, field) {
                (None, _) => self.note(
                    kidx,
                    FindingKind::Problem,
                    Class::UnknownField,
                    format!("{} as a field key; field keys are str", kt.format.name()),
                ),
                (Some(k), None) => {
                    let loose = m.fields.iter().find(|f| same_name_loosely(&f.name, k)).map(|f| f.name.as_str());
                    let near = loose.or_else(|| did_you_mean(k, m.fields.iter().map(|f| f.name.as_str())));
                    let (class, text) = match near {
                        Some(s) => (Class::FieldName, format!("unknown field `{k}`: the contract's field is `{s}` (a field name that differs: a Go field without a `msgpack:\"{s}\"` tag, or a renamed field)")),
                        None => (Class::UnknownField, format!("unknown field `{k}` (not in `{}`)", self.c.message_name(id))),
                    };
                    self.note(kidx, FindingKind::Problem, class, text);
                }
                (Some(k), Some(fi)) => {
                    if seen.contains(&fi) {
                        self.note(
                            kidx,
                            FindingKind::Problem,
                            Class::ValueChanged,
                            format!("field `{k}` appears twice"),
                        );
                    } else if seen.last().is_some_and(|&last| last > fi) {
                        let text = format!(
                            "field `{k}` comes after `{}`, but is declared before it",
                            m.fields[*seen.last().unwrap_or(&0)].name
                        );
                        self.note(kidx, FindingKind::Deviation, Class::FieldOrder, text);
                    }
                    seen.push(fi);
                }
            }
            let expect = match field {
                Some(fi) => Expect::Field(&m.fields[fi]),
                None => Expect::Any,
            };
            at = self.value(value_at, &expect, sub, depth + 1)?;
        }
        let missing: Vec<&str> = m
            .fields
            .iter()
            .enumerate()
            .filter(|(i, f)| !f.optional && !seen.contains(i))
            .map(|(_, f)| f.name.as_str())
            .collect();
        if !missing.is_empty() {
            let text = format!("missing required field(s) {} (absent keys: Go `omitempty`, rmp-serde `skip_serializing_if`, or a renamed field)", missing.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "));
            self.note(idx, FindingKind::Problem, Class::FieldMissing, text);
        }
        Ok(at)
    }

    fn typed(
        &mut self,
        idx: usize,
        t: &Token,
        ty: &'c Type,
        field: Option<&Field>,
        path: &str,
        depth: usize,
    ) -> Result<usize, DecodeError> {
        let data = &self.buf[t.data_start()..t.end()];
        let k = field.map(|f| &f.constraints);
        let tn = self.c.type_name(ty);
        let mismatch = |w: &mut Self, class: Class, extra: &str| {
            let text = format!("{} where {tn} is declared{extra}", t.format.name());
            w.note(idx, FindingKind::Problem, class, text);
        };
        match (ty, t.kind) {
            (Type::Bool, TokenKind::Bool(_)) => {}
            (Type::Int(it), TokenKind::Int(i)) => {
                if i < it.min() || i > it.max() {
                    let text = format!(
                        "{i} is out of range for {tn} ({}..={}); Go decoders wrap such values silently",
                        it.min(),
                        it.max()
                    );
                    self.note(idx, FindingKind::Problem, Class::IntRange, text);
                } else if let Some(k) = k {
                    if k.min.is_some_and(|m| (i as f64) < m.as_f64()) || k.max.is_some_and(|m| (i as f64) > m.as_f64())
                    {
                        self.note(
                            idx,
                            FindingKind::Problem,
                            Class::ValueChanged,
                            format!("{i} is outside the field's constraints"),
                        );
                    }
                }
            }
            (Type::Int(_), TokenKind::F32(_) | TokenKind::F64(_)) => mismatch(
                self,
                Class::IntVsFloat,
                " (a float for an integer field: Go UseCompactFloats, or a Python float)",
            ),
            (Type::Float32, TokenKind::F64(x))
                if (x.is_nan() || (x as f32) as f64 == x) && !field.is_some_and(|f| out_of_bounds(x, f)) =>
            {
                self.note(
                    idx,
                    FindingKind::Deviation,
                    Class::FloatWidth,
                    "float64 where float32 is declared (the value fits float32, so it reads the same)".into(),
                );
            }
            (Type::Float32, TokenKind::F64(_)) => mismatch(
                self,
                Class::FloatWidth,
                " (float64 written for a float32 field, and the value does not fit float32)",
            ),
            (Type::Float64, TokenKind::F32(_)) => {
                self.note(
                    idx,
                    FindingKind::Deviation,
                    Class::FloatWidth,
                    "float32 where float64 is declared (it widens to the same value)".into(),
                );
            }
            (Type::Float32 | Type::Float64, TokenKind::Int(_)) => mismatch(
                self,
                Class::IntVsFloat,
                " (an integer for a float field: Go UseCompactFloats writes 5.0 as 5)",
            ),
            (Type::Float32 | Type::Float64, TokenKind::F32(_) | TokenKind::F64(_)) => {
                let x = match t.kind {
                    TokenKind::F32(x) => x as f64,
                    TokenKind::F64(x) => x,
                    _ => 0.0,
                };
                let k = k.cloned().unwrap_or_default();
                if (x.is_nan() && !k.allow_nan) || (x.is_infinite() && !k.allow_infinity) {
                    self.note(
                        idx,
                        FindingKind::Problem,
                        Class::ValueChanged,
                        format!("{x} is not allowed here (allow_nan / allow_infinity)"),
                    );
                } else if field.is_some()
                    && (k.min.is_some_and(|m| x < bound(m, ty)) || k.max.is_some_and(|m| x > bound(m, ty)))
                {
                    self.note(
                        idx,
                        FindingKind::Problem,
                        Class::ValueChanged,
                        format!("{x} is outside the field's constraints"),
                    );
                }
            }
            (Type::String, TokenKind::Str(n)) => {
                if let Err(e) = str_of(data, t.data_start()) {
                    self.note(idx, FindingKind::Problem, Class::ValueChanged, e.message);
                }
                self.len_check(idx, n, k);
            }
            (Type::String, TokenKind::Bin(_)) => mismatch(
                self,
                Class::BinVsStr,
                " (bytes for a string: Python use_bin_type with bytes, Go []byte or MarshalBinary)",
            ),
            (Type::Bytes, TokenKind::Bin(n)) => self.len_check(idx, n, k),
            (Type::Bytes, TokenKind::Str(_)) => {
                mismatch(self, Class::BinVsStr, " (str for bytes: Python use_bin_type=False, or a Go string)")
            }
            (Type::Bytes, TokenKind::Array(n)) => {
                mismatch(
                    self,
                    Class::BytesAsArray,
                    " (an array of ints for bytes: Rust Vec<u8> without #[serde(with = \"serde_bytes\")])",
                );
                return self.items(t.end(), n, None, path, depth);
            }
            (Type::Timestamp, TokenKind::Ext(-1, _)) => {
                if let Err(e) = Timestamp::from_ext_data(data) {
                    self.note(idx, FindingKind::Problem, Class::TimestampForm, e.0);
                }
            }
            (Type::Timestamp, TokenKind::Str(_)) => {
                mismatch(self, Class::TimestampForm, " (a timestamp as text: chrono's RFC 3339 string; write ext -1)")
            }
            (Type::Timestamp, TokenKind::Int(_) | TokenKind::F64(_)) => {
                mismatch(self, Class::TimestampForm, " (a timestamp as a number of seconds; write ext -1)")
            }
            (Type::Enum(id), _) => self.enum_value(idx, t, *id, data),
            (Type::List(elem), TokenKind::Array(n)) => {
                self.len_check(idx, n, k);
                return self.items(t.end(), n, Some(elem), path, depth);
            }
            (Type::Map(kt, vt), TokenKind::Map(n)) => {
                self.len_check(idx, n, k);
                return self.map_entries(idx, t.end(), n, kt, vt, path, depth);
            }
            (Type::Message(id), _) => return self.message(idx, t, *id, path, depth),
            _ => mismatch(self, Class::ValueChanged, ""),
        }
        match t.kind {
            TokenKind::Array(_) | TokenKind::Map(_) => self.any(t, path, depth),
            _ => Ok(t.end()),
        }
    }

    fn enum_value(&mut self, idx: usize, t: &Token, id: crate::contract::EnumId, data: &[u8]) {
        let e = self.c.enum_def(id);
        let name = self.c.enum_name(id);
        match (e.repr, t.kind) {
            (EnumRepr::String, TokenKind::Str(_)) => {
                let s = String::from_utf8_lossy(data);
                if !e.values.iter().any(|v| v.name == s) {
                    self.note(
                        idx,
                        FindingKind::Problem,
                        Class::ValueChanged,
                        format!("`{s}` is not a value of {name}"),
                    );
                }
            }
            (EnumRepr::String, TokenKind::Int(i)) => {
                let guess = e
                    .values
                    .get(i as usize)
                    .map(|v| format!(" (index {i} is `{}`; rmp-serde reads it as that variant silently)", v.name))
                    .unwrap_or_default();
                self.note(
                    idx,
                    FindingKind::Problem,
                    Class::EnumRepr,
                    format!("enum {name} written as the integer {i}; the contract sends its name{guess}"),
                );
            }
            (EnumRepr::Int, TokenKind::Int(i)) => {
                if !e.values.iter().any(|v| v.number as i128 == i) {
                    self.note(idx, FindingKind::Problem, Class::ValueChanged, format!("{i} is not a number of {name}"));
                }
            }
            (EnumRepr::Int, TokenKind::Str(_)) => {
                let s = String::from_utf8_lossy(data);
                self.note(
                    idx,
                    FindingKind::Problem,
                    Class::EnumRepr,
                    format!("enum {name} written as the name `{s}`; the contract sends its number (repr: int)"),
                );
            }
            _ => self.note(
                idx,
                FindingKind::Problem,
                Class::ValueChanged,
                format!("{} where the enum {name} is declared", t.format.name()),
            ),
        }
    }

    fn len_check(&mut self, idx: usize, n: usize, k: Option<&crate::contract::Constraints>) {
        let Some(k) = k else { return };
        if k.min_len.is_some_and(|m| (n as u64) < m) || k.max_len.is_some_and(|m| (n as u64) > m) {
            self.note(
                idx,
                FindingKind::Problem,
                Class::ValueChanged,
                format!("length {n} is outside the field's length constraints"),
            );
        }
    }

    fn items(
        &mut self,
        start: usize,
        n: usize,
        elem: Option<&'c Type>,
        path: &str,
        depth: usize,
    ) -> Result<usize, DecodeError> {
        let mut at = start;
        for i in 0..n {
            let expect = elem.map_or(Expect::Any, Expect::Type);
            at = self.value(at, &expect, format!("{path}[{i}]"), depth + 1)?;
        }
        Ok(at)
    }

    #[allow(clippy::too_many_arguments)]
    fn map_entries(
        &mut self,
        idx: usize,
        start: usize,
        n: usize,
        kt: &'c Type,
        vt: &'c Type,
        path: &str,
        depth: usize,
    ) -> Result<usize, DecodeError> {
        let mut at = start;
        let mut prev: Option<Vec<u8>> = None;
        let mut out_of_order = false;
        for _ in 0..n {
            let kstart = at;
            let key_token = read_token(self.buf, at)?;
            let key_text = match key_token.kind {
                TokenKind::Str(_) => {
                    format!("{:?}", String::from_utf8_lossy(&self.buf[key_token.data_start()..key_token.end()]))
                }
                TokenKind::Int(i) => i.to_string(),
                _ => "?".into(),
            };
            let sub = format!("{path}[{key_text}]");
            let key_index = self.reading.tokens.len();
            at = self.value(at, &Expect::Type(kt), sub.clone(), depth + 1)?;
            self.reading.tokens[key_index].what = "(key)".into();
            let key_bytes = canonical_bytes(&self.buf[kstart..at]);
            if prev.as_ref().is_some_and(|p| *p > key_bytes) {
                out_of_order = true;
            }
            prev = Some(key_bytes);
            at = self.value(at, &Expect::Type(vt), sub, depth + 1)?;
        }
        if out_of_order {
            self.note(
                idx,
                FindingKind::Deviation,
                Class::MapKeyOrder,
                "map keys are not sorted by their encoded bytes (Go and Python keep insertion or random order)".into(),
            );
        }
        Ok(at)
    }

    /// Reads a value the contract does not describe, token by token.
    fn any(&mut self, t: &Token, path: &str, depth: usize) -> Result<usize, DecodeError> {
        match t.kind {
            TokenKind::Array(n) => self.items(t.end(), n, None, path, depth),
            TokenKind::Map(n) => {
                let mut at = t.end();
                for i in 0..n {
                    at = self.value(at, &Expect::Any, format!("{path}{{key {i}}}"), depth + 1)?;
                    at = self.value(at, &Expect::Any, format!("{path}{{value {i}}}"), depth + 1)?;
                }
                Ok(at)
            }
            _ => Ok(t.end()),
        }
    }
}

/// Paths longer than [`MAX_PATH`] characters keep their start and end: `$.request_id[0][0]…[0][0]`.
const MAX_PATH: usize = 48;

fn short_path(path: &str) -> String {
    if path.len() <= MAX_PATH {
        return path.to_string();
    }
    let mut head = 16;
    while !path.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = path.len() - (MAX_PATH - head - 3);
    while !path.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{}…{}", &path[..head], &path[tail..])
}

/// The canonical encoding of an already-validated key's bytes (for comparing key order).
fn canonical_bytes(raw: &[u8]) -> Vec<u8> {
    match crate::wire::decode(raw) {
        Ok(v) => encode(&v),
        Err(_) => raw.to_vec(),
    }
}

/// A float bound as the field's width sees it (a float32 field compares at float32).
fn bound(n: crate::contract::Num, ty: &Type) -> f64 {
    match ty {
        Type::Float32 => n.as_f64() as f32 as f64,
        _ => n.as_f64(),
    }
}

fn out_of_bounds(x: f64, f: &Field) -> bool {
    let k = &f.constraints;
    (x.is_nan() && !k.allow_nan)
        || (x.is_infinite() && !k.allow_infinity)
        || k.min.is_some_and(|m| x < bound(m, &f.ty))
        || k.max.is_some_and(|m| x > bound(m, &f.ty))
}

fn count(n: usize, what: &str) -> String {
    match (n, what) {
        (1, _) => format!("1 {what}"),
        (_, "entry") => format!("{n} entries"),
        _ => format!("{n} {what}s"),
    }
}
