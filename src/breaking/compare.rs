//! The rules, applied: two versions of the contracts in, [`Finding`]s out.
//!
//! Messages and enums are matched by full name (`package.Name`). Fields of map-shaped messages are
//! matched by name (their key on the wire); fields of array-shaped messages by name and by position (their
//! index is what travels, so a same-typed field renamed in place changes nothing). Findings are filtered
//! by the mode before version discipline is checked, so `PACKAGE_VERSION_NOT_BUMPED` follows the mode.
use super::domain::{Pair, Range, Verdict};
use super::rules::{Breaks, Rule};
use super::{Finding, Location, Options, Side};
use crate::contract::{Contracts, EnumDef, EnumRepr, Field, Message, MsgId, Num, Package, Shape, Type, Version};
use crate::source::Span;
use crate::wire::Value;
use crate::yaml::{Node, NodeKind};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

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

    fn map_fields(&mut self, pm: &'a Message, cm: &'a Message, about: &About) {
        let removed: Vec<usize> =
            (0..pm.fields.len()).filter(|&i| !cm.fields.iter().any(|f| f.name == pm.fields[i].name)).collect();
        let mut added: Vec<usize> =
            (0..cm.fields.len()).filter(|&i| !pm.fields.iter().any(|f| f.name == cm.fields[i].name)).collect();
        let single = removed.len() == 1 && added.len() == 1;
        for (pi, pf) in pm.fields.iter().enumerate() {
            if let Some(cf) = cm.fields.iter().find(|f| f.name == pf.name) {
                self.field(pf, cf, about, None);
                continue;
            }
            let same_type = |ci: &usize| self.pair().types(&pf.ty, &cm.fields[*ci].ty) == Verdict::Same;
            let renamed = added.iter().position(|ci| *ci == pi && same_type(ci)).or_else(|| {
                if single && same_type(&added[0]) {
                    Some(0)
                } else {
                    None
                }
            });
            let field_about = About { package: about.package, subject: about.subject.clone(), field: Some(&pf.name) };
            if let Some(k) = renamed {
                let cf = &cm.fields[added.remove(k)];
                let about = About { field: Some(&cf.name), ..field_about };
                self.at_cur(
                    Rule::FieldRenamed,
                    cf.span,
                    &about,
                    format!(
                        "field `{}` of map-shaped `{}` was renamed to `{}`: old readers look for key `{}` and new readers for `{}`, so each finds the field missing in the other's data{}",
                        pf.name,
                        about.subject,
                        cf.name,
                        pf.name,
                        cf.name,
                        if pf.optional && cf.optional { " and silently drops it" } else { " (rmp-serde: missing field; Go: silently the zero value)" }
                    ),
                );
                self.field(pf, cf, &about, None);
            } else if !pf.optional {
                self.at_prev(
                    Rule::FieldRemoved,
                    pf.span,
                    Some(cm.span),
                    &field_about,
                    format!(
                        "required field `{}` was removed from map-shaped `{}`: new writers no longer send key `{}`, which old readers still require (rmp-serde: missing field `{}`; Go: silently the zero value; Python: KeyError)",
                        pf.name, about.subject, pf.name, pf.name
                    ),
                );
            }
        }
        for ci in added {
            let cf = &cm.fields[ci];
            if !cf.optional {
                let about = About { package: about.package, subject: about.subject.clone(), field: Some(&cf.name) };
                self.at_cur(
                    Rule::FieldAddedRequired,
                    cf.span,
                    &about,
                    format!(
                        "required field `{}` was added to map-shaped `{}`: data from old writers lacks key `{}`, which new readers require (rmp-serde: missing field; Go: silently the zero value); add it as `optional: true` instead",
                        cf.name, about.subject, cf.name
                    ),
                );
            }
        }
    }

    fn array_fields(&mut self, pm: &'a Message, cm: &'a Message, about: &About) {
        let pos = |m: &Message, name: &str| m.fields.iter().position(|f| f.name == name);
        let mut moves = Vec::new();
        for (pi, pf) in pm.fields.iter().enumerate() {
            match pos(cm, &pf.name) {
                Some(ci) => {
                    if ci != pi {
                        moves.push((pf.name.as_str(), pi, ci));
                    }
                    self.field(pf, &cm.fields[ci], about, None);
                }
                None => {
                    // Renamed (or retyped) in place: the position is what travels.
                    if let Some(cf) = cm.fields.get(pi).filter(|cf| pos(pm, &cf.name).is_none()) {
                        self.field(pf, cf, about, Some(pi));
                    }
                }
            }
        }
        let paired = |i: usize| {
            i < pm.fields.len().min(cm.fields.len())
                && pos(cm, &pm.fields[i].name).is_none()
                && pos(pm, &cm.fields[i].name).is_none()
        };
        if let Some(&(first, _, _)) = moves.iter().min_by_key(|(_, _, ci)| *ci) {
            let mut what: Vec<String> =
                moves.iter().map(|(n, a, b)| format!("`{n}` moved from index {a} to {b}")).collect();
            for (ci, cf) in cm.fields.iter().enumerate() {
                if pos(pm, &cf.name).is_none() && !paired(ci) {
                    what.push(format!("`{}` inserted at index {ci}", cf.name));
                }
            }
            for (pi, pf) in pm.fields.iter().enumerate() {
                if pos(cm, &pf.name).is_none() && !paired(pi) {
                    what.push(format!("`{}` removed from index {pi}", pf.name));
                }
            }
            let span = cm.fields[pos(cm, first).expect("moved field exists")].span;
            self.at_cur(
                Rule::FieldPositionChanged,
                span,
                about,
                format!(
                    "fields of array-shaped `{}` are at other positions: {}; old and new readers read each other's values into the wrong fields, or fail on their types",
                    about.subject,
                    what.join(", ")
                ),
            );
        } else if pm.fields.len() != cm.fields.len() {
            let (n, m) = (pm.fields.len(), cm.fields.len());
            let libs = "rmp-serde (LengthMismatch, or a missing element) and vmihailenco (`number of fields in array-encoded struct has changed`) reject arrays of another length";
            if m > n {
                let names: Vec<String> = cm.fields[n..].iter().map(|f| format!("`{}`", f.name)).collect();
                self.at_cur(
                    Rule::ArrayLengthChanged,
                    cm.fields[n].span,
                    about,
                    format!(
                        "{} appended to array-shaped `{}`: it now has {m} elements instead of {n}; {libs}, in both directions",
                        names.join(", "),
                        about.subject
                    ),
                );
            } else {
                let names: Vec<String> = pm.fields[m..].iter().map(|f| format!("`{}`", f.name)).collect();
                self.at_prev(
                    Rule::ArrayLengthChanged,
                    pm.fields[m].span,
                    Some(cm.span),
                    about,
                    format!(
                        "{} removed from the end of array-shaped `{}`: it now has {m} elements instead of {n}; {libs}, in both directions",
                        names.join(", "),
                        about.subject
                    ),
                );
            }
        }
    }

    // ----- fields -----

    /// Compares one field's type, presence, nullability, default and constraints. `index` is set for
    /// fields of array-shaped messages paired by position under different names.
    fn field(&mut self, pf: &Field, cf: &Field, msg: &About, index: Option<usize>) {
        let about = About { package: msg.package, subject: msg.subject.clone(), field: Some(&cf.name) };
        let what = match index {
            Some(i) => format!("field `{}` (index {i}, `{}` before) of `{}`", cf.name, pf.name, msg.subject),
            None => format!("field `{}` of `{}`", cf.name, msg.subject),
        };
        let verdict = self.field_type(pf, cf);
        let (pt, ct) = (self.prev.type_name(&pf.ty), self.cur.type_name(&cf.ty));
        match &verdict {
            Verdict::Same => {}
            Verdict::Widened(r) => self.at_cur(
                Rule::FieldTypeWidened,
                cf.ty_span,
                &about,
                format!("{what} widened from `{pt}` to `{ct}`: {r}"),
            ),
            Verdict::Narrowed(r) => self.at_cur(
                Rule::FieldTypeNarrowed,
                cf.ty_span,
                &about,
                format!("{what} narrowed from `{pt}` to `{ct}`: {r}"),
            ),
            Verdict::Changed(r) => self.at_cur(
                Rule::FieldTypeChanged,
                cf.ty_span,
                &about,
                format!("{what} changed type from `{pt}` to `{ct}`: {r}"),
            ),
        }
        match (pf.optional, cf.optional) {
            (true, false) => self.at_cur(
                Rule::FieldMadeRequired,
                cf.span,
                &about,
                format!("{what} is now required: old writers may have omitted it, and new readers reject data without it (rmp-serde: missing field; Go: silently the zero value)"),
            ),
            (false, true) => self.at_cur(
                Rule::FieldMadeOptional,
                cf.span,
                &about,
                format!("{what} is now optional: new writers may omit it, and old readers require it (rmp-serde: missing field; Go: silently the zero value; Python: KeyError)"),
            ),
            _ => {}
        }
        match (pf.nullable, cf.nullable) {
            (false, true) => self.at_cur(
                Rule::FieldMadeNullable,
                cf.span,
                &about,
                format!("{what} is now nullable: new writers may send nil (c0), which old readers reject (rmp-serde: invalid type: unit value) or silently turn into a zero value (Go)"),
            ),
            (true, false) => self.at_cur(
                Rule::FieldMadeNotNullable,
                cf.span,
                &about,
                format!("{what} is no longer nullable: old data may hold nil (c0), which new readers reject (rmp-serde) or silently turn into a zero value (Go)"),
            ),
            _ => {}
        }
        if let (Some((pn, pv)), Some((cn, cv))) = (&pf.default, &cf.default) {
            let differ = match (pv, cv) {
                (Some(a), Some(b)) => !same_value(a, b),
                _ => node_text(pn) != node_text(cn),
            };
            if differ {
                self.at_cur(
                    Rule::FieldDefaultChanged,
                    cn.span,
                    &about,
                    format!(
                        "default of {what} changed from `{}` to `{}`: services built from the old and the new contract fill an absent key with different values, so the same payload means two things",
                        node_text(pn),
                        node_text(cn)
                    ),
                );
            }
        }
        if !matches!(verdict, Verdict::Changed(_)) {
            self.constraints(pf, cf, &about, &what);
        }
    }

    /// The type verdict; for integers, what the constraints allowed counts, not only the type's range.
    fn field_type(&self, pf: &Field, cf: &Field) -> Verdict {
        let (Type::Int(a), Type::Int(b)) = (&pf.ty, &cf.ty) else { return self.pair().types(&pf.ty, &cf.ty) };
        if a == b {
            return Verdict::Same;
        }
        let (ra, rb) = (Range::of(*a), Range::of(*b));
        let old_eff = ra.intersect(int_bounds(pf));
        let new_eff = rb.intersect(int_bounds(cf));
        let (an, bn) = (a.name(), b.name());
        match (rb.contains(old_eff), ra.contains(new_eff)) {
            (true, true) => Verdict::Same,
            (true, false) => Verdict::Widened(format!(
                "new readers read every old value, but new writers may send values outside {ra} that old `{an}` readers reject (rmp-serde, msgpack-python peers) or wrap silently (Go)"
            )),
            (false, true) => Verdict::Narrowed(format!(
                "old writers may have sent values outside {rb} that new `{bn}` readers reject (rmp-serde, msgpack-python peers) or wrap silently (Go: 300 into uint8 is 44)"
            )),
            (false, false) => Verdict::Changed(format!("neither range contains the other ({an} {ra}, {bn} {rb})")),
        }
    }

    fn constraints(&mut self, pf: &Field, cf: &Field, about: &About, what: &str) {
        let (a, b) = (&pf.constraints, &cf.constraints);
        let mut tight = Vec::new();
        let mut loose = Vec::new();
        // Lengths: min_len defaults to 0, max_len to none.
        let (old_min, new_min) = (a.min_len.unwrap_or(0), b.min_len.unwrap_or(0));
        match new_min.cmp(&old_min) {
            Ordering::Greater => tight.push(format!("min_len {old_min} -> {new_min}")),
            Ordering::Less => loose.push(format!("min_len {old_min} -> {new_min}")),
            Ordering::Equal => {}
        }
        bound(
            &mut tight,
            &mut loose,
            "max_len",
            a.max_len.map(|n| Num::Int(n as i128)),
            b.max_len.map(|n| Num::Int(n as i128)),
            true,
        );
        bound(&mut tight, &mut loose, "min", effective(pf, a.min, false), effective(cf, b.min, false), false);
        bound(&mut tight, &mut loose, "max", effective(pf, a.max, true), effective(cf, b.max, true), true);
        for (name, old, new) in
            [("allow_nan", a.allow_nan, b.allow_nan), ("allow_infinity", a.allow_infinity, b.allow_infinity)]
        {
            match (old, new) {
                (true, false) => tight.push(format!("{name} removed")),
                (false, true) => loose.push(format!("{name} added")),
                _ => {}
            }
        }
        let span = b.span.unwrap_or(cf.span);
        if !tight.is_empty() {
            self.at_cur(
                Rule::ConstraintTightened,
                span,
                about,
                format!("constraints of {what} got narrower ({}): old data may violate them, and new readers that validate reject it", tight.join(", ")),
            );
        }
        if !loose.is_empty() {
            self.at_cur(
                Rule::ConstraintLoosened,
                span,
                about,
                format!("constraints of {what} got wider ({}): new writers may send values that old readers reject when they validate", loose.join(", ")),
            );
        }
    }

    // ----- enums -----

    fn enums(&mut self) {
        let prev = self.prev;
        for pp in &prev.packages {
            if !self.in_scope(&pp.name) {
                continue;
            }
            let Some(cp) = self.cur_package(&pp.name) else { continue };
            for pe in &pp.enums {
                if let Some(ce) = cp.enums.iter().find(|e| e.name == pe.name) {
                    self.enum_def(&pp.name, pe, ce);
                }
            }
        }
    }

    fn enum_def(&mut self, pkg: &str, pe: &EnumDef, ce: &EnumDef) {
        let name = format!("{pkg}.{}", ce.name);
        let about = About { package: pkg, subject: name.clone(), field: None };
        let repr = |r: EnumRepr| if r == EnumRepr::String { "string" } else { "int" };
        if pe.repr != ce.repr {
            self.at_cur(
                Rule::EnumReprChanged,
                ce.span,
                &about,
                format!("enum `{name}` changed repr from {} to {}: its values travel as {} now, which no old reader accepts, and old data as {}, which no new reader accepts", repr(pe.repr), repr(ce.repr), if ce.repr == EnumRepr::Int { "ints" } else { "strs" }, if pe.repr == EnumRepr::Int { "ints" } else { "strs" }),
            );
            return;
        }
        let libs = "rmp-serde: unknown variant; Python Enum: ValueError";
        match ce.repr {
            EnumRepr::String => {
                let removed: Vec<usize> =
                    (0..pe.values.len()).filter(|&i| !ce.values.iter().any(|v| v.name == pe.values[i].name)).collect();
                let mut added: Vec<usize> =
                    (0..ce.values.len()).filter(|&i| !pe.values.iter().any(|v| v.name == ce.values[i].name)).collect();
                let single = removed.len() == 1 && added.len() == 1;
                for &pi in &removed {
                    let pv = &pe.values[pi];
                    match added.iter().position(|&ci| ci == pi).or(if single { Some(0) } else { None }) {
                        Some(k) => {
                            let cv = &ce.values[added.remove(k)];
                            self.at_cur(
                                Rule::EnumValueRenamed,
                                cv.span,
                                &about,
                                format!("value `{}` of string-repr enum `{name}` was renamed to `{}`: the name is what travels, so old readers reject `{}` and new readers reject `{}` ({libs})", pv.name, cv.name, cv.name, pv.name),
                            );
                        }
                        None => self.at_prev(
                            Rule::EnumValueRemoved,
                            pv.span,
                            Some(ce.span),
                            &about,
                            format!("value `{}` was removed from enum `{name}`: old data may hold \"{}\", which new readers reject ({libs})", pv.name, pv.name),
                        ),
                    }
                }
                for ci in added {
                    let cv = &ce.values[ci];
                    self.at_cur(
                        Rule::EnumValueAdded,
                        cv.span,
                        &about,
                        format!(
                            "value `{}` was added to enum `{name}`: new writers may send \"{}\", which old readers reject ({libs}; Go accepts any string)",
                            cv.name, cv.name
                        ),
                    );
                }
            }
            EnumRepr::Int => {
                for pv in &pe.values {
                    if let Some(cv) = ce.values.iter().find(|v| v.name == pv.name) {
                        if cv.number != pv.number {
                            self.at_cur(
                                Rule::EnumValueRenumbered,
                                cv.span,
                                &about,
                                format!("value `{}` of int-repr enum `{name}` was renumbered from {} to {}: the number is what travels, so old and new services read {} and {} as different values", pv.name, pv.number, cv.number, pv.number, cv.number),
                            );
                        }
                    } else if !ce.values.iter().any(|v| v.number == pv.number) {
                        self.at_prev(
                            Rule::EnumValueRemoved,
                            pv.span,
                            Some(ce.span),
                            &about,
                            format!(
                                "value `{}` ({}) was removed from int-repr enum `{name}`: old data may hold {}, which new readers reject ({libs})",
                                pv.name, pv.number, pv.number
                            ),
                        );
                    }
                }
                for cv in &ce.values {
                    if !pe.values.iter().any(|v| v.name == cv.name || v.number == cv.number) {
                        self.at_cur(
                            Rule::EnumValueAdded,
                            cv.span,
                            &about,
                            format!("value `{}` ({}) was added to int-repr enum `{name}`: new writers may send {}, which old readers reject ({libs}; Go accepts any number)", cv.name, cv.number, cv.number),
                        );
                    }
                }
            }
        }
    }

    // ----- version discipline -----

    fn versions(&mut self) {
        let mut extra = Vec::new();
        for cp in self.cur.packages.iter().filter(|p| self.in_scope(&p.name)) {
            let Some(pp) = self.prev.packages.iter().find(|p| p.name == cp.name) else { continue };
            let breaking: Vec<&Finding> = self
                .out
                .iter()
                .filter(|f| f.package == cp.name && f.is_error() && f.rule.breaks() != Breaks::Version)
                .collect();
            let about = About { package: &cp.name, subject: cp.name.clone(), field: None };
            if !breaking.is_empty() && !major_bump(pp.version, cp.version) {
                let mut rules: Vec<&str> = breaking.iter().map(|f| f.rule.id()).collect();
                rules.sort();
                rules.dedup();
                let next = if pp.version.major == 0 {
                    Version { major: 0, minor: pp.version.minor + 1, patch: 0 }
                } else {
                    Version { major: pp.version.major + 1, minor: 0, patch: 0 }
                };
                extra.push((
                    Rule::PackageVersionNotBumped,
                    cp.version_span,
                    about,
                    format!(
                        "package `{}` has {} since {} ({}) but its version went from {} to {}: bump it to {next} or later",
                        cp.name,
                        crate::diag::plural(breaking.len(), "breaking change"),
                        self.against,
                        rules.join(", "),
                        pp.version,
                        cp.version
                    ),
                ));
            } else if breaking.is_empty()
                && cp.version <= pp.version
                && fingerprint(self.prev, pp) != fingerprint(self.cur, cp)
            {
                extra.push((
                    Rule::PackageVersionNotChanged,
                    cp.version_span,
                    about,
                    format!(
                        "package `{}` changed compatibly since {} but its version {}: bump the minor version for additions, the patch version for docs and examples",
                        cp.name,
                        self.against,
                        if cp.version == pp.version { format!("is still {}", cp.version) } else { format!("went down from {} to {}", pp.version, cp.version) }
                    ),
                ));
            }
        }
        for (rule, span, about, message) in extra {
            self.at_cur(rule, span, &about, message);
        }
    }
}

/// A major bump; for 0.x versions a minor bump counts (as Cargo reads semver).
pub fn major_bump(old: Version, new: Version) -> bool {
    if old.major == 0 && new.major == 0 {
        new.minor > old.minor
    } else {
        new.major > old.major
    }
}

/// The min/max constraints of an integer field as a range (unbounded sides are the widest i128).
fn int_bounds(f: &Field) -> Range {
    let lo = match f.constraints.min {
        Some(Num::Int(i)) => i,
        _ => i128::MIN,
    };
    let hi = match f.constraints.max {
        Some(Num::Int(i)) => i,
        _ => i128::MAX,
    };
    Range { lo, hi }
}

/// A min/max bound, or none when it only restates the integer type's own limit.
fn effective(f: &Field, b: Option<Num>, is_max: bool) -> Option<Num> {
    match (&f.ty, b) {
        (Type::Int(t), Some(Num::Int(i))) if (is_max && i >= t.max()) || (!is_max && i <= t.min()) => None,
        (_, b) => b,
    }
}

fn cmp_num(a: Num, b: Num) -> Ordering {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x.cmp(&y),
        _ => a.as_f64().partial_cmp(&b.as_f64()).unwrap_or(Ordering::Equal),
    }
}

/// Compares an upper (`upper`) or lower bound; none means unbounded.
fn bound(
    tight: &mut Vec<String>,
    loose: &mut Vec<String>,
    name: &str,
    old: Option<Num>,
    new: Option<Num>,
    upper: bool,
) {
    match (old, new) {
        (None, Some(n)) => tight.push(format!("{name} {n} added")),
        (Some(o), None) => loose.push(format!("{name} {o} removed")),
        (Some(o), Some(n)) => {
            let narrower = if upper { Ordering::Less } else { Ordering::Greater };
            match cmp_num(n, o) {
                Ordering::Equal => {}
                c if c == narrower => tight.push(format!("{name} {o} -> {n}")),
                _ => loose.push(format!("{name} {o} -> {n}")),
            }
        }
        (None, None) => {}
    }
}

/// Values equal as numbers across widths (a default of 1 for uint8 and uint16, 0.5 for float32 and float64).
fn same_value(a: &Value, b: &Value) -> bool {
    let num = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::F32(x) => Some(*x as f64),
        Value::F64(x) => Some(*x),
        _ => None,
    };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x == y || (x.is_nan() && y.is_nan()),
        _ => a.same(b),
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

/// Everything in a package except positions, to tell whether it changed at all.
fn fingerprint(c: &Contracts, p: &Package) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "{} {}", p.name, p.doc);
    for e in &p.enums {
        let _ = writeln!(t, "enum {} {:?} {} {}", e.name, e.repr, e.deprecated, e.doc);
        for v in &e.values {
            let _ = writeln!(t, " {}={}", v.name, v.number);
        }
    }
    for m in &p.messages {
        let subjects: Vec<&str> = m.subjects.iter().map(|(s, _)| s.as_str()).collect();
        let _ = writeln!(t, "message {} {:?} {:?} {} {}", m.name, m.shape, subjects, m.deprecated, m.doc);
        for f in &m.fields {
            let k = &f.constraints;
            let _ = writeln!(
                t,
                " {} {} {} {} {:?} {} {} {:?} {:?} {:?} {:?} {} {}",
                f.name,
                c.type_name(&f.ty),
                f.optional,
                f.nullable,
                f.default.as_ref().map(|(n, _)| node_text(n)),
                f.deprecated,
                f.doc,
                k.min_len,
                k.max_len,
                k.min,
                k.max,
                k.allow_nan,
                k.allow_infinity
            );
        }
        for ex in &m.examples {
            let _ = writeln!(t, " example {} {}", ex.name, node_text(&ex.node));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_bumps() {
        let v = |major, minor, patch| Version { major, minor, patch };
        assert!(major_bump(v(1, 4, 0), v(2, 0, 0)));
        assert!(!major_bump(v(1, 4, 0), v(1, 5, 0)));
        assert!(major_bump(v(0, 3, 1), v(0, 4, 0)));
        assert!(!major_bump(v(0, 3, 1), v(0, 3, 2)));
        assert!(major_bump(v(0, 3, 1), v(1, 0, 0)));
    }

    #[test]
    fn bounds() {
        let (mut t, mut l) = (Vec::new(), Vec::new());
        bound(&mut t, &mut l, "max", Some(Num::Int(10)), Some(Num::Int(5)), true);
        bound(&mut t, &mut l, "min", Some(Num::Float(0.0)), Some(Num::Float(-1.0)), false);
        assert_eq!(t, ["max 10 -> 5"]);
        assert_eq!(l, ["min 0 -> -1"]);
    }
}
