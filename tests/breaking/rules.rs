//! One test per rule of the registry, each on its fixture pair `tests/fixtures/breaking/<RULE_ID>/
//! {previous,current}/`, plus the compatible changes under `tests/fixtures/breaking/compatible/`.
use msgpact::breaking::{self, Breaks, Finding, Mode, Options, Rule, Side, RULES};
use msgpact::contract::Contracts;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/breaking")
}

fn compare_dir(dir: &Path, mode: Mode) -> Vec<Finding> {
    let (cur, diags) = Contracts::load_dir(&dir.join("current"));
    assert!(!diags.has_errors(), "{}:\n{}", dir.display(), diags.render_all(&cur.sources));
    let prev = breaking::load_previous(dir.join("previous").to_str().unwrap(), &dir.join("current"))
        .unwrap_or_else(|e| panic!("{e}"));
    breaking::compare(&prev.contracts, &cur, &prev.target.label, &Options { mode, package: None })
}

fn show(findings: &[Finding]) -> String {
    findings.iter().map(|f| format!("{}: {} {}\n", f.location, f.rule.id(), f.message)).collect()
}

/// The fixture of `id` reports exactly `id` (plus `also`), `count` times, the first at `at` on `side`;
/// and each mode reports it exactly when the registry says it breaks that direction.
fn check(id: &str, also: &[&str], side: Side, count: usize, at: (u32, u32)) {
    let rule = Rule::from_id(id).unwrap_or_else(|| panic!("{id} is not in the registry"));
    let dir = fixtures().join(id);
    let findings = compare_dir(&dir, Mode::Full);
    let ids: BTreeSet<&str> = findings.iter().map(|f| f.rule.id()).collect();
    let expected: BTreeSet<&str> = also.iter().copied().chain([id]).collect();
    assert_eq!(ids, expected, "\n{}", show(&findings));
    let mine: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(mine.len(), count, "\n{}", show(&findings));
    let first = mine[0];
    assert_eq!(first.location.side, side, "{}", show(&findings));
    let sub = if side == Side::Current { "current" } else { "previous" };
    assert!(first.location.path.contains(&format!("{id}/{sub}/demo.yaml")), "{}", first.location);
    assert_eq!((first.location.line, first.location.col), at, "{}", show(&findings));
    if side == Side::Previous {
        let anchor = first.anchor.as_ref().expect("removals are anchored in the current contracts");
        assert!(anchor.path.contains(&format!("{id}/current/")), "{anchor}");
    }
    assert!(first.message.len() > 40, "a message says what breaks and why: {}", first.message);
    for f in &mine {
        assert_eq!(f.package, "demo");
        assert!(f.subject.starts_with("demo"), "{}", f.subject);
    }
    if rule.breaks() == Breaks::Version {
        return; // follows the findings of the mode: see version_discipline_follows_the_mode
    }
    for mode in [Mode::Backward, Mode::Forward] {
        let found = compare_dir(&dir, mode).iter().any(|f| f.rule == rule);
        assert_eq!(found, rule.breaks().in_mode(mode), "{id} in mode {mode:?}");
    }
}

macro_rules! rule_tests {
    ($($name:ident: $id:literal, $side:ident, $count:literal, $line:literal:$col:literal $(, also $($also:literal),*)?;)*) => {
        $(
            #[test]
            fn $name() {
                check($id, &[$($($also),*)?], Side::$side, $count, ($line, $col));
            }
        )*
        /// The rules that have a test above.
        const TESTED: &[&str] = &[$($id),*];
    };
}

rule_tests! {
    message_removed: "MESSAGE_REMOVED", Previous, 1, 11:3;
    message_renamed: "MESSAGE_RENAMED", Current, 1, 11:3;
    message_shape_changed: "MESSAGE_SHAPE_CHANGED", Current, 1, 4:3;
    subject_changed: "SUBJECT_CHANGED", Current, 1, 5:16;
    subject_removed: "SUBJECT_REMOVED", Previous, 1, 5:27;
    field_removed: "FIELD_REMOVED", Previous, 1, 8:9;
    field_added_required: "FIELD_ADDED_REQUIRED", Current, 1, 8:9;
    field_renamed: "FIELD_RENAMED", Current, 1, 8:9;
    field_position_changed: "FIELD_POSITION_CHANGED", Current, 1, 11:9;
    array_length_changed: "ARRAY_LENGTH_CHANGED", Current, 1, 11:9;
    field_type_changed: "FIELD_TYPE_CHANGED", Current, 1, 9:15;
    field_type_widened: "FIELD_TYPE_WIDENED", Current, 3, 7:15;
    field_type_narrowed: "FIELD_TYPE_NARROWED", Current, 2, 7:15;
    field_made_required: "FIELD_MADE_REQUIRED", Current, 1, 8:9;
    field_made_optional: "FIELD_MADE_OPTIONAL", Current, 1, 8:9;
    field_made_nullable: "FIELD_MADE_NULLABLE", Current, 1, 8:9;
    field_made_not_nullable: "FIELD_MADE_NOT_NULLABLE", Current, 1, 8:9;
    field_default_changed: "FIELD_DEFAULT_CHANGED", Current, 1, 10:18;
    enum_value_removed: "ENUM_VALUE_REMOVED", Previous, 1, 5:26;
    enum_value_added: "ENUM_VALUE_ADDED", Current, 1, 5:26;
    enum_value_renumbered: "ENUM_VALUE_RENUMBERED", Current, 1, 6:22;
    enum_value_renamed: "ENUM_VALUE_RENAMED", Current, 1, 5:19;
    enum_repr_changed: "ENUM_REPR_CHANGED", Current, 1, 4:3;
    constraint_tightened: "CONSTRAINT_TIGHTENED", Current, 2, 8:23;
    constraint_loosened: "CONSTRAINT_LOOSENED", Current, 2, 8:23;
    package_version_not_bumped: "PACKAGE_VERSION_NOT_BUMPED", Current, 1, 2:10, also "FIELD_REMOVED";
    package_version_not_changed: "PACKAGE_VERSION_NOT_CHANGED", Current, 1, 2:10;
}

#[test]
fn every_rule_has_a_fixture_pair_and_a_test() {
    for r in RULES {
        let dir = fixtures().join(r.id);
        assert!(
            dir.join("previous").is_dir() && dir.join("current").is_dir(),
            "{} lacks tests/fixtures/breaking/{}/{{previous,current}}",
            r.id,
            r.id
        );
        assert!(TESTED.contains(&r.id), "{} has no test in tests/breaking/rules.rs", r.id);
    }
    assert_eq!(TESTED.len(), RULES.len());
}

#[test]
fn rule_fixtures_bump_the_major_version_so_only_their_rule_fires() {
    // Every fixture but the version rules' bumps 1.0.0 -> 2.0.0: no PACKAGE_VERSION_* finding is expected.
    for r in RULES.iter().filter(|r| !r.id.starts_with("PACKAGE_VERSION")) {
        let cur = std::fs::read_to_string(fixtures().join(r.id).join("current/demo.yaml")).unwrap();
        assert!(cur.contains("version: 2.0.0"), "{}", r.id);
    }
}

// ----- compatible changes -----

fn compatible(name: &str) {
    let findings = compare_dir(&fixtures().join("compatible").join(name), Mode::Full);
    assert!(findings.is_empty(), "{name} should be compatible:\n{}", show(&findings));
}

#[test]
fn adding_an_optional_field_is_compatible() {
    compatible("optional_field_added");
}

#[test]
fn removing_an_optional_field_of_a_map_is_compatible() {
    compatible("optional_field_removed");
}

#[test]
fn reordering_fields_of_a_map_is_compatible() {
    compatible("map_fields_reordered");
}

#[test]
fn renaming_a_field_of_an_array_in_place_is_compatible() {
    compatible("array_field_renamed_in_place");
}

#[test]
fn narrowing_an_int_within_its_old_constraints_is_compatible() {
    compatible("int_narrowed_within_constraints");
}

#[test]
fn adding_a_message_or_a_subject_is_compatible() {
    compatible("message_added_and_subject_added");
}

#[test]
fn a_version_is_compatible_with_itself() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("contracts");
    let (cur, d) = Contracts::load_dir(&root);
    assert!(!d.has_errors());
    let prev = breaking::load_previous(root.to_str().unwrap(), &root).unwrap();
    assert!(breaking::compare(&prev.contracts, &cur, "same", &Options::default()).is_empty());
}

#[test]
fn version_discipline_follows_the_mode() {
    // FIELD_REMOVED breaks forward compatibility only: with --mode backward the change is not breaking,
    // so a minor bump is enough, and 1.0.0 -> 1.1.0 is fine.
    let dir = fixtures().join("PACKAGE_VERSION_NOT_BUMPED");
    let ids = |mode| compare_dir(&dir, mode).iter().map(|f| f.rule.id()).collect::<Vec<_>>();
    assert_eq!(ids(Mode::Forward), ["PACKAGE_VERSION_NOT_BUMPED", "FIELD_REMOVED"]);
    assert!(ids(Mode::Backward).is_empty(), "{:?}", ids(Mode::Backward));
}

#[test]
fn a_compatible_change_without_any_version_bump_is_only_a_warning() {
    let findings = compare_dir(&fixtures().join("PACKAGE_VERSION_NOT_CHANGED"), Mode::Full);
    assert!(findings.iter().all(|f| !f.is_error()), "{}", show(&findings));
    assert!(findings[0].message.contains("is still 1.0.0"), "{}", findings[0].message);
}

#[test]
fn not_bumped_names_the_breaking_rules_and_the_next_major() {
    let findings = compare_dir(&fixtures().join("PACKAGE_VERSION_NOT_BUMPED"), Mode::Full);
    let f = findings.iter().find(|f| f.rule.id() == "PACKAGE_VERSION_NOT_BUMPED").unwrap();
    assert!(
        f.message.contains("(FIELD_REMOVED)") && f.message.contains("1.0.0 to 1.1.0") && f.message.contains("2.0.0"),
        "{}",
        f.message
    );
}
