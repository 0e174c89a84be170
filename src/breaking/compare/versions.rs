//! Version discipline: a package whose changes break someone must bump its major version (its minor for
//! 0.x), and one that changed at all must change its version.
use super::{node_text, About, Cx};
use crate::breaking::rules::{Breaks, Rule};
use crate::breaking::Finding;
use crate::contract::{Contracts, Package, Version};
use std::fmt::Write as _;

impl<'a> Cx<'a> {
    pub(super) fn versions(&mut self) {
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
}
