//! Releases of a contracts repository (tags `vX.Y.Z`) and what moving to one means for this repository.
//!
//! Two versions of the contracts are compared with the rules of `msgpact breaking` (mode full: over NATS,
//! old and new readers and writers coexist). A finding concerns this repository when its subject is one of
//! its required message types, or a message or enum they contain (at any depth, in either version); the
//! others are changes elsewhere, listed but not held against it. Without required types, every finding
//! counts.
use super::cache::Cache;
use super::Error;
use crate::breaking::{Finding, Mode, Origin, Previous, Report, Target};
use crate::contract::{Contracts, Def, Type, Version};
use crate::diag::Code;
use std::collections::BTreeSet;

/// One release: a tag `vX.Y.Z` of the whole contracts repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub tag: String,
    pub version: Version,
    pub commit: String,
}

/// Every release tag of the cached repository, oldest first (package tags `chat/v1.0.0` are left out:
/// a pin moves the whole contracts directory).
pub fn releases(cache: &Cache) -> Vec<Release> {
    let mut out: Vec<Release> = cache
        .tags()
        .into_iter()
        .filter_map(|(tag, commit)| match crate::contract::previous::parse_version_tag(&tag) {
            Some((None, version)) => Some(Release { tag, version, commit }),
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| (a.version, &a.tag).cmp(&(b.version, &b.tag)));
    out
}

/// `contracts/` (or empty for the repository's root), as git paths are prefixed.
pub fn prefix(dir: &str) -> String {
    if dir == "." || dir.is_empty() {
        String::new()
    } else {
        format!("{}/", dir.trim_end_matches('/'))
    }
}

/// The contracts at `commit`, read from the cache's object database, their files named `LABEL:path`.
pub fn load_at(cache: &Cache, commit: &str, dir: &str, label: &str) -> Result<Previous, Error> {
    let prefix = prefix(dir);
    let files = cache.files(commit, &prefix, |p| p.ends_with(".yaml") || p.ends_with(".yml"))?;
    if files.is_empty() {
        return Err(Error::new(
            Code::ContractsFetch,
            format!("{label} has no contract files under `{dir}` in {}", cache.url),
            "set [contracts] dir in msgpact.toml to the contracts directory of that repository",
        ));
    }
    let (contracts, diags) = crate::contract::previous::load_named(label, files);
    if diags.has_errors() {
        return Err(Error::new(
            Code::PreviousInvalid,
            format!("the contracts at {label} do not load:\n{}", diags.render_all(&contracts.sources).trim_end()),
            "that release cannot be compared with; pick another with --to",
        ));
    }
    let target = Target {
        label: label.to_string(),
        origin: Origin::Git { rev: label.to_string(), commit: commit.to_string(), repo: cache.repo(), prefix },
        package: None,
        version: crate::contract::previous::parse_version_tag(label).map(|(_, v)| v),
    };
    Ok(Previous { target, contracts })
}

/// The names (`package.Name`) of the required messages and every message and enum they contain, in any of
/// `versions`; `None` when nothing is required (every type counts).
pub fn ours(versions: &[&Contracts], required: &[String]) -> Option<BTreeSet<String>> {
    if required.is_empty() {
        return None;
    }
    let mut out = BTreeSet::new();
    for c in versions {
        let mut todo: Vec<Def> = required.iter().filter_map(|r| c.lookup(r)).collect();
        while let Some(d) = todo.pop() {
            let name = match d {
                Def::Message(id) => c.message_name(id),
                Def::Enum(id) => c.enum_name(id),
            };
            if !out.insert(name) {
                continue;
            }
            if let Def::Message(id) = d {
                for f in &c.message(id).fields {
                    named_in(&f.ty, &mut todo);
                }
            }
        }
    }
    out.extend(required.iter().cloned());
    Some(out)
}

fn named_in(ty: &Type, out: &mut Vec<Def>) {
    match ty {
        Type::Message(id) => out.push(Def::Message(*id)),
        Type::Enum(id) => out.push(Def::Enum(*id)),
        Type::List(t) => named_in(t, out),
        Type::Map(k, v) => {
            named_in(k, out);
            named_in(v, out);
        }
        _ => {}
    }
}

/// The move from one version to another, weighed for this repository.
pub struct Move {
    pub report: Report,
    /// Which types count as this repository's (`None`: all).
    pub ours: Option<BTreeSet<String>>,
}

impl Move {
    /// Compares `from` (the pinned version) with `to`.
    pub fn new(from: Previous, to: &Contracts, required: &[String]) -> Move {
        let ours = ours(&[&from.contracts, to], required);
        let report = Report::new(to, std::slice::from_ref(&from), Mode::Full);
        Move { report, ours }
    }
    pub fn concerns_us(&self, f: &Finding) -> bool {
        self.ours.as_ref().is_none_or(|o| o.contains(&f.subject))
    }
    /// Breaking findings about this repository's types.
    pub fn breaking_for_us(&self) -> Vec<&Finding> {
        self.report.findings().filter(|f| f.is_error() && self.concerns_us(f)).collect()
    }
    /// Findings (breaking or not) about other types or the packages themselves.
    pub fn elsewhere(&self) -> Vec<&Finding> {
        self.report.findings().filter(|f| !(f.is_error() && self.concerns_us(f))).collect()
    }
    /// The subjects of [`Self::breaking_for_us`], once each.
    pub fn broken_types(&self) -> Vec<String> {
        let set: BTreeSet<String> = self.breaking_for_us().iter().map(|f| f.subject.clone()).collect();
        set.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(prefix("."), "");
        assert_eq!(prefix("contracts"), "contracts/");
        assert_eq!(prefix("a/b/"), "a/b/");
    }

    #[test]
    fn our_types_are_the_required_ones_and_what_they_contain() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.yaml"),
            "package: a\nversion: 1.0.0\nenums:\n  Color:\n    values: [red, blue]\nmessages:\n  Inner:\n    fields:\n      - {name: c, type: a.Color}\n  Outer:\n    fields:\n      - {name: inner, type: \"list<a.Inner>\"}\n  Other:\n    fields:\n      - {name: x, type: uint8}\n",
        )
        .unwrap();
        let (c, d) = Contracts::load_dir(dir.path());
        assert!(!d.has_errors(), "{}", d.render_all(&c.sources));
        let ours = ours(&[&c], &["a.Outer".into()]).unwrap();
        assert_eq!(ours.into_iter().collect::<Vec<_>>(), ["a.Color", "a.Inner", "a.Outer"]);
        assert_eq!(super::ours(&[&c], &[]), None);
    }
}
