//! The size of the golden cases, known before they are generated.
//!
//! Constraints can ask for values of any size: `min_len: 4000000000` on a string, a `list<uint8>` of two
//! hundred million elements, a message whose every field is a long list. Generating first and measuring after
//! would take the gigabytes the bound is there to prevent, so this module computes, from the contracts
//! alone, the *weight* of every case [`super::cases`] would generate: 128 bytes per value (what a value costs
//! in memory and in its readable twin, one annotated line per token) plus the bytes of its strings and binary
//! data. A case heavier than [`MAX_CASE_BYTES`], or all of them together heavier than [`MAX_GOLDEN_BYTES`],
//! is an error located at the constraint or message responsible, reported by `lint` and by every command
//! before anything is generated. The weight is an upper bound: an edge case is counted as its base value plus
//! its variant.
use super::cases::{edge_cap, lengths, map_item, type_variants, LENGTHS, SIZES};
use crate::contract::{Constraints, Contracts, MsgId, Shape, Type};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::limits::{size, MAX_CASE_BYTES, MAX_EDGE_LEN, MAX_GOLDEN_BYTES};
use crate::wire::Value;
use std::collections::HashMap;

/// The weight of one value besides its text and bytes.
pub const NODE: u64 = 128;

/// How deep the minimal value of a recursive message goes (the same cut as [`super::cases::minimal_message`]).
const MAX_SAMPLE_DEPTH: usize = 32;

/// Every case and the total checked against their bounds; empty when all is within them.
pub fn check(c: &Contracts) -> Diagnostics {
    let mut w = Weigher::new(c);
    let mut diags = Diagnostics::default();
    let mut total: u64 = 0;
    let mut heaviest: Option<(u64, MsgId)> = None;
    for id in c.message_ids() {
        let m = c.message(id);
        let name = c.message_name(id);
        let mut sum: u64 = m.examples.iter().filter_map(|e| e.value.as_ref()).map(weight).fold(0, u64::saturating_add);
        let (base, parts) = w.base(id);
        let mut worst: Option<(u64, usize)> = None;
        for (fi, f) in m.fields.iter().enumerate() {
            for v in w.field_variants(&f.ty, &f.constraints, f.nullable) {
                let case = base.saturating_add(v);
                sum = sum.saturating_add(case);
                if worst.is_none_or(|(wv, _)| v > wv) {
                    worst = Some((v, fi));
                }
            }
        }
        total = total.saturating_add(sum);
        if heaviest.is_none_or(|(h, _)| sum > h) {
            heaviest = Some((sum, id));
        }
        if base > MAX_CASE_BYTES {
            // Every case of the message holds its smallest value: blame the field that makes it heavy.
            let (fi, part) = parts.iter().copied().enumerate().max_by_key(|&(_, p)| p).unwrap_or((0, base));
            let span = m.fields.get(fi).map_or(m.span, |f| f.constraints.span.unwrap_or(f.span));
            let field = m
                .fields
                .get(fi)
                .map_or(String::new(), |f| format!(" (field `{}` alone weighs {})", f.name, size(part)));
            diags.push(Diagnostic::new(
                Code::LimitExceeded,
                span,
                format!(
                    "the smallest value of `{name}` weighs {}{field}, more than the {} a golden case may weigh",
                    size(base),
                    size(MAX_CASE_BYTES)
                ),
                "lower `min_len` here (or of the lists and messages it contains); docs/limits.md explains the weight",
            ));
        } else if let Some((v, fi)) = worst.filter(|(v, _)| base.saturating_add(*v) > MAX_CASE_BYTES) {
            let f = &m.fields[fi];
            diags.push(Diagnostic::new(
                Code::LimitExceeded,
                f.constraints.span.unwrap_or(f.span),
                format!(
                    "an edge case of `{name}.{}` would weigh {}, more than the {} a golden case may weigh",
                    f.name,
                    size(base.saturating_add(v)),
                    size(MAX_CASE_BYTES)
                ),
                "lower the field's `min_len` or that of the types it contains; docs/limits.md explains the weight",
            ));
        }
    }
    if total > MAX_GOLDEN_BYTES && !diags.has_errors() {
        let span = heaviest.map_or(None, |(_, id)| Some(c.message(id).span));
        let heaviest = heaviest.map_or(String::new(), |(h, id)| {
            format!("; the heaviest message, `{}`, accounts for {}", c.message_name(id), size(h))
        });
        let message = format!(
            "the golden cases would weigh {} in all, more than {}{heaviest}",
            size(total),
            size(MAX_GOLDEN_BYTES)
        );
        let hint = "lower the `min_len`s of the heaviest messages, or split the contracts into separate directories; \
                    docs/limits.md explains the weight";
        diags.push(match span {
            Some(s) => Diagnostic::new(Code::LimitExceeded, s, message, hint),
            None => Diagnostic::without_span(Code::LimitExceeded, message, hint),
        });
    }
    diags
}

/// The weight of a value already built (an example).
pub fn weight(v: &Value) -> u64 {
    let mut total = 0u64;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        total = total.saturating_add(NODE);
        match v {
            Value::Str(s) => total = total.saturating_add(s.len() as u64),
            Value::Bin(b) | Value::Ext(_, b) => total = total.saturating_add(b.len() as u64),
            Value::Array(items) => stack.extend(items),
            Value::Map(entries) => stack.extend(entries.iter().flat_map(|(k, v)| [k, v])),
            _ => {}
        }
    }
    total
}

/// Weights of values [`super::cases`] would build, computed without building them.
pub struct Weigher<'c> {
    c: &'c Contracts,
    /// The weight of `minimal_message(id, depth)`, by message and depth (so recursion costs nothing twice).
    minimal: HashMap<(MsgId, usize), u64>,
}

impl<'c> Weigher<'c> {
    pub fn new(c: &'c Contracts) -> Self {
        Weigher { c, minimal: HashMap::new() }
    }

    /// The base of a message's edge cases (its first example, else its minimal value) and the weight of
    /// each field in it.
    fn base(&mut self, id: MsgId) -> (u64, Vec<u64>) {
        let m = self.c.message(id);
        if let Some(v) = m.examples.iter().find_map(|e| e.value.as_ref()) {
            let parts = match (m.shape, v) {
                (Shape::Map, Value::Map(entries)) => m
                    .fields
                    .iter()
                    .map(|f| {
                        entries
                            .iter()
                            .find(|(k, _)| matches!(k, Value::Str(s) if *s == f.name))
                            .map_or(0, |(_, v)| weight(v))
                    })
                    .collect(),
                (Shape::Array, Value::Array(items)) => {
                    (0..m.fields.len()).map(|i| items.get(i).map_or(0, weight)).collect()
                }
                _ => Vec::new(),
            };
            return (weight(v), parts);
        }
        let parts: Vec<u64> = m.fields.iter().map(|f| self.minimal_field(f, 0)).collect();
        (NODE.saturating_add(parts.iter().fold(0, |a, &p| a.saturating_add(p))), parts)
    }

    /// A field's share of `minimal_message` at `depth` (0 when it is optional).
    fn minimal_field(&mut self, f: &crate::contract::Field, depth: usize) -> u64 {
        if f.optional {
            return 0;
        }
        let key = NODE + f.name.len() as u64;
        let value =
            if f.nullable || depth > MAX_SAMPLE_DEPTH { NODE } else { self.sample(&f.ty, Some(&f.constraints), depth) };
        key.saturating_add(value)
    }

    /// The weight of `minimal_message(c, id, depth)`.
    fn minimal(&mut self, id: MsgId, depth: usize) -> u64 {
        if let Some(&w) = self.minimal.get(&(id, depth)) {
            return w;
        }
        let m = self.c.message(id);
        let mut total = NODE;
        for f in &m.fields {
            total = total.saturating_add(self.minimal_field(f, depth));
        }
        self.minimal.insert((id, depth), total);
        total
    }

    /// The weight of `sample(c, ty, k, depth)` (see there: lengths at least 1 for text, 0 for lists, within
    /// the constraints).
    pub fn sample(&mut self, ty: &Type, k: Option<&Constraints>, depth: usize) -> u64 {
        let len = |default: u64| {
            let k = k.cloned().unwrap_or_default();
            default.max(k.min_len.unwrap_or(0)).min(k.max_len.unwrap_or(u64::MAX))
        };
        match ty {
            Type::String | Type::Bytes => NODE.saturating_add(len(1)),
            Type::List(elem) => {
                let item = self.sample(elem, None, depth + 1);
                NODE.saturating_add(len(0).saturating_mul(item))
            }
            Type::Map(_, vt) => {
                let item = map_item(self.sample(vt, None, depth + 1));
                NODE.saturating_add(len(0).saturating_mul(item))
            }
            Type::Message(id) => {
                let m = self.c.message(*id);
                match m.examples.iter().find_map(|e| e.value.as_ref()) {
                    Some(v) => weight(v),
                    None => self.minimal(*id, depth + 1),
                }
            }
            _ => NODE,
        }
    }

    /// The weight of each edge-case variant of a field (see `field_variants` in [`super::cases`]).
    fn field_variants(&mut self, ty: &Type, k: &Constraints, nullable: bool) -> Vec<u64> {
        let mut out = Vec::new();
        if nullable {
            out.push(NODE);
        }
        match ty {
            Type::String | Type::Bytes => {
                out.extend(lengths(k, &LENGTHS, MAX_EDGE_LEN).into_iter().map(|n| NODE + n as u64));
                out.push(NODE + 64); // the utf8 sample, when the constraints allow it
            }
            Type::List(elem) => {
                let item = self.sample(elem, None, 1);
                out.extend(
                    lengths(k, &SIZES, edge_cap(item)).into_iter().map(|n| NODE.saturating_add(n as u64 * item)),
                );
            }
            Type::Map(_, vt) => {
                let item = map_item(self.sample(vt, None, 1));
                out.extend(
                    lengths(k, &SIZES, edge_cap(item)).into_iter().map(|n| NODE.saturating_add(n as u64 * item)),
                );
            }
            Type::Message(id) => {
                let m = self.c.message(*id);
                let examples: Vec<u64> = m.examples.iter().filter_map(|e| e.value.as_ref()).map(weight).collect();
                if examples.is_empty() {
                    out.push(self.minimal(*id, 1));
                } else {
                    out.extend(examples);
                }
            }
            // Booleans, numbers, timestamps and enums: a few small values each, cheap to build and weigh.
            _ => out.extend(type_variants(self.c, ty, k).iter().map(|(_, v)| weight(v))),
        }
        out
    }
}
