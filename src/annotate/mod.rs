//! A token-by-token reading of a payload against a message type.
//!
//! This is what people read when bytes disagree: every MessagePack token with its offset, bytes, format
//! and field path (`$.usage.prompt_tokens`), plus two kinds of findings: *deviations* (the value is fine,
//! the bytes are not canonical: an int64 written at full width, keys out of order) and *problems* (the
//! bytes do not fit the type: an array where a map is expected, an unknown field, a str where bin is
//! declared). Golden twins, `msgpact inspect` and verify's reports are all printed from it.
mod messages;
mod typed;

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

fn count(n: usize, what: &str) -> String {
    match (n, what) {
        (1, _) => format!("1 {what}"),
        (_, "entry") => format!("{n} entries"),
        _ => format!("{n} {what}s"),
    }
}
