//! Bad input, in process: every broken contract in `tests/fixtures/bad/` gives the exact error code at the
//! exact `path:line:col`, and nothing panics or hangs. Hostile payloads given to the annotator and the
//! decoder are errors with a byte offset. (The same cases through the `msgpact` binary: tests/cli_*.rs.)
use crate::common::*;
use msgpact::annotate::{annotate, FindingKind};
use msgpact::contract::{load, Contracts};
use msgpact::diag::{Code, Diagnostic, Diagnostics, Severity};
use msgpact::source::FileId;
use msgpact::wire::decode;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/bad").join(name)
}

/// Loads a fixture directory like `msgpact lint --contracts DIR` does.
fn lint(name: &str) -> (Contracts, Diagnostics) {
    let dir = fixture(name);
    assert!(dir.is_dir(), "missing fixture {}", dir.display());
    Contracts::load_dir(&dir)
}

/// `file.yaml:line:col` of a diagnostic, relative to its fixture directory.
fn loc(c: &Contracts, d: &Diagnostic) -> String {
    let span = d.span.unwrap_or_else(|| panic!("diagnostic without a location: {d:?}"));
    let full = c.sources.render(span);
    let file = c.sources.path(span.file).file_name().unwrap().to_string_lossy().into_owned();
    let rest = full.rsplit_once(&file).map(|(_, r)| r.to_string()).unwrap_or_default();
    format!("{file}{rest}")
}

fn listing(c: &Contracts, d: &Diagnostics) -> String {
    d.render_all(&c.sources)
}

/// The diagnostic with `code` at `at` (`file.yaml:line:col`); fails with the full list otherwise.
fn expect<'d>(c: &Contracts, d: &'d Diagnostics, code: &str, at: &str) -> &'d Diagnostic {
    d.items
        .iter()
        .find(|x| x.code.id() == code && x.span.is_some() && loc(c, x) == at)
        .unwrap_or_else(|| panic!("expected error[{code}] at {at}, got:\n{}", listing(c, d)))
}

/// Exactly these errors (code and location), in sorted order; warnings are ignored.
fn expect_only(c: &Contracts, d: &Diagnostics, want: &[(&str, &str)]) {
    let got: Vec<(String, String)> = d
        .sorted()
        .into_iter()
        .filter(|x| x.severity() == Severity::Error)
        .map(|x| (x.code.id().to_string(), loc(c, x)))
        .collect();
    let want: Vec<(String, String)> = want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(got, want, "\n{}", listing(c, d));
}

#[test]
fn malformed_yaml_is_a_syntax_error_with_position() {
    let (c, d) = lint("malformed_yaml");
    expect_only(&c, &d, &[("E103", "contract.yaml:8:13")]);
    let e = expect(&c, &d, "E103", "contract.yaml:8:13");
    assert!(e.message.starts_with("YAML: "), "{}", e.message);
    assert!(!e.hint.is_empty());
}

#[test]
fn non_utf8_file_is_located_at_the_bad_byte() {
    let (c, d) = lint("not_utf8");
    expect_only(&c, &d, &[("E102", "contract.yaml:3:9")]);
    assert!(expect(&c, &d, "E102", "contract.yaml:3:9").message.contains("byte 36"));
}

#[test]
fn unknown_types_have_did_you_mean_hints() {
    let (c, d) = lint("unknown_type");
    expect_only(&c, &d, &[("E302", "contract.yaml:7:15"), ("E302", "contract.yaml:9:15")]);
    let scalar = expect(&c, &d, "E302", "contract.yaml:7:15");
    assert_eq!(scalar.message, "unknown type `strng`");
    assert_eq!(scalar.hint, "did you mean `string`?");
    let message = expect(&c, &d, "E302", "contract.yaml:9:15");
    assert_eq!(message.message, "unknown type `OrderLin`");
    assert_eq!(message.hint, "did you mean `OrderLine`?");
}

#[test]
fn duplicate_names_messages_fields_packages_and_keys() {
    let (c, d) = lint("duplicate_names");
    expect_only(
        &c,
        &d,
        &[("E206", "a.yaml:7:3"), ("E206", "a.yaml:11:9"), ("E206", "b.yaml:1:10"), ("E106", "c.yaml:6:3")],
    );
    assert!(expect(&c, &d, "E206", "a.yaml:11:9").message.contains("field `code` appears twice"));
    assert!(expect(&c, &d, "E206", "b.yaml:1:10").message.contains("package `dup` is defined twice"));
    assert!(expect(&c, &d, "E106", "c.yaml:6:3").message.contains("first at line 4"));
}

/// An enum `Status` (line 4) and a message `Status` (line 7): the error should be reported at the second
/// definition and point back to the first (it used to be reported at line 4, "first at line 7").
#[test]
fn duplicate_message_and_enum_name_is_reported_at_the_later_definition() {
    let (c, d) = lint("duplicate_names");
    let later =
        d.items.iter().find(|x| x.code == Code::Duplicate && x.message.contains("`dup.Status` is defined twice"));
    let later = later.unwrap_or_else(|| panic!("no duplicate error for dup.Status:\n{}", listing(&c, &d)));
    assert_eq!(loc(&c, later), "a.yaml:7:3", "{}", later.message);
    assert!(later.message.contains("first at line 4"), "{}", later.message);
}

#[test]
fn unresolved_references_name_the_missing_type() {
    let (c, d) = lint("unresolved_ref");
    expect_only(
        &c,
        &d,
        &[("E302", "contract.yaml:7:15"), ("E302", "contract.yaml:9:15"), ("E302", "contract.yaml:11:15")],
    );
    assert!(expect(&c, &d, "E302", "contract.yaml:9:15").message.contains("elsewhere.Thing"));
    assert!(expect(&c, &d, "E302", "contract.yaml:11:15").message.contains("nowhere.Item"));
    assert!(expect(&c, &d, "E302", "contract.yaml:9:15").hint.contains("package.Name"));
}

#[test]
fn cyclic_required_references_are_an_error() {
    let (c, d) = lint("cyclic_required");
    expect_only(&c, &d, &[("E303", "contract.yaml:9:15")]);
    let e = expect(&c, &d, "E303", "contract.yaml:9:15");
    assert!(e.message.contains("cyc.A.b -> cyc.B.a -> cyc.A"), "{}", e.message);
}

#[test]
fn recursion_through_optional_nullable_list_and_map_is_accepted() {
    let (c, d) = lint("recursive_ok");
    assert_eq!(d.items.len(), 0, "{}", listing(&c, &d));
    let id = c.find_message("tree.Node").expect("tree.Node");
    let m = c.message(id);
    assert_eq!(m.examples.len(), 2);
    assert!(m.examples.iter().all(|e| e.value.is_some()));
    // Its golden cases generate (minimal values of recursive messages terminate).
    let cases = msgpact::golden::cases::for_message(&c, id);
    assert!(cases.len() > 5, "{}", cases.len());
    for case in &cases {
        assert_eq!(decode(&case.bytes).expect("case decodes"), case.value, "{}", case.id);
        let r = annotate(&c, id, &case.bytes);
        assert!(r.error.is_none() && r.problems() == 0, "{}:\n{}", case.id, r.render());
    }
}

#[test]
fn examples_that_do_not_conform() {
    let (c, d) = lint("bad_examples");
    expect_only(
        &c,
        &d,
        &[
            ("E401", "contract.yaml:19:16"),
            ("E402", "contract.yaml:23:16"),
            ("E402", "contract.yaml:28:16"),
            ("E403", "contract.yaml:30:9"),
            ("E404", "contract.yaml:36:9"),
            ("E405", "contract.yaml:41:15"),
        ],
    );
    assert!(expect(&c, &d, "E401", "contract.yaml:19:16")
        .message
        .contains("expected uint8, found the string \"high\""));
    assert!(expect(&c, &d, "E402", "contract.yaml:23:16").message.contains("300 is out of range for uint8"));
    assert!(expect(&c, &d, "E402", "contract.yaml:28:16").message.contains("above the maximum"));
    assert!(expect(&c, &d, "E403", "contract.yaml:30:9").message.contains("missing required field `level`"));
    let unknown = expect(&c, &d, "E404", "contract.yaml:36:9");
    assert!(unknown.message.contains("unknown field `sensr`"));
    assert_eq!(unknown.hint, "did you mean `sensor`?");
    assert!(expect(&c, &d, "E405", "contract.yaml:41:15").message.contains("`note` is not nullable"));
}

#[test]
fn four_hundred_digit_numbers_in_examples_and_constraints() {
    let (c, d) = lint("huge_numbers");
    expect_only(
        &c,
        &d,
        &[
            ("E207", "contract.yaml:10:28"),
            ("E207", "contract.yaml:13:32"),
            ("E402", "contract.yaml:18:16"),
            ("E402", "contract.yaml:23:16"),
            ("E402", "contract.yaml:31:17"),
        ],
    );
    assert!(expect(&c, &d, "E402", "contract.yaml:18:16").message.contains("out of range for int64"));
    assert!(expect(&c, &d, "E402", "contract.yaml:23:16").message.contains("out of range for int64"));
}

#[test]
fn ten_thousand_levels_of_block_nesting() {
    let (c, d) = lint("deep_block");
    // The stack of open nodes reaches 64 (the root mapping and 63 lists) at the 64th `- `.
    expect_only(&c, &d, &[("E104", "contract.yaml:4:127")]);
}

#[test]
fn ten_thousand_levels_of_flow_nesting() {
    let (c, d) = lint("deep_flow");
    // yaml-rust2's scanner counts flow levels in a u8 and stops at the 256th `[` (column 6 + 255); it
    // scans ahead of the parser, before msgpact's own limit of 64; msgpact reports it as E104 too.
    expect_only(&c, &d, &[("E104", "contract.yaml:3:261")]);
    assert!(expect(&c, &d, "E104", "contract.yaml:3:261").message.contains("nesting deeper"));
}

#[test]
fn ten_thousand_levels_of_indented_mappings_in_memory() {
    let mut s = String::from("package: deep\nversion: 1.0.0\ndoc:\n");
    for i in 0..10_000 {
        s.push_str(&" ".repeat(i + 2));
        s.push_str("a:\n");
    }
    let mut c = Contracts::default();
    let mut d = Diagnostics::default();
    load::load_bytes(&mut c, &mut d, FileId(0), s.as_bytes());
    assert_eq!(d.items.len(), 1, "{:?}", d.items);
    assert_eq!(d.items[0].code, Code::TooDeep);
    // The 65th open node is the mapping at line 67 (indented 65 spaces); yaml-rust2 marks a block mapping's
    // start at the `:` of its first key, so the column is that of the `:` (67), one right of the key.
    let span = d.items[0].span.expect("a location");
    assert_eq!((span.line, span.col), (67, 67));
}

#[test]
fn empty_file() {
    let (c, d) = lint("empty");
    expect_only(&c, &d, &[("E203", "contract.yaml:1:1")]);
    assert_eq!(expect(&c, &d, "E203", "contract.yaml:1:1").message, "empty contract file");
}

#[test]
fn a_yaml_list_instead_of_a_mapping() {
    let (c, d) = lint("list_root");
    expect_only(&c, &d, &[("E201", "contract.yaml:1:1")]);
    assert!(expect(&c, &d, "E201", "contract.yaml:1:1").message.contains("found a list"));
}

#[test]
fn one_file_with_many_problems_reports_all_of_them() {
    let (c, d) = lint("multi_error");
    expect_only(
        &c,
        &d,
        &[
            ("E205", "contract.yaml:2:10"),
            ("E209", "contract.yaml:5:12"),
            ("E302", "contract.yaml:8:15"),
            ("E207", "contract.yaml:11:23"),
            ("E402", "contract.yaml:15:16"),
            ("E204", "contract.yaml:16:3"),
            ("E203", "contract.yaml:22:9"),
            ("E202", "contract.yaml:23:9"),
            ("E406", "contract.yaml:26:15"),
            ("E404", "contract.yaml:27:9"),
        ],
    );
}

/// Fixtures that lint without errors (warnings only).
const ACCEPTED: [&str; 2] = ["recursive_ok", "constraints_no_examples"];

/// Every fixture but the accepted ones has errors, each with a location and a hint; none panics.
#[test]
fn every_bad_fixture_fails_with_located_hinted_errors() {
    let mut seen = 0;
    for entry in std::fs::read_dir(root().join("tests/fixtures/bad")).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !dir.is_dir() || ACCEPTED.contains(&name.as_str()) {
            continue;
        }
        let (c, d) = lint(&name);
        assert!(d.has_errors(), "{name}: no error");
        for x in &d.items {
            assert!(x.span.is_some(), "{name}: {x:?} has no location");
            assert!(!x.hint.is_empty(), "{name}: {x:?} has no hint");
            let line = x.render(&c.sources);
            assert!(line.contains(&format!("[{}]: ", x.code.id())), "{line}");
        }
        seen += 1;
    }
    assert!(seen >= 13, "only {seen} fixtures");
}

// ---- hostile payloads, in process ----------------------------------------------------------------------

fn contracts() -> Contracts {
    let (c, d) = Contracts::load_dir(&root().join("contracts"));
    assert!(!d.has_errors(), "{}", d.render_all(&c.sources));
    c
}

fn golden_bytes(rel: &str) -> Vec<u8> {
    std::fs::read(root().join("golden").join(rel)).unwrap_or_else(|e| panic!("golden/{rel}: {e}"))
}

#[test]
fn hostile_payloads_are_errors_with_offsets_in_the_decoder_and_the_annotator() {
    let c = contracts();
    let id = c.find_message("chat.ChatRequest").unwrap();
    let minimal = golden_bytes("chat/ChatRequest/example.minimal.msgpack");
    let mut trailing = minimal.clone();
    trailing.push(0x00);
    let mut deep = vec![0x91u8; 100_000];
    deep.push(0xc0);
    let cases: Vec<(&str, Vec<u8>, Code, usize)> = vec![
        ("truncated", minimal[..minimal.len() - 3].to_vec(), Code::Truncated, minimal.len() - 6),
        ("str32 claiming 4 GiB", vec![0xdb, 0xff, 0xff, 0xff, 0xff], Code::Truncated, 0),
        ("0xc1", vec![0xc1], Code::ReservedByte, 0),
        ("trailing bytes", trailing, Code::TrailingBytes, minimal.len()),
        ("empty", vec![], Code::Truncated, 0),
    ];
    for (what, bytes, code, offset) in &cases {
        let e = decode(bytes).expect_err(what);
        assert_eq!((e.code, e.offset), (*code, *offset), "decode {what}: {e}");
        let r = annotate(&c, id, bytes);
        let e = r.error.as_ref().unwrap_or_else(|| panic!("annotate {what}: no error"));
        assert_eq!((e.code, e.offset), (*code, *offset), "annotate {what}: {e}");
    }
    // 100,000 nested arrays: bounded, not a stack overflow.
    assert_eq!(decode(&deep).unwrap_err().code, Code::PayloadTooDeep);
    let r = annotate(&c, id, &deep);
    assert_eq!(r.error.as_ref().map(|e| e.code), Some(Code::PayloadTooDeep));
    assert!(r.tokens.len() <= 600, "{} tokens", r.tokens.len());
}

#[test]
fn invalid_utf8_in_a_str_value_is_a_problem_and_in_a_key_an_error() {
    let c = contracts();
    let id = c.find_message("chat.ChatRequest").unwrap();
    let mut value = vec![0x81];
    value.extend(fixstr("user_id"));
    value.extend([0xa2, 0xff, 0xfe]);
    let r = annotate(&c, id, &value);
    assert!(r.error.is_none());
    assert!(
        r.findings().any(|(t, f)| t.path == "$.user_id"
            && f.kind == FindingKind::Problem
            && f.text.contains("not valid UTF-8")),
        "{}",
        r.render()
    );
    assert_eq!(decode(&value).unwrap_err().code, Code::InvalidUtf8);

    let key = [0x81, 0xa2, 0xff, 0xfe, 0xa1, b'x'];
    let e = annotate(&c, id, &key).error.expect("an error");
    assert_eq!((e.code, e.offset), (Code::InvalidUtf8, 2));
}

#[test]
fn int64_width_int_is_a_deviation_not_a_problem() {
    let c = contracts();
    let id = c.find_message("common.TokenUsage").unwrap();
    let mut p = vec![0x83];
    p.extend(fixstr("prompt_tokens"));
    p.extend([0xd3, 0, 0, 0, 0, 0, 0, 0, 5]);
    p.extend(fixstr("completion_tokens"));
    p.push(1);
    p.extend(fixstr("total_tokens"));
    p.push(6);
    let r = annotate(&c, id, &p);
    assert!(r.error.is_none());
    assert_eq!((r.problems(), r.deviations()), (0, 1), "{}", r.render());
}

#[test]
fn array_instead_of_map_is_a_problem() {
    let c = contracts();
    let id = c.find_message("common.TokenUsage").unwrap();
    let r = annotate(&c, id, &[0x93, 0, 0, 0]);
    assert!(r.error.is_none());
    assert_eq!(r.problems(), 1, "{}", r.render());
    assert!(r.render().contains("array of 3 where `common.TokenUsage` is a map"), "{}", r.render());
}

/// A Go struct field `UserID` without a `msgpack:"user_id"` tag is written under its Go name. The
/// annotator's hint exists for exactly this case ("the contract's field is `user_id`"), but
/// `diag::did_you_mean` only matches within edit distance 2 or a case-insensitive equal name, and
/// `UserID` vs `user_id` is distance 4, so the hint names no field.
#[test]
fn unknown_field_userid_hint_names_user_id() {
    let c = contracts();
    let id = c.find_message("chat.ChatRequest").unwrap();
    let minimal = golden_bytes("chat/ChatRequest/example.minimal.msgpack");
    let renamed = replace(&minimal, &fixstr("user_id"), &fixstr("UserID"));
    let r = annotate(&c, id, &renamed);
    let (_, f) = r.findings().find(|(t, _)| t.path == "$.UserID").unwrap_or_else(|| panic!("{}", r.render()));
    assert_eq!(f.kind, FindingKind::Problem);
    assert!(f.text.contains("`user_id`"), "the hint does not name `user_id`: {}", f.text);
}

/// A 100 kB payload of 500 nested arrays around 100,000 nils makes `annotate` keep a path string of
/// ~1.5 kB per token (`$.request_id[0][0]...`): 330 MB of memory and 160 MB of `inspect` output. Memory
/// grows as payload size x nesting depth, so a 10 MB hostile payload needs tens of GB.
#[test]
fn annotate_memory_is_bounded_for_wide_and_deep_payloads() {
    let c = contracts();
    let id = c.find_message("chat.ChatRequest").unwrap();
    let mut p = vec![0x91u8; 500];
    p.extend([0xdd, 0x00, 0x01, 0x86, 0xa0]);
    p.extend(std::iter::repeat_n(0xc0u8, 100_000));
    let r = annotate(&c, id, &p);
    let kept: usize = r.tokens.iter().map(|t| t.path.len() + t.what.len() + t.bytes.len()).sum();
    assert!(kept <= 64 * p.len(), "annotate keeps {kept} bytes of text for a {}-byte payload", p.len());
}

fn replace(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = hay.windows(from.len()).position(|w| w == from).expect("pattern present");
    [&hay[..at], to, &hay[at + from.len()..]].concat()
}

/// A message without examples gets golden cases built on `golden::cases::minimal_message`, whose
/// `sample()` ignores constraints: `bytes` with `min_len: 4` gets 1 byte, `int32` with `max: -5` gets 0,
/// `float64` with `max: -1.0` gets 0.0, a list or map with `min_len` is empty. So `msgpact golden --write`
/// writes vectors that do not fit their own contract.
#[test]
fn golden_cases_of_a_message_without_examples_respect_constraints() {
    let (c, d) = lint("constraints_no_examples");
    assert!(!d.has_errors(), "{}", listing(&c, &d));
    let id = c.find_message("x.Blob").unwrap();
    let mut bad = Vec::new();
    for case in msgpact::golden::cases::for_message(&c, id) {
        let r = annotate(&c, id, &case.bytes);
        let mut why: Vec<String> = r
            .findings()
            .filter(|(_, f)| f.kind == FindingKind::Problem)
            .map(|(t, f)| format!("{}: {}", t.path, f.text))
            .collect();
        // annotate does not check float ranges (see annotate_checks_float_range_constraints): check here.
        if let Some(msgpact::wire::Value::F64(x)) = case.value.get("temp") {
            if *x > -1.0 {
                why.push(format!("$.temp: {x} is above the maximum -1.0"));
            }
        }
        if !why.is_empty() {
            bad.push(format!("{}: {}", case.id, why.join("; ")));
        }
    }
    assert!(bad.is_empty(), "{} golden case(s) do not fit the contract:\n{}", bad.len(), bad.join("\n"));
}

/// `annotate` checks integer `min`/`max` constraints but not float ones, nor NaN/infinity where the field
/// does not allow them: `pipeline.PipelineParams.temperature` (float32, max 2.0) written as 5.0 or NaN
/// "fits" (`msgpact inspect` exits 0).
#[test]
fn annotate_checks_float_range_constraints() {
    let c = contracts();
    let id = c.find_message("pipeline.PipelineParams").unwrap();
    let typical = golden_bytes("pipeline/PipelineParams/example.typical.msgpack");
    let key = fixstr("temperature");
    let at = typical.windows(key.len()).position(|w| w == key.as_slice()).unwrap() + key.len();
    assert_eq!(typical[at], 0xca);
    for x in [5.0f32, -1.0, f32::NAN, f32::INFINITY] {
        let mut p = typical.clone();
        p[at + 1..at + 5].copy_from_slice(&x.to_bits().to_be_bytes());
        let r = annotate(&c, id, &p);
        assert!(
            r.findings().any(|(t, f)| t.path == "$.temperature" && f.kind == FindingKind::Problem),
            "temperature {x} (constraints min 0.0, max 2.0) is not flagged:\n{}",
            r.render()
        );
    }
}

/// Found by the `annotate` fuzz target (fuzz/artifacts/annotate/crash-9ffaa3e2...): in a message map,
/// `Walker::message_map` reads each key with `read_token` only, so a key that is an array or a map has its
/// header read and its items left in place; reading goes on misaligned (here: "trailing bytes"), although
/// `wire::decode` reads the same payload to the end. The key should be read whole (and flagged as a
/// non-str field key).
#[test]
fn annotate_reads_past_container_keys_of_a_message() {
    let c = contracts();
    let id = c.find_message("chat.ChatTurn").unwrap();
    // {"role": "user", {"a": 1}: "x", "text": ""}
    let mut p = vec![0x83];
    p.extend(fixstr("role"));
    p.extend(fixstr("user"));
    p.extend([0x81, 0xa1, b'a', 0x01]);
    p.extend(fixstr("x"));
    p.extend(fixstr("text"));
    p.extend(fixstr(""));
    assert!(decode(&p).is_ok());
    let r = annotate(&c, id, &p);
    assert!(r.error.is_none(), "annotate stops: {:?}\n{}", r.error, r.render());
    assert!(
        r.findings().any(|(_, f)| f.kind == FindingKind::Problem && f.text.contains("field key")),
        "{}",
        r.render()
    );
    // The fuzzer's own reproducer.
    let crash = [
        0x84, 0xaa, 0x72, 0x65, 0x71, 0x75, 0x65, 0x73, 0x74, 0x5f, 0x69, 0x64, 0xa3, 0x72, 0x2d, 0x31, 0xa4, 0x63,
        0x6f, 0x64, 0x65, 0xd1, 0xff, 0x7f, 0xa7, 0x6d, 0x65, 0x73, 0x0f, 0x61, 0x67, 0x65, 0xa0, 0x84, 0xaa, 0x72,
        0x65, 0x71, 0x75, 0x65, 0x73, 0x74, 0x5f, 0x69, 0x64, 0xa3, 0x72, 0x2d, 0x31, 0xa4, 0x63, 0x6f, 0x64, 0x65,
        0xcc, 0xff, 0xa7, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0xa0, 0xa9, 0x72, 0x65, 0x74, 0x72, 0x79, 0x61,
        0x62, 0x6c, 0x65, 0xa9, 0x72, 0x65, 0x74, 0x72, 0x79, 0x61, 0x62, 0x6c, 0x65, 0xc2,
    ];
    assert!(decode(&crash).is_ok());
    for id in c.message_ids() {
        let r = annotate(&c, id, &crash);
        assert!(r.error.is_none(), "{}: {:?}", c.message_name(id), r.error);
    }
}
