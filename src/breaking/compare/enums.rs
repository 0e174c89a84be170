//! Enums: values removed, added, renumbered or renamed, and a changed representation.
use super::{About, Cx};
use crate::breaking::rules::Rule;
use crate::contract::{EnumDef, EnumRepr};

impl<'a> Cx<'a> {
    pub(super) fn enums(&mut self) {
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

    pub(super) fn enum_def(&mut self, pkg: &str, pe: &EnumDef, ce: &EnumDef) {
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
}
