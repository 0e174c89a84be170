//! Fields: matched by name in map-shaped messages and by name and position in array-shaped ones; their
//! types compared on the wire ([`crate::breaking::domain`]) and their constraints bound by bound.
use super::{node_text, About, Cx};
use crate::breaking::domain::{Range, Verdict};
use crate::breaking::rules::Rule;
use crate::contract::{Field, Message, Num, Type};
use crate::wire::Value;
use std::cmp::Ordering;

impl<'a> Cx<'a> {
    pub(super) fn map_fields(&mut self, pm: &'a Message, cm: &'a Message, about: &About) {
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

    pub(super) fn array_fields(&mut self, pm: &'a Message, cm: &'a Message, about: &About) {
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
    pub(super) fn field(&mut self, pf: &Field, cf: &Field, msg: &About, index: Option<usize>) {
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
    pub(super) fn field_type(&self, pf: &Field, cf: &Field) -> Verdict {
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

    pub(super) fn constraints(&mut self, pf: &Field, cf: &Field, about: &About, what: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        let (mut t, mut l) = (Vec::new(), Vec::new());
        bound(&mut t, &mut l, "max", Some(Num::Int(10)), Some(Num::Int(5)), true);
        bound(&mut t, &mut l, "min", Some(Num::Float(0.0)), Some(Num::Float(-1.0)), false);
        assert_eq!(t, ["max 10 -> 5"]);
        assert_eq!(l, ["min 0 -> -1"]);
    }
}
