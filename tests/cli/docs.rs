//! The docs stay true: the error-code table is the registry's, and the contract example in
//! docs/contract-format.md lints clean.
use crate::common::*;
use msgpact::contract::load_sources;
use msgpact::diag::Code;
use std::path::PathBuf;

fn errors_table() -> String {
    let mut s = String::from("| code | severity | meaning |\n|---|---|---|\n");
    for c in Code::ALL {
        let sev = match c.severity() {
            msgpact::diag::Severity::Error => "error",
            msgpact::diag::Severity::Warning => "warning",
        };
        s.push_str(&format!("| {} | {sev} | {} |\n", c.id(), c.title()));
    }
    s
}

#[test]
fn errors_md_lists_every_code() {
    let path = root().join("docs/errors.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    let (start, end) = ("<!-- codes:start -->\n", "<!-- codes:end -->");
    let table = errors_table();
    let current = doc.split_once(start).and_then(|(_, rest)| rest.split_once(end)).map(|(t, _)| t.to_string());
    if current.as_deref() != Some(table.as_str()) {
        if std::env::var("MSGPACT_UPDATE_DOCS").is_ok() {
            let (head, tail) = match doc.split_once(start) {
                Some((h, rest)) => {
                    (h.to_string(), rest.split_once(end).map(|(_, t)| t.to_string()).unwrap_or_default())
                }
                None => (doc.clone(), "\n".into()),
            };
            std::fs::write(&path, format!("{head}{start}{table}{end}{tail}")).unwrap();
        } else {
            panic!(
                "docs/errors.md is out of date with src/diag.rs; run `MSGPACT_UPDATE_DOCS=1 cargo test --test cli docs::`"
            );
        }
    }
}

#[test]
fn the_contract_format_example_lints_clean() {
    let doc = std::fs::read_to_string(root().join("docs/contract-format.md")).unwrap();
    let yaml = doc.split("```yaml\n").nth(1).and_then(|b| b.split("```").next()).expect("a yaml block");
    let common = std::fs::read(root().join("contracts/common.yaml")).unwrap();
    let (c, d) = load_sources(vec![
        (PathBuf::from("docs/contract-format.md"), Ok(yaml.as_bytes().to_vec())),
        (PathBuf::from("contracts/common.yaml"), Ok(common)),
    ]);
    assert!(d.items.is_empty(), "{}", d.render_all(&c.sources));
    assert_eq!(c.packages.len(), 2);
}
