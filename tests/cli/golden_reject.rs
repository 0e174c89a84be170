//! Issue 15 part 2: the must-reject vectors are payloads the contract forbids. msgpact's own reading of a
//! payload against its contract (verify's canonical check, the one that judges peers) refuses every one, for
//! the example contracts and for the torture names, and each kind the message can have is there.
use crate::common::root;
use msgpact::classes::RejectKind;
use msgpact::contract::{Contracts, Shape};
use msgpact::golden::{self, Origin};
use msgpact::verify::canonical;
use msgpact::wire::decode;
use std::path::Path;

fn check(dir: &Path) -> usize {
    let (c, diags) = Contracts::load_dir(dir);
    assert!(!diags.has_errors(), "{}", diags.render_all(&c.sources));
    let cases = golden::generate(&c);
    let mut rejects = 0;
    for case in cases.iter().filter(|k| k.reject().is_some()) {
        rejects += 1;
        let name = format!("{} {}", c.message_name(case.message), case.id);
        // The canonical check reads types and shapes, not constraints: a max_len or a min/max broken is
        // checked by the generated types (the language suites refuse every reject.* vector).
        let constraint =
            case.reject() == Some(RejectKind::TooLong) || case.id.ends_with(".min") || case.id.ends_with(".max");
        let refused = match decode(&case.bytes) {
            Err(_) => true,
            Ok(v) => canonical::message(&c, case.message, &v, "$").is_err(),
        };
        assert!(refused || constraint, "{name}: msgpact's own check accepts it");
        let Origin::Reject { kind, field } = case.origin else { unreachable!() };
        assert!(case.id.starts_with(&format!("reject.{}", kind.id())), "{name}");
        if let Some(fi) = field {
            assert!(case.id.contains(&c.message(case.message).fields[fi].name), "{name}: names its field");
        }
        assert!(!golden::reject::why(&c, case).is_empty(), "{name}: says why");
    }
    // Every message has the kinds about the whole payload, by shape.
    for id in c.message_ids() {
        let m = c.message(id);
        let kinds: Vec<RejectKind> = cases.iter().filter(|k| k.message == id).filter_map(|k| k.reject()).collect();
        let mut want = vec![RejectKind::TrailingBytes, RejectKind::Truncated];
        match m.shape {
            Shape::Map => want.push(RejectKind::UnknownKey),
            Shape::Array => want.push(RejectKind::TooManyItems),
        }
        for k in want {
            assert!(kinds.contains(&k), "{}: no {} case", c.message_name(id), k.id());
        }
    }
    rejects
}

#[test]
fn every_must_reject_vector_is_one_the_contract_forbids() {
    assert_eq!(check(&root().join("contracts")), 201, "the example contracts' must-reject cases");
    assert!(check(&root().join("tests/fixtures/torture/contracts")) > 1000);
}
