//! Examples and defaults: YAML values checked against their types and turned into canonical [`Value`]s.
//!
//! This is where a typed value gets its canonical shape: message fields in declared order (or a positional
//! array), floats at their declared width, `map<K,V>` entries sorted by their encoded keys, enums as names
//! or numbers, timestamps as ext -1. The encoder then only picks smallest formats.
use super::num::parse_num;
use super::*;
use crate::diag::{did_you_mean, Code};
use crate::limits::{MAX_EXAMPLE_KEYS, MAX_UNKNOWN_KEYS_REPORTED};
use crate::wire::{encode, format::parse_hex, Timestamp};
use crate::yaml::NodeKind;
use std::collections::{HashMap, HashSet};

/// Converts every example and default in place, reporting every problem.
pub fn convert_all(c: &mut Contracts, diags: &mut Diagnostics) {
    let mut examples = Vec::new();
    let mut defaults = Vec::new();
    for id in c.message_ids() {
        let m = c.message(id);
        let mut conv = Converter { c, diags, context: String::new() };
        for (ei, ex) in m.examples.iter().enumerate() {
            conv.context = format!("example `{}` of `{}`", ex.name, c.message_name(id));
            examples.push((id, ei, conv.message(&ex.node, id, "$", 0)));
        }
        for (fi, f) in m.fields.iter().enumerate() {
            if let Some((node, _)) = &f.default {
                conv.context = format!("default of `{}.{}`", c.message_name(id), f.name);
                defaults.push((id, fi, conv.field(node, f, &format!("$.{}", f.name), 0)));
            }
        }
        if m.examples.is_empty() {
            diags.error(
                Code::NoExamples,
                m.span,
                format!("message `{}` has no examples", c.message_name(id)),
                "add `examples:` with at least a minimal one; examples become golden cases",
            );
        }
    }
    for (id, ei, v) in examples {
        c.packages[id.package as usize].messages[id.index as usize].examples[ei].value = v;
    }
    for (id, fi, v) in defaults {
        if let Some(d) = &mut c.packages[id.package as usize].messages[id.index as usize].fields[fi].default {
            d.1 = v;
        }
    }
}

/// Deepest nesting of messages inside an example (recursive messages are allowed, infinite ones are not).
const MAX_EXAMPLE_DEPTH: usize = 48;

pub struct Converter<'a> {
    pub c: &'a Contracts,
    pub diags: &'a mut Diagnostics,
    /// "example `minimal` of `chat.ChatRequest`", for messages.
    pub context: String,
}

impl Converter<'_> {
    fn err(&mut self, code: Code, node: &Node, path: &str, msg: impl AsRef<str>, hint: impl Into<String>) {
        let message = format!("{} at {path}: {}", self.context, msg.as_ref());
        self.diags.error(code, node.span, message, hint);
    }

    pub fn message(&mut self, node: &Node, id: MsgId, path: &str, depth: usize) -> Option<Value> {
        let m = self.c.message(id);
        if depth > MAX_EXAMPLE_DEPTH {
            self.err(
                Code::TooDeep,
                node,
                path,
                format!("messages nested deeper than {MAX_EXAMPLE_DEPTH} levels"),
                "shorten the example",
            );
            return None;
        }
        let Some(entries) = node.as_map() else {
            self.err(
                Code::ExampleType,
                node,
                path,
                format!("expected a mapping of `{}` fields, found a {}", m.name, node.kind_name()),
                "write the message as `field: value` lines",
            );
            return None;
        };
        if entries.len() > MAX_EXAMPLE_KEYS {
            self.err(
                Code::LimitExceeded,
                node,
                path,
                format!("{} keys in one message value, more than {MAX_EXAMPLE_KEYS}", entries.len()),
                "examples hold a handful of fields; docs/limits.md says why the bound exists",
            );
            return None;
        }
        // Keys and fields are matched through hash maps: an example with n keys for n fields is linear.
        let given: HashMap<&str, &Node> = entries.iter().filter_map(|(k, v)| Some((k.as_str()?, v))).collect();
        let declared: HashSet<&str> = m.fields.iter().map(|f| f.name.as_str()).collect();
        let mut ok = true;
        let mut unknown = 0usize;
        for (k, _) in entries {
            let name = k.as_str().unwrap_or("");
            if declared.contains(name) {
                continue;
            }
            ok = false;
            unknown += 1;
            if unknown > MAX_UNKNOWN_KEYS_REPORTED {
                continue;
            }
            let hint = match did_you_mean(name, m.fields.iter().take(1_000).map(|f| f.name.as_str())) {
                Some(s) => format!("did you mean `{s}`?"),
                None if m.fields.len() <= 50 => format!(
                    "`{}` has fields: {}",
                    m.name,
                    m.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
                None => format!("`{}` has {} fields; see its definition", m.name, m.fields.len()),
            };
            self.err(Code::ExampleUnknown, k, path, format!("unknown field `{name}`"), hint);
        }
        if unknown > MAX_UNKNOWN_KEYS_REPORTED {
            self.err(
                Code::ExampleUnknown,
                node,
                path,
                format!("{} more unknown fields", unknown - MAX_UNKNOWN_KEYS_REPORTED),
                "fix the ones above first",
            );
        }
        let mut out: Vec<(Value, Value)> = Vec::with_capacity(m.fields.len());
        let mut items: Vec<Value> = Vec::with_capacity(m.fields.len());
        for f in &m.fields {
            let sub = format!("{path}.{}", f.name);
            match given.get(f.name.as_str()) {
                Some(v) => match self.field(v, f, &sub, depth) {
                    Some(v) if m.shape == Shape::Map => out.push((Value::Str(f.name.clone()), v)),
                    Some(v) => items.push(v),
                    None => ok = false,
                },
                None if f.optional => {}
                None => {
                    let hint = if f.nullable {
                        format!(
                            "add `{}: null` (the field is nullable, but not optional: the key must be there)",
                            f.name
                        )
                    } else {
                        format!("add `{}: ...` or make the field `optional: true`", f.name)
                    };
                    self.err(Code::ExampleMissing, node, path, format!("missing required field `{}`", f.name), hint);
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        Some(match m.shape {
            Shape::Map => Value::Map(out),
            Shape::Array => Value::Array(items),
        })
    }

    pub fn field(&mut self, node: &Node, f: &Field, path: &str, depth: usize) -> Option<Value> {
        if node.is_null() {
            if f.nullable {
                return Some(Value::Nil);
            }
            let hint = if f.optional {
                format!("leave `{}` out to omit it: optional means it may be absent, not null", f.name)
            } else {
                format!("give a value, or mark `{}` as `nullable: true`", f.name)
            };
            self.err(Code::ExampleNull, node, path, format!("`{}` is not nullable", f.name), hint);
            return None;
        }
        self.typed(node, &f.ty, Some(&f.constraints), path, depth)
    }

    pub fn typed(
        &mut self,
        node: &Node,
        ty: &Type,
        k: Option<&Constraints>,
        path: &str,
        depth: usize,
    ) -> Option<Value> {
        let tn = self.c.type_name(ty);
        let mismatch = |s: &mut Self, hint: &str| {
            s.err(Code::ExampleType, node, path, format!("expected {tn}, found {}", describe(node)), hint.to_string());
            None
        };
        match ty {
            Type::Bool => match node.scalar().and_then(|s| s.as_bool()) {
                Some(b) => Some(Value::Bool(b)),
                None => mismatch(self, "write `true` or `false` without quotes"),
            },
            Type::Int(it) => {
                let Some(s) = node.scalar().filter(|s| !s.quoted) else {
                    return mismatch(self, "write an integer without quotes");
                };
                match parse_num(&s.text) {
                    Some(Num::Int(i)) if i < it.min() || i > it.max() => {
                        self.err(
                            Code::ExampleRange,
                            node,
                            path,
                            format!("{i} is out of range for {tn} ({}..={})", it.min(), it.max()),
                            "use a value that fits the type, or widen the type",
                        );
                        None
                    }
                    Some(Num::Int(i)) => self.range(node, path, i as f64, k).then_some(Value::Int(i)),
                    Some(Num::Float(_)) => {
                        mismatch(self, "integer fields take integers: drop the fraction (5, not 5.0)")
                    }
                    None if s.text.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'_')
                        && !s.text.is_empty() =>
                    {
                        self.err(
                            Code::ExampleRange,
                            node,
                            path,
                            format!("{} is out of range for {tn}", s.text),
                            "use a value that fits the type",
                        );
                        None
                    }
                    None => mismatch(self, "write an integer"),
                }
            }
            Type::Float32 | Type::Float64 => {
                let Some(s) = node.scalar().filter(|s| !s.quoted) else {
                    return mismatch(self, "write a number without quotes");
                };
                let Some(n) = parse_num(&s.text) else {
                    return mismatch(self, "write a number like 0.7, or .nan / .inf where allowed");
                };
                let x = n.as_f64();
                let allowed = k.cloned().unwrap_or_default();
                if x.is_nan() && !allowed.allow_nan {
                    self.err(
                        Code::ExampleRange,
                        node,
                        path,
                        "NaN is not allowed here",
                        "add `allow_nan: true` to the field's constraints if NaN is a valid value",
                    );
                    return None;
                }
                if x.is_infinite() && !allowed.allow_infinity {
                    self.err(
                        Code::ExampleRange,
                        node,
                        path,
                        "infinity is not allowed here",
                        "add `allow_infinity: true` to the field's constraints if it is a valid value",
                    );
                    return None;
                }
                if *ty == Type::Float32 && x.is_finite() && x.abs() > f32::MAX as f64 {
                    self.err(
                        Code::ExampleRange,
                        node,
                        path,
                        format!("{x} is out of range for float32"),
                        "use float64, or a smaller value",
                    );
                    return None;
                }
                if !x.is_nan() && !self.range(node, path, x, k) {
                    return None;
                }
                Some(if *ty == Type::Float32 { Value::F32(x as f32) } else { Value::F64(x) })
            }
            Type::String => {
                let Some(s) = node.scalar().filter(|s| !s.is_null()) else { return mismatch(self, "write text") };
                self.len(node, path, s.text.len(), k, "bytes of UTF-8").then(|| Value::Str(s.text.clone()))
            }
            Type::Bytes => {
                let bytes = self.bytes(node, path)?;
                self.len(node, path, bytes.len(), k, "bytes").then_some(Value::Bin(bytes))
            }
            Type::Timestamp => self.timestamp(node, path).map(Value::Timestamp),
            Type::List(t) => {
                let Some(items) = node.as_seq() else { return mismatch(self, "write a list: `[a, b]` or `- a` lines") };
                if !self.len(node, path, items.len(), k, "items") {
                    return None;
                }
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    let sub = format!("{path}[{i}]");
                    if item.is_null() {
                        self.err(
                            Code::ExampleNull,
                            item,
                            &sub,
                            "list items cannot be null",
                            "remove the null item (lists of nullable items are not supported)",
                        );
                        ok = false;
                        continue;
                    }
                    match self.typed(item, t, None, &sub, depth + 1) {
                        Some(v) => out.push(v),
                        None => ok = false,
                    }
                }
                ok.then_some(Value::Array(out))
            }
            Type::Map(kt, vt) => {
                let Some(entries) = node.as_map() else {
                    return mismatch(self, "write a mapping of `key: value` lines");
                };
                if !self.len(node, path, entries.len(), k, "entries") {
                    return None;
                }
                let mut out = Vec::with_capacity(entries.len());
                let mut ok = true;
                for (kn, vn) in entries {
                    let key_text = kn.as_str().unwrap_or("").to_string();
                    let sub = format!("{path}[{key_text:?}]");
                    let key = match **kt {
                        Type::String => Some(Value::Str(key_text.clone())),
                        _ => self.typed(kn, kt, None, &sub, depth + 1),
                    };
                    if vn.is_null() {
                        self.err(
                            Code::ExampleNull,
                            vn,
                            &sub,
                            "map values cannot be null",
                            "remove the entry (maps of nullable values are not supported)",
                        );
                        ok = false;
                        continue;
                    }
                    let val = self.typed(vn, vt, None, &sub, depth + 1);
                    match (key, val) {
                        (Some(k), Some(v)) => out.push((k, v)),
                        _ => ok = false,
                    }
                }
                // Canonical order: by encoded key bytes. Two spellings of one integer key collide here.
                let mut keyed: Vec<(Vec<u8>, (Value, Value))> =
                    out.into_iter().map(|(k, v)| (encode(&k), (k, v))).collect();
                keyed.sort_by(|a, b| a.0.cmp(&b.0));
                if keyed.windows(2).any(|w| w[0].0 == w[1].0) {
                    self.err(
                        Code::Duplicate,
                        node,
                        path,
                        "two keys of this map are the same value",
                        "remove one of them",
                    );
                    ok = false;
                }
                ok.then(|| Value::Map(keyed.into_iter().map(|(_, kv)| kv).collect()))
            }
            Type::Enum(id) => {
                let e = self.c.enum_def(*id);
                let text = node.as_str().unwrap_or("");
                let by_name = e.values.iter().find(|v| v.name == text);
                let by_number = (e.repr == EnumRepr::Int)
                    .then(|| text.parse::<i64>().ok())
                    .flatten()
                    .and_then(|n| e.values.iter().find(|v| v.number == n));
                match by_name.or(by_number) {
                    Some(v) => Some(e.wire(v)),
                    None => {
                        let names: Vec<&str> = e.values.iter().map(|v| v.name.as_str()).collect();
                        let hint = match did_you_mean(text, names.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("`{}` has values: {}", e.name, names.join(", ")),
                        };
                        self.err(
                            Code::ExampleRange,
                            node,
                            path,
                            format!("`{text}` is not a value of enum `{}`", e.name),
                            hint,
                        );
                        None
                    }
                }
            }
            Type::Message(id) => self.message(node, *id, path, depth + 1),
            Type::Named(_) => None, // already reported as an unknown type
        }
    }

    fn range(&mut self, node: &Node, path: &str, x: f64, k: Option<&Constraints>) -> bool {
        let Some(k) = k else { return true };
        if let Some(min) = k.min {
            if x < min.as_f64() {
                self.err(
                    Code::ExampleRange,
                    node,
                    path,
                    format!("{} is below the minimum {min}", render_num(node)),
                    "use a value within the field's constraints",
                );
                return false;
            }
        }
        if let Some(max) = k.max {
            if x > max.as_f64() {
                self.err(
                    Code::ExampleRange,
                    node,
                    path,
                    format!("{} is above the maximum {max}", render_num(node)),
                    "use a value within the field's constraints",
                );
                return false;
            }
        }
        true
    }

    fn len(&mut self, node: &Node, path: &str, n: usize, k: Option<&Constraints>, unit: &str) -> bool {
        let Some(k) = k else { return true };
        if k.min_len.is_some_and(|m| (n as u64) < m) || k.max_len.is_some_and(|m| (n as u64) > m) {
            let range = format!(
                "{}..={}",
                k.min_len.map_or("0".into(), |m| m.to_string()),
                k.max_len.map_or(String::new(), |m| m.to_string())
            );
            self.err(
                Code::ExampleRange,
                node,
                path,
                format!("length {n} {unit} is outside {range}"),
                "use a value within the field's length constraints",
            );
            return false;
        }
        true
    }

    fn bytes(&mut self, node: &Node, path: &str) -> Option<Vec<u8>> {
        const HINT: &str =
            "write bytes as `!!binary BASE64`, `{hex: \"01 02\"}`, `{base64: \"AQI=\"}` or `{utf8: \"text\"}`";
        if let Some(s) = node.scalar() {
            if s.has_tag("binary") {
                return match base64_decode(&s.text) {
                    Ok(b) => Some(b),
                    Err(e) => {
                        self.err(Code::ExampleLiteral, node, path, format!("bad base64: {e}"), HINT);
                        None
                    }
                };
            }
        }
        let decoded = match node.as_map() {
            Some([(k, v)]) => match (k.as_str(), v.as_str()) {
                (Some("hex"), Some(t)) => parse_hex(t).map_err(|e| e.0),
                (Some("base64"), Some(t)) => base64_decode(t),
                (Some("utf8"), Some(t)) => Ok(t.as_bytes().to_vec()),
                (Some("hex" | "base64" | "utf8"), None) => Ok(Vec::new()),
                _ => Err("unknown bytes form".to_string()),
            },
            _ => Err(format!("found {}", describe(node))),
        };
        match decoded {
            Ok(b) => Some(b),
            Err(e) => {
                let code = if node.as_map().is_some() { Code::ExampleLiteral } else { Code::ExampleType };
                self.err(code, node, path, format!("cannot read bytes: {e}"), HINT);
                None
            }
        }
    }

    fn timestamp(&mut self, node: &Node, path: &str) -> Option<Timestamp> {
        const HINT: &str = "write an RFC 3339 time like 2024-05-01T12:30:00.25Z, or {seconds: N, nanos: M}";
        if let Some(text) = node.as_str().filter(|_| node.as_map().is_none()) {
            return match Timestamp::parse_rfc3339(text) {
                Ok(t) => Some(t),
                Err(e) => {
                    self.err(Code::ExampleLiteral, node, path, e.0, HINT);
                    None
                }
            };
        }
        if node.as_map().is_some() {
            let secs = node.get("seconds").and_then(|n| n.as_str()).and_then(|s| s.parse::<i64>().ok());
            let nanos = node.get("nanos").map_or(Some(0), |n| n.as_str().and_then(|s| s.parse::<u32>().ok()));
            if let (Some(s), Some(n)) = (secs, nanos) {
                if let Some(t) = Timestamp::new(s, n) {
                    return Some(t);
                }
            }
            self.err(Code::ExampleLiteral, node, path, "expected `seconds` (int64) and `nanos` (0..999999999)", HINT);
            return None;
        }
        self.err(Code::ExampleType, node, path, format!("expected timestamp, found {}", describe(node)), HINT);
        None
    }
}

fn render_num(node: &Node) -> String {
    node.as_str().unwrap_or("?").to_string()
}

fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::Scalar(s) if s.is_null() => "null".into(),
        NodeKind::Scalar(s) if s.quoted => format!("the string {:?}", s.text),
        NodeKind::Scalar(s) => format!("`{}`", s.text),
        NodeKind::Seq(_) => "a list".into(),
        NodeKind::Map(_) => "a mapping".into(),
    }
}

/// Standard base64 with optional padding and whitespace.
fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return Err(format!("`{}` is not a base64 character", c as char)),
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("AQID").unwrap(), vec![1, 2, 3]);
        assert!(base64_decode("a*b").is_err());
    }
}
