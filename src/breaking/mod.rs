//! `msgpact breaking`: is the current version of the contracts compatible with an earlier one?
//!
//! Like `buf breaking`, every check is a rule of one registry ([`rules::RULES`]) with an ID and a
//! `path:line:col` finding; like Confluent's Schema Registry, each rule says which compatibility it breaks
//! (backward: new readers cannot read old data; forward: old readers cannot read new data), and
//! `--mode backward|forward|full` picks which to report. Unlike both, the rules know MessagePack's wire
//! shapes (a renamed field breaks map-shaped messages and not array-shaped ones; a reordered field the
//! reverse) and what the real libraries decode (rmp-serde, msgpack-python, vmihailenco/msgpack).
//!
//! The pieces, along the data's way:
//! - [`crate::contract::previous`]: the earlier version(s): a git ref read without touching the work tree,
//!   a directory, or every released version (`--transitive`), loaded as a [`Contracts`]. It lives with the
//!   contracts because `verify --against` replays the same earlier versions.
//! - [`domain`]: how two field types compare on the wire (same, wider, narrower, changed).
//! - [`compare`]: the rules, applied to two [`Contracts`], giving [`Finding`]s.
//! - [`crate::report::breaking`]: text, JSON, JUnit and GitHub annotations, beside verify's reporters.
//! - [`docs`]: the rule table of docs/breaking.md, generated from the registry.
pub mod compare;
pub mod docs;
pub mod domain;
pub mod rules;

pub use crate::contract::previous::{
    load_previous, load_versions, resolve_versions, Origin, Previous, PreviousError, Target,
};
use crate::contract::Contracts;
pub use compare::compare;
pub use rules::{Breaks, Level, Rule, RuleInfo, RULES};

/// Which compatibility to check (Confluent's modes; `--transitive` is a separate switch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// New readers must read old data: report rules that break backward compatibility.
    Backward,
    /// Old readers must read new data: report rules that break forward compatibility.
    Forward,
    /// Both (the default: over NATS, old and new readers and writers coexist during every rollout).
    #[default]
    Full,
}

impl Mode {
    pub fn id(self) -> &'static str {
        match self {
            Mode::Backward => "backward",
            Mode::Forward => "forward",
            Mode::Full => "full",
        }
    }
}

/// Whether a location is in the current contracts or in the earlier version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Current,
    Previous,
}

/// A position in a contract file, as printed: the path of a previous version's file is prefixed by its git
/// ref (`v1.2.0:contracts/chat.yaml`) or lies under its directory.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub side: Side,
    pub path: String,
    pub line: u32,
    pub col: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.col)
    }
}

/// One breaking (or noteworthy) change.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub message: String,
    /// In the current contracts; for removals, in the previous version.
    pub location: Location,
    /// For findings located in the previous version: the nearest place in the current contracts (the
    /// message or package that lost something), for tools that can only point at files in the work tree.
    pub anchor: Option<Location>,
    /// The package whose version the change concerns.
    pub package: String,
    /// `package.Message`, `package.Enum`, or the package name for package rules.
    pub subject: String,
    pub field: Option<String>,
    /// The label of the earlier version (a git ref or a directory).
    pub against: String,
}

impl Finding {
    pub fn info(&self) -> &'static RuleInfo {
        self.rule.info()
    }
    pub fn is_error(&self) -> bool {
        self.rule.level() == Level::Error
    }
    /// The location in the work tree: the location itself, or its anchor for removals.
    pub fn work_tree_location(&self) -> Option<&Location> {
        match self.location.side {
            Side::Current => Some(&self.location),
            Side::Previous => self.anchor.as_ref(),
        }
    }
}

/// What to compare.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub mode: Mode,
    /// Compare only this package (versions tagged `<package>/vX.Y.Z`).
    pub package: Option<String>,
}

/// The findings against one earlier version.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub against: Target,
    pub findings: Vec<Finding>,
    /// Every message, enum and package compared (the union of both versions, as `package.Name`), for
    /// reports that list what passed (JUnit).
    pub subjects: Vec<(rules::Scope, String)>,
}

/// Every comparison of one run.
#[derive(Clone, Debug)]
pub struct Report {
    pub mode: Mode,
    pub comparisons: Vec<Comparison>,
}

impl Report {
    /// Compares `current` with each earlier version.
    pub fn new(current: &Contracts, previous: &[Previous], mode: Mode) -> Report {
        let comparisons = previous
            .iter()
            .map(|p| {
                let opts = Options { mode, package: p.target.package.clone() };
                Comparison {
                    against: p.target.clone(),
                    findings: compare(&p.contracts, current, &p.target.label, &opts),
                    subjects: subjects(&p.contracts, current, opts.package.as_deref()),
                }
            })
            .collect();
        Report { mode, comparisons }
    }
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.comparisons.iter().flat_map(|c| &c.findings)
    }
    pub fn errors(&self) -> usize {
        self.findings().filter(|f| f.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.findings().filter(|f| !f.is_error()).count()
    }
    /// No error-level finding: exit 0.
    pub fn is_compatible(&self) -> bool {
        self.errors() == 0
    }
}

/// The messages, enums and packages of two versions (union, sorted), optionally of one package.
pub fn subjects(prev: &Contracts, cur: &Contracts, package: Option<&str>) -> Vec<(rules::Scope, String)> {
    use rules::Scope;
    let mut out = std::collections::BTreeSet::new();
    for c in [prev, cur] {
        for p in c.packages.iter().filter(|p| package.is_none_or(|x| x == p.name)) {
            out.insert((0, p.name.clone()));
            for m in &p.messages {
                out.insert((1, format!("{}.{}", p.name, m.name)));
            }
            for e in &p.enums {
                out.insert((2, format!("{}.{}", p.name, e.name)));
            }
        }
    }
    out.into_iter()
        .map(|(k, n)| {
            (
                match k {
                    0 => Scope::Package,
                    1 => Scope::Message,
                    _ => Scope::Enum,
                },
                n,
            )
        })
        .collect()
}
