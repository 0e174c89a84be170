//! Messages in a payload: a map's keys matched to the fields (unknown, missing, twice, out of order,
//! spelled otherwise), an array's positions to the fields.
use super::*;

impl<'c> Walker<'c, '_> {
    pub(super) fn message(
        &mut self,
        idx: usize,
        t: &Token,
        id: MsgId,
        path: &str,
        depth: usize,
    ) -> Result<usize, DecodeError> {
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
                self.fields_by_position(t.end(), n, id, path, depth)
            }
            (TokenKind::Array(n), Shape::Map) => {
                let text = format!("array of {n} where `{name}` is a map keyed by field names (a struct written positionally: rmp_serde::to_vec, Go `msgpack:\",as_array\"`)");
                self.note(idx, FindingKind::Problem, Class::ArrayVsMap, text);
                self.fields_by_position(t.end(), n, id, path, depth)
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

    /// The `n` items of an array read as the message's fields in declared order (`$.name`), and any past the
    /// last field as values of no declared type (`$[i]`); the position after them.
    fn fields_by_position(
        &mut self,
        mut at: usize,
        n: usize,
        id: MsgId,
        path: &str,
        depth: usize,
    ) -> Result<usize, DecodeError> {
        let m = self.c.message(id);
        for i in 0..n {
            let (expect, sub) = match m.fields.get(i) {
                Some(f) => (Expect::Field(f), format!("{path}.{}", f.name)),
                None => (Expect::Any, format!("{path}[{i}]")),
            };
            at = self.value(at, &expect, sub, depth + 1)?;
        }
        Ok(at)
    }

    pub(super) fn message_map(
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
}
