//! Values against their declared type: scalars in their formats and ranges, enums, lists and maps with
//! their lengths, items and keys.
use super::*;

impl<'c> Walker<'c, '_> {
    pub(super) fn typed(
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

    pub(super) fn enum_value(&mut self, idx: usize, t: &Token, id: crate::contract::EnumId, data: &[u8]) {
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

    pub(super) fn len_check(&mut self, idx: usize, n: usize, k: Option<&crate::contract::Constraints>) {
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

    pub(super) fn items(
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
    pub(super) fn map_entries(
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
