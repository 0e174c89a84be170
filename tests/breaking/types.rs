//! Type changes, named precisely: which are wider, narrower or changed on the wire.
use msgpact::breaking::{self, Mode, Options};
use msgpact::contract::Contracts;
use std::path::Path;

const TEMPLATE: &str = "package: t
version: VERSION
enums:
  Color:
    values: [red, green]
  Code:
    repr: int
    values: {ok: 0, fail: 1}
messages:
  A:
    fields:
      - name: x
        type: string
  B:
    fields:
      - name: y
        type: uint8
  M:
    fields:
      - name: f
        type: TYPE
";

fn write(dir: &Path, version: &str, ty: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("t.yaml"), TEMPLATE.replace("VERSION", version).replace("TYPE", ty)).unwrap();
}

/// The rule IDs reported for field `f` changing from `old` to `new`.
fn verdict(old: &str, new: &str) -> Vec<&'static str> {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("prev"), "1.0.0", old);
    write(&tmp.path().join("cur"), "2.0.0", new);
    let (cur, d) = Contracts::load_dir(&tmp.path().join("cur"));
    assert!(!d.has_errors(), "{}", d.render_all(&cur.sources));
    let prev = breaking::load_previous(tmp.path().join("prev").to_str().unwrap(), &tmp.path().join("cur")).unwrap();
    breaking::compare(&prev.contracts, &cur, "prev", &Options { mode: Mode::Full, package: None })
        .iter()
        .map(|f| f.rule.id())
        .collect()
}

#[track_caller]
fn assert_verdict(old: &str, new: &str, expected: &str) {
    assert_eq!(verdict(old, new), [expected], "{old} -> {new}");
}

#[test]
fn integer_ranges_that_only_widen_break_forward_only() {
    assert_verdict("uint8", "uint16", "FIELD_TYPE_WIDENED");
    assert_verdict("int32", "int64", "FIELD_TYPE_WIDENED");
    assert_verdict("uint8", "int16", "FIELD_TYPE_WIDENED");
    assert_verdict("uint32", "uint64", "FIELD_TYPE_WIDENED");
}

#[test]
fn integer_ranges_that_narrow_break_backward_only() {
    assert_verdict("uint16", "uint8", "FIELD_TYPE_NARROWED");
    assert_verdict("int64", "int32", "FIELD_TYPE_NARROWED");
}

#[test]
fn integer_ranges_that_neither_contain_break_both() {
    assert_verdict("uint32", "int32", "FIELD_TYPE_CHANGED");
    assert_verdict("int8", "uint8", "FIELD_TYPE_CHANGED");
}

#[test]
fn floats() {
    assert_verdict("float32", "float64", "FIELD_TYPE_WIDENED");
    assert_verdict("float64", "float32", "FIELD_TYPE_NARROWED");
    assert_verdict("int32", "float64", "FIELD_TYPE_WIDENED");
    assert_verdict("uint16", "float32", "FIELD_TYPE_WIDENED");
    assert_verdict("int64", "float64", "FIELD_TYPE_CHANGED");
    assert_verdict("int32", "float32", "FIELD_TYPE_CHANGED");
    assert_verdict("float64", "int32", "FIELD_TYPE_NARROWED");
}

#[test]
fn str_and_bin_are_different_families_both_ways() {
    assert_verdict("string", "bytes", "FIELD_TYPE_CHANGED");
    assert_verdict("bytes", "string", "FIELD_TYPE_CHANGED");
}

#[test]
fn other_families_break_both() {
    assert_verdict("timestamp", "int64", "FIELD_TYPE_CHANGED");
    assert_verdict("bool", "uint8", "FIELD_TYPE_CHANGED");
    assert_verdict("string", "list<string>", "FIELD_TYPE_CHANGED");
    assert_verdict("A", "B", "FIELD_TYPE_CHANGED");
    assert_verdict("Color", "Code", "FIELD_TYPE_CHANGED");
}

#[test]
fn containers_recurse() {
    assert_verdict("list<uint8>", "list<uint16>", "FIELD_TYPE_WIDENED");
    assert_verdict("list<uint16>", "list<uint8>", "FIELD_TYPE_NARROWED");
    assert_verdict("map<string, uint8>", "map<string, uint16>", "FIELD_TYPE_WIDENED");
    assert_verdict("list<list<float32>>", "list<list<float64>>", "FIELD_TYPE_WIDENED");
    // keys wider, values narrower: neither side reads all of the other's maps
    assert_verdict("map<uint8, uint16>", "map<uint16, uint8>", "FIELD_TYPE_CHANGED");
    assert_verdict("list<string>", "list<bytes>", "FIELD_TYPE_CHANGED");
}

#[test]
fn enums_and_their_wire_types() {
    assert_verdict("Color", "string", "FIELD_TYPE_WIDENED");
    assert_verdict("string", "Color", "FIELD_TYPE_NARROWED");
    assert_verdict("Code", "uint8", "FIELD_TYPE_WIDENED");
    assert_verdict("int32", "Code", "FIELD_TYPE_NARROWED");
    assert_verdict("Color", "int32", "FIELD_TYPE_CHANGED");
}

#[test]
fn unchanged_types_report_nothing() {
    assert!(verdict("map<string, list<A>>", "map<string, list<A>>").is_empty());
}

#[test]
fn a_renamed_message_is_the_same_type_for_fields_that_use_it() {
    let tmp = tempfile::tempdir().unwrap();
    let v1 = "package: t\nversion: 1.0.0\nmessages:\n  Turn:\n    fields:\n      - name: text\n        type: string\n  Req:\n    fields:\n      - name: turns\n        type: list<Turn>\n";
    let v2 = v1.replace("1.0.0", "2.0.0").replace("Turn", "ChatTurn");
    for (d, text) in [("prev", v1.to_string()), ("cur", v2)] {
        std::fs::create_dir_all(tmp.path().join(d)).unwrap();
        std::fs::write(tmp.path().join(d).join("t.yaml"), text).unwrap();
    }
    let (cur, _) = Contracts::load_dir(&tmp.path().join("cur"));
    let prev = breaking::load_previous(tmp.path().join("prev").to_str().unwrap(), &tmp.path().join("cur")).unwrap();
    let ids: Vec<&str> =
        breaking::compare(&prev.contracts, &cur, "prev", &Options::default()).iter().map(|f| f.rule.id()).collect();
    assert_eq!(ids, ["MESSAGE_RENAMED"]);
}
