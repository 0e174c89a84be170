//! The rules, applied: two versions of the contracts in, [`Finding`]s out.
//!
//! Messages and enums are matched by full name (`package.Name`). Fields of map-shaped messages are
//! matched by name (their key on the wire); fields of array-shaped messages by name and by position (their
//! index is what travels, so a same-typed field renamed in place changes nothing). Findings are filtered
//! by the mode before version discipline is checked, so `PACKAGE_VERSION_NOT_BUMPED` follows the mode.
mod enums;
mod fields;
mod versions;

pub use versions::major_bump;

use super::domain::{Pair, Verdict};
use super::rules::Rule;
use super::{Finding, Location, Options, Side};
use crate::contract::{Contracts, Message, MsgId, Package, Shape};
use crate::source::Span;
use crate::yaml::{Node, NodeKind};
use std::collections::{HashMap, HashSet};

/// Compares the earlier version `prev` (labelled `against`) with `cur`.
pub fn compare(prev: &Contracts, cur: &Contracts, against: &str, opts: &Options) -> Vec<Finding> {
    let mut cx = Cx { prev, cur, against, opts, renamed: HashMap::new(), out: Vec::new() };
    cx.messages();
    cx.enums();
    cx.out.retain(|f| f.rule.breaks().in_mode(opts.mode));
    cx.versions();
    cx.out.sort_by(|a, b| (&a.location, a.rule.id(), &a.message).cmp(&(&b.location, b.rule.id(), &b.message)));
    cx.out
}

struct Cx<'a> {
    prev: &'a Contracts,
    cur: &'a Contracts,
    against: &'a str,
    opts: &'a Options,
    renamed: HashMap<String, String>,
    out: Vec<Finding>,
}

/// What a finding is about.
struct About<'s> {
    package: &'s str,
    subject: String,
    field: Option<&'s str>,
}

fn shape_name(s: Shape) -> &'static str {
    match s {
        Shape::Map => "map",
        Shape::Array => "array",
    }
}

impl<'a> Cx<'a> {
    fn in_scope(&self, package: &str) -> bool {
        self.opts.package.as_deref().is_none_or(|p| p == package)
    }

    fn loc(c: &Contracts, side: Side, span: Span) -> Location {
        Location { side, path: c.sources.path(span.file).display().to_string(), line: span.line, col: span.col }
    }

    fn push(&mut self, rule: Rule, location: Location, anchor: Option<Location>, about: &About, message: String) {
        self.out.push(Finding {
            rule,
            message,
            location,
            anchor,
            package: about.package.to_string(),
            subject: about.subject.clone(),
            field: about.field.map(str::to_string),
            against: self.against.to_string(),
        });
    }

    /// A finding located in the current contracts.
    fn at_cur(&mut self, rule: Rule, span: Span, about: &About, message: String) {
        let loc = Self::loc(self.cur, Side::Current, span);
        self.push(rule, loc, None, about, message);
    }

    /// A finding located in the previous version, anchored in the current contracts.
    fn at_prev(&mut self, rule: Rule, span: Span, anchor: Option<Span>, about: &About, message: String) {
        let loc = Self::loc(self.prev, Side::Previous, span);
        let anchor = anchor.map(|s| Self::loc(self.cur, Side::Current, s));
        self.push(rule, loc, anchor, about, message);
    }

    fn pair(&self) -> Pair<'_> {
        Pair { prev: self.prev, cur: self.cur, renamed: &self.renamed }
    }

    fn cur_package(&self, name: &str) -> Option<&'a Package> {
        self.cur.packages.iter().find(|p| p.name == name)
    }

    // ----- messages -----

    fn messages(&mut self) {
        let prev_ids: Vec<MsgId> =
            self.prev.message_ids().filter(|id| self.in_scope(&self.prev.package_of(*id).name)).collect();
        let prev_names: HashSet<String> = self.prev.message_ids().map(|id| self.prev.message_name(id)).collect();
        let mut added: Vec<MsgId> =
            self.cur.message_ids().filter(|id| !prev_names.contains(&self.cur.message_name(*id))).collect();
        // Renames first, so that fields referring to a renamed message compare as unchanged.
        let mut gone = Vec::new();
        for &pid in &prev_ids {
            let name = self.prev.message_name(pid);
            if self.cur.find_message(&name).is_ok() {
                continue;
            }
            match added.iter().position(|&cid| self.same_structure(self.prev.message(pid), self.cur.message(cid))) {
                Some(i) => {
                    let cid = added.remove(i);
                    self.renamed.insert(name, self.cur.message_name(cid));
                }
                None => gone.push(pid),
            }
        }
        for &pid in &prev_ids {
            let name = self.prev.message_name(pid);
            let pkg = &self.prev.package_of(pid).name;
            let pm = self.prev.message(pid);
            if let Ok(cid) = self.cur.find_message(&name) {
                self.message(pm, cid);
            } else if let Some(new) = self.renamed.get(&name).cloned() {
                let cid = self.cur.find_message(&new).expect("renamed to a current message");
                let about = About { package: pkg, subject: name.clone(), field: None };
                self.at_cur(
                    Rule::MessageRenamed,
                    self.cur.message(cid).span,
                    &about,
                    format!(
                        "message `{name}` was renamed to `{new}` (same fields and shape, so the bytes do not change): generated types, other contracts' references to `{name}`, `msgpact inspect --type {name}` and its golden paths break"
                    ),
                );
            } else {
                let about = About { package: pkg, subject: name.clone(), field: None };
                let anchor = self.cur_package(pkg).map(|p| p.span);
                let subjects = if pm.subjects.is_empty() {
                    String::new()
                } else {
                    format!(" on {}", pm.subjects.iter().map(|(s, _)| format!("`{s}`")).collect::<Vec<_>>().join(", "))
                };
                self.at_prev(
                    Rule::MessageRemoved,
                    pm.span,
                    anchor,
                    &about,
                    format!("message `{name}` was removed: old writers may still send it{subjects}, and new readers no longer know how to decode it"),
                );
            }
        }
    }

    /// Same shape and the same fields (names, types, optional, nullable), in order.
    fn same_structure(&self, a: &Message, b: &Message) -> bool {
        a.shape == b.shape
            && a.fields.len() == b.fields.len()
            && a.fields.iter().zip(&b.fields).all(|(x, y)| {
                x.name == y.name
                    && x.optional == y.optional
                    && x.nullable == y.nullable
                    && self.pair().types(&x.ty, &y.ty) == Verdict::Same
            })
    }

    fn message(&mut self, pm: &'a Message, cid: MsgId) {
        let cur = self.cur;
        let cm = cur.message(cid);
        let name = cur.message_name(cid);
        let pkg = &cur.package_of(cid).name;
        let about = About { package: pkg, subject: name.clone(), field: None };
        if pm.shape != cm.shape {
            self.at_cur(
                Rule::MessageShapeChanged,
                cm.span,
                &about,
                format!(
                    "message `{name}` changed shape from {} to {}: msgpack-python hands application code a {} where it expected a {}, and vmihailenco needs arrays of exactly the field count (rmp-serde accepts both)",
                    shape_name(pm.shape),
                    shape_name(cm.shape),
                    if cm.shape == Shape::Array { "list" } else { "dict" },
                    if cm.shape == Shape::Array { "dict" } else { "list" },
                ),
            );
        }
        self.subjects(pm, cm, &about);
        match (pm.shape, cm.shape) {
            (Shape::Map, Shape::Map) => self.map_fields(pm, cm, &about),
            (Shape::Array, Shape::Array) => self.array_fields(pm, cm, &about),
            _ => {
                for pf in &pm.fields {
                    if let Some(cf) = cm.fields.iter().find(|f| f.name == pf.name) {
                        self.field(pf, cf, &about, None);
                    }
                }
            }
        }
    }

    fn subjects(&mut self, pm: &Message, cm: &Message, about: &About) {
        let has = |m: &Message, s: &str| m.subjects.iter().any(|(x, _)| x == s);
        let removed: Vec<(usize, &(String, Span))> =
            pm.subjects.iter().enumerate().filter(|(_, (s, _))| !has(cm, s)).collect();
        let added: Vec<(usize, &(String, Span))> =
            cm.subjects.iter().enumerate().filter(|(_, (s, _))| !has(pm, s)).collect();
        for &(i, (old, old_span)) in &removed {
            let replacement = added.iter().find(|(j, _)| *j == i).or(if removed.len() == 1 && added.len() == 1 {
                added.first()
            } else {
                None
            });
            match replacement {
                Some((_, (new, span))) => self.at_cur(
                    Rule::SubjectChanged,
                    *span,
                    about,
                    format!(
                        "`{}` moved from subject `{old}` to `{new}`: old writers publish on `{old}`, where new readers no longer listen, and new writers publish on `{new}`, where old readers do not",
                        about.subject
                    ),
                ),
                None => self.at_prev(
                    Rule::SubjectRemoved,
                    *old_span,
                    Some(cm.span),
                    about,
                    format!("`{}` is no longer published on `{old}`: old writers still publish there, where new readers no longer listen, and old readers wait there for messages new writers no longer send", about.subject),
                ),
            }
        }
    }
}

/// A YAML node as text, without positions.
pub fn node_text(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar(s) if s.is_null() => "null".into(),
        NodeKind::Scalar(s) => s.text.clone(),
        NodeKind::Seq(items) => format!("[{}]", items.iter().map(node_text).collect::<Vec<_>>().join(", ")),
        NodeKind::Map(entries) => format!(
            "{{{}}}",
            entries.iter().map(|(k, v)| format!("{}: {}", node_text(k), node_text(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}
