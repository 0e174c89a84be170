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
use super::points::{lengths, scalar_variants, LENGTHS, SIZES};
use crate::contract::{Constraints, Contracts, MsgId, Shape, Type};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::limits::{size, MAX_CASE_BYTES, MAX_EDGE_ITEMS, MAX_EDGE_LEN, MAX_GOLDEN_BYTES};
use crate::wire::Value;
use std::collections::HashMap;

/// The weight of one value besides its text and bytes.
pub const NODE: u64 = 128;

/// Most elements of a list or map edge case whose elements weigh `item` each (see [`check`]):
/// at most [`MAX_EDGE_ITEMS`], and at most half a case's weight in all.
pub(super) fn edge_cap(item: u64) -> usize {
    (MAX_EDGE_ITEMS as u64).min(MAX_CASE_BYTES / 2 / item.max(1)) as usize
}

/// The weight of one map entry whose value weighs `value`: the entry's key (a short string or an integer)
/// and the value.
pub(super) fn map_item(value: u64) -> u64 {
    (2 * NODE + 8).saturating_add(value)
}

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
        for (fi, case) in w.edge_cases(id, base) {
            sum = sum.saturating_add(case);
            if worst.is_none_or(|(wv, _)| case > wv) {
                worst = Some((case, fi));
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
        } else if let Some((case, fi)) = worst.filter(|(case, _)| *case > MAX_CASE_BYTES) {
            let f = &m.fields[fi];
            diags.push(Diagnostic::new(
                Code::LimitExceeded,
                f.constraints.span.unwrap_or(f.span),
                format!(
                    "an edge case of `{name}.{}` would weigh {}, more than the {} a golden case may weigh",
                    f.name,
                    size(case),
                    size(MAX_CASE_BYTES)
                ),
                "lower the field's `min_len` or that of the types it contains; docs/limits.md explains the weight",
            ));
        }
    }
    if total > MAX_GOLDEN_BYTES && !diags.has_errors() {
        let span = heaviest.map(|(_, id)| c.message(id).span);
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

    /// The weight bound of every edge case of message `id` whose base weighs `base`, with its field: the base,
    /// plus the variant, plus the field's key (the base may lack an optional field), plus for array-shaped
    /// messages the sample values that fill the positions before the field.
    fn edge_cases(&mut self, id: MsgId, base: u64) -> Vec<(usize, u64)> {
        let m = self.c.message(id);
        let fill = match m.shape {
            Shape::Map => 0,
            Shape::Array => {
                m.fields.iter().fold(0u64, |a, f| a.saturating_add(self.sample(&f.ty, Some(&f.constraints), 1)))
            }
        };
        let mut out = Vec::new();
        for (fi, f) in m.fields.iter().enumerate() {
            let key = NODE + f.name.len() as u64;
            for v in self.field_variants(&f.ty, &f.constraints, f.nullable) {
                out.push((fi, base.saturating_add(key).saturating_add(fill).saturating_add(v)));
            }
        }
        out
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
            _ => out.extend(scalar_variants(self.c, ty, k).iter().map(|(_, v)| weight(v))),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::golden::{cases, Origin};

    fn load(text: &str) -> Contracts {
        let (c, d) = crate::contract::load_sources(vec![("t.yaml".into(), Ok(text.as_bytes().to_vec()))]);
        assert!(!d.has_errors(), "{}", d.render_all(&c.sources));
        c
    }

    /// Every generated case weighs at most what the check counted for it, and the minimal values at most
    /// what the estimate says (the estimate decides the caps, so both sides use the same one).
    fn assert_upper_bound(c: &Contracts) {
        let mut w = Weigher::new(c);
        for id in c.message_ids() {
            let m = c.message(id);
            let (base, _) = w.base(id);
            if m.examples.iter().all(|e| e.value.is_none()) {
                let actual = weight(&cases::minimal_message(c, id, 0));
                assert!(base >= actual, "{}: {base} < {actual}", c.message_name(id));
            }
            let bounds = w.edge_cases(id, base);
            for case in cases::for_message(c, id) {
                let Origin::Edge { field } = case.origin else { continue };
                let most = bounds.iter().filter(|(fi, _)| *fi == field).map(|(_, b)| *b).max().unwrap_or(0);
                assert!(
                    weight(&case.value) <= most,
                    "{} {}: {} > {most}",
                    c.message_name(id),
                    case.id,
                    weight(&case.value)
                );
            }
        }
    }

    #[test]
    fn the_estimate_bounds_every_case_of_the_repository_contracts() {
        let (c, d) = Contracts::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts"));
        assert!(!d.has_errors());
        assert_upper_bound(&c);
        assert!(!check(&c).has_errors());
    }

    #[test]
    fn the_estimate_bounds_lists_maps_and_nested_messages_with_lengths() {
        let c = load(
            "package: p\nversion: 1.0.0\nmessages:\n  Inner:\n    fields:\n      - {name: s, type: string, constraints: {min_len: 300}}\n      - {name: l, type: list<bytes>, constraints: {min_len: 3}}\n  Outer:\n    fields:\n      - {name: xs, type: list<Inner>, constraints: {min_len: 2, max_len: 100000}}\n      - {name: m, type: 'map<uint16, Inner>', constraints: {min_len: 20}}\n      - {name: b, type: bytes, constraints: {max_len: 5000000}}\n      - {name: ll, type: list<list<uint8>>, constraints: {max_len: 70000}}\n      - {name: n, type: Inner, nullable: true}\n  Arr:\n    shape: array\n    fields:\n      - {name: a, type: string, optional: true, constraints: {min_len: 40}}\n      - {name: b, type: list<uint8>, optional: true, constraints: {max_len: 100}}\n    examples:\n      e: {}\n",
        );
        assert_upper_bound(&c);
        assert!(!check(&c).has_errors(), "{}", check(&c).render_all(&c.sources));
        let outer = cases::for_message(&c, c.find_message("p.Outer").unwrap());
        let longest =
            outer.iter().filter(|k| k.id.starts_with("edge.xs.len-")).map(|k| k.id.clone()).max_by_key(|id| id.len());
        assert!(
            longest.as_deref().is_some_and(|id| id != "edge.xs.len-100000"),
            "a list of heavy items is capped: {longest:?}"
        );
    }

    #[test]
    fn constraints_that_force_heavy_values_are_located_errors() {
        let c = load("package: p\nversion: 1.0.0\nmessages:\n  A:\n    fields:\n      - name: l\n        type: list<uint8>\n        constraints: {min_len: 200000000}\n");
        let d = check(&c);
        assert_eq!(d.items.len(), 1, "{}", d.render_all(&c.sources));
        assert_eq!(d.items[0].code, Code::LimitExceeded);
        assert_eq!(d.items[0].span.map(|s| (s.line, s.col)), Some((8, 23)));
        assert!(d.items[0].message.contains("field `l` alone weighs"), "{}", d.items[0].message);
        // 5,000 boolean fields: 10,000 cases of 5,000 fields each.
        let mut text = String::from("package: p\nversion: 1.0.0\nmessages:\n  Wide:\n    fields:\n");
        for i in 0..5_000 {
            text.push_str(&format!("      - {{name: f{i}, type: bool}}\n"));
        }
        let d = check(&load(&text));
        assert!(d.items.iter().any(|x| x.message.contains("the golden cases would weigh")), "{:?}", d.items);
    }
}
