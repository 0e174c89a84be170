//! The golden vectors' readable twins are insta snapshots: an unreviewed golden change fails here, and
//! `cargo insta review` shows it as a diff. Once a twin is accepted, its binary `.msgpack` is brought in
//! line (outside CI only), since the twin records the accepted bytes' sha256.
use crate::common::*;
use msgpact::contract::Contracts;
use msgpact::golden::{self, store, twin};
use std::path::Path;

#[test]
fn golden_twins_match_reviewed_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (c, diags) = Contracts::load_dir(&root.join("contracts"));
    assert!(!diags.has_errors(), "contracts do not lint:\n{}", diags.render_all(&c.sources));
    let cases = golden::generate(&c);
    assert!(cases.len() > 100, "expected the example contracts to generate hundreds of cases");
    let mut failures = Vec::new();
    let mut synced = Vec::new();
    for case in &cases {
        let pkg = &c.package_of(case.message).name;
        let msg = &c.message(case.message).name;
        let dir = root.join("golden").join(pkg).join(msg);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        let body = twin::body(&c, case);
        let ok = settings.bind(|| std::panic::catch_unwind(|| insta::assert_snapshot!(case.id.as_str(), body)).is_ok());
        if !ok {
            failures.push(format!("{pkg}/{msg}/{}: twin differs from its reviewed snapshot", case.id));
            continue;
        }
        let bin = dir.join(format!("{}.msgpack", case.id));
        if std::fs::read(&bin).ok().as_deref() != Some(&case.bytes[..]) {
            if in_ci() {
                failures.push(format!("{pkg}/{msg}/{}.msgpack differs from the reviewed twin", case.id));
            } else {
                store::write_atomic(&bin, &case.bytes).expect("write golden binary");
                synced.push(bin.display().to_string());
            }
        }
    }
    for s in &synced {
        eprintln!("synced {s} with its reviewed twin");
    }
    let drift = store::check(&root.join("golden"), &store::expected(&c, &cases)).expect("read golden/");
    for k in &drift.removed {
        failures
            .push(format!("{k}: the contracts no longer generate this case; remove it with `msgpact golden --write`"));
    }
    assert!(
        failures.is_empty(),
        "{} golden problem(s):\n  {}\nnext: `cargo insta review` to review twins, or `cargo run -- golden --write` to accept everything",
        failures.len(),
        failures.join("\n  ")
    );
}
