//! docs/breaking.md's rule table is generated from the registry: this test fails when they differ.
//! `MSGPACT_UPDATE_DOCS=1 cargo test --test breaking docs::` rewrites the table.
use msgpact::breaking::{docs, RULES};
use std::path::Path;

#[test]
fn docs_rule_table_matches_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/breaking.md");
    let doc = std::fs::read_to_string(&path).expect("read docs/breaking.md");
    let updated = docs::update(&doc)
        .unwrap_or_else(|| panic!("docs/breaking.md lacks the markers {} ... {}", docs::BEGIN, docs::END));
    if updated == doc {
        return;
    }
    if std::env::var("MSGPACT_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        msgpact::fsx::write_atomic(&path, updated.as_bytes()).expect("write docs/breaking.md");
        return;
    }
    panic!(
        "docs/breaking.md's rule table differs from src/breaking/rules.rs; run `MSGPACT_UPDATE_DOCS=1 cargo test --test breaking docs::`.\nExpected table:\n{}",
        docs::rules_table()
    );
}

#[test]
fn every_rule_is_documented_once() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/breaking.md")).unwrap();
    for r in RULES {
        assert_eq!(doc.matches(&format!("| `{}`", r.id)).count(), 1, "{} in the docs table", r.id);
    }
}
