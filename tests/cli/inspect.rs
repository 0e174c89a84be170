//! `msgpact inspect` through the built binary with truncated and hostile payloads: exit 2 with an error at
//! a byte offset (never a panic or a hang); deviations exit 0 and say "non-canonical"; payloads that do not
//! fit the type exit 1 and say why.
use crate::common::*;
use std::path::PathBuf;
use std::process::Output;

/// Writes `bytes` to a temp file and inspects it as `ty`.
fn inspect(ty: &str, bytes: &[u8]) -> (Output, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("payload.bin");
    std::fs::write(&file, bytes).unwrap();
    let o = msgpact_here(&["inspect", "--type", ty, file.to_str().unwrap()]);
    assert_no_panic(&o);
    (o, dir, file)
}

/// Exit 2 and `FILE:0xOFFSET: error[CODE]` plus a hint.
fn unreadable(ty: &str, bytes: &[u8], code: &str, offset: usize) -> String {
    let (o, _dir, file) = inspect(ty, bytes);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let line = format!("{}:0x{offset:04x}: error[{code}]: ", file.display());
    assert!(err.contains(&line), "expected `{line}`:\n{err}");
    assert!(err.contains("\n  hint: "), "{err}");
    assert!(stdout(&o).contains("^ cannot read further"), "{}", stdout(&o));
    err
}

fn minimal_request() -> Vec<u8> {
    std::fs::read(root().join("golden/chat/ChatRequest/example.minimal.msgpack")).expect("golden minimal ChatRequest")
}

/// `p` with the first occurrence of `from` replaced by `to`.
fn replaced(p: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at =
        p.windows(from.len()).position(|w| w == from).unwrap_or_else(|| panic!("{from:02x?} is not in the payload"));
    [&p[..at], to, &p[at + from.len()..]].concat()
}

#[test]
fn inspect_a_golden_vector_exits_0_canonical() {
    let (o, _d, _f) = inspect("chat.ChatRequest", &minimal_request());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("inspect: fits chat.ChatRequest, canonical bytes"), "{}", stderr(&o));
    assert!(stdout(&o).contains("$.sent_at = 2024-05-01T12:00:00Z (timestamp32)"), "{}", stdout(&o));
}

#[test]
fn inspect_truncated_payload() {
    let p = minimal_request();
    let err = unreadable("chat.ChatRequest", &p[..p.len() - 3], "E601", p.len() - 6);
    assert!(err.contains("fixext4 of length 4 needs 4 more byte(s) but only 1 remain"), "{err}");
    // Every prefix is an error, never a panic.
    for n in 0..p.len() {
        let (o, _d, _f) = inspect("chat.ChatRequest", &p[..n]);
        assert_eq!(o.status.code(), Some(2), "prefix of {n} bytes: {}", stderr(&o));
    }
}

#[test]
fn inspect_str32_claiming_four_gib() {
    let err = unreadable("chat.ChatRequest", &[0xdb, 0xff, 0xff, 0xff, 0xff], "E601", 0);
    assert!(err.contains("str32 of length 4294967295"), "{err}");
}

#[test]
fn inspect_one_hundred_thousand_nested_arrays() {
    let mut p = vec![0x91u8; 100_000];
    p.push(0xc0);
    let err = unreadable("chat.ChatRequest", &p, "E603", 513);
    assert!(err.contains("nesting deeper than 512 levels"), "{err}");
}

#[test]
fn inspect_reserved_byte_c1() {
    unreadable("chat.ChatRequest", &[0xc1], "E602", 0);
}

#[test]
fn inspect_trailing_bytes() {
    let mut p = minimal_request();
    let n = p.len();
    p.extend([0x00, 0x01]);
    let err = unreadable("chat.ChatRequest", &p, "E605", n);
    assert!(err.contains("2 byte(s) after the end of the message"), "{err}");
}

#[test]
fn inspect_invalid_utf8_in_a_str() {
    // In a field key: the key cannot be read, so reading stops.
    unreadable("chat.ChatRequest", &[0x81, 0xa2, 0xff, 0xfe, 0xa1, b'x'], "E604", 2);
    // In a string value: the token is read and flagged.
    let mut p = vec![0x81];
    p.extend(fixstr("user_id"));
    p.extend([0xa2, 0xff, 0xfe]);
    let (o, _d, _f) = inspect("chat.ChatRequest", &p);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("PROBLEM: str is not valid UTF-8 (invalid byte 0xff)"), "{}", stdout(&o));
}

#[test]
fn inspect_unknown_type_exits_2_with_did_you_mean() {
    let (o, _d, _f) = inspect("chat.ChatRequst", &minimal_request());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "error[E606]: no message `chat.ChatRequst` in the contracts\n  hint: did you mean `chat.ChatRequest`?"
        ),
        "{err}"
    );
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn inspect_int64_width_int_is_non_canonical_exit_0() {
    let mut p = vec![0x83];
    p.extend(fixstr("prompt_tokens"));
    p.extend([0xd3, 0, 0, 0, 0, 0, 0, 0, 5]);
    p.extend(fixstr("completion_tokens"));
    p.push(1);
    p.extend(fixstr("total_tokens"));
    p.push(6);
    let (o, _d, _f) = inspect("common.TokenUsage", &p);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("^ non-canonical: int64 where positive fixint is enough; canonical is `05`"), "{out}");
    assert!(stderr(&o).contains("inspect: fits common.TokenUsage, 1 non-canonical token(s)"), "{}", stderr(&o));
}

#[test]
fn inspect_array_instead_of_map_exits_1() {
    let (o, _d, file) = inspect("common.TokenUsage", &[0x93, 0, 0, 0]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("PROBLEM: array of 3 where `common.TokenUsage` is a map keyed by field names"),
        "{}",
        stdout(&o)
    );
    let summary =
        format!("inspect: {} does not fit common.TokenUsage: 1 problem(s), 0 non-canonical token(s)", file.display());
    assert!(stderr(&o).contains(&summary), "{}", stderr(&o));
}

/// The Go case: a field `UserID` without a msgpack tag. Exit 1 and the hint must name `user_id`
/// (see bad_input.rs `unknown_field_userid_hint_names_user_id`).
#[test]
fn inspect_unknown_field_userid_hint_names_user_id() {
    let renamed = replaced(&minimal_request(), &fixstr("user_id"), &fixstr("UserID"));
    let (o, _d, _f) = inspect("chat.ChatRequest", &renamed);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let line = out.lines().find(|l| l.contains("unknown field `UserID`")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("PROBLEM"), "{line}");
    assert!(line.contains("`user_id`"), "the hint does not name `user_id`: {line}");
}

#[test]
fn inspect_hex_input_and_bad_hex() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("p.hex");
    std::fs::write(&good, "93-00-00-00\n").unwrap();
    let o = msgpact_here(&["inspect", "--hex", "--type", "common.TokenUsage", good.to_str().unwrap()]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let bad = dir.path().join("bad.hex");
    std::fs::write(&bad, "9z").unwrap();
    let o = msgpact_here(&["inspect", "--hex", "--type", "common.TokenUsage", bad.to_str().unwrap()]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("error[E608]: not hex"), "{}", stderr(&o));
}

#[test]
fn inspect_missing_file_exits_2() {
    let o = msgpact_here(&["inspect", "--type", "common.TokenUsage", "tests/fixtures/bad/no-such-payload.bin"]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[E101]: cannot read"), "{}", stderr(&o));
}

/// `inspect FILE --against PEER_OUTPUT`: the golden vector a peer was sent and what it sent back, judged
/// offline as verify judges them. Returns the output; both payloads are written to a temp dir.
fn against(ty: &str, sent: &[u8], reply: &[u8], extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let (s, r) = (dir.path().join("sent.msgpack"), dir.path().join("reply.msgpack"));
    std::fs::write(&s, sent).unwrap();
    std::fs::write(&r, reply).unwrap();
    let mut args = vec!["inspect", "--type", ty, s.to_str().unwrap(), "--against", r.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = msgpact_here(&args);
    assert_no_panic(&o);
    o
}

#[test]
fn against_identical_bytes_exits_0() {
    let p = minimal_request();
    let o = against("chat.ChatRequest", &p, &p, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("identical: identical bytes"), "{}", stdout(&o));
}

/// The Go struct without a tag, diagnosed offline: class, contract location of `user_id`, both tokens side
/// by side and the Go hint only (`--lang go`).
#[test]
fn against_a_renamed_key_names_the_field_its_contract_line_and_the_go_tag() {
    let p = minimal_request();
    let renamed = replaced(&p, &fixstr("user_id"), &fixstr("userId"));
    let o = against("chat.ChatRequest", &p, &renamed, &["--lang", "go"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("different-value: different value at $.userId"), "{out}");
    let declared = std::fs::read_to_string(root().join("contracts/chat.yaml")).unwrap();
    let line = declared.lines().position(|l| l.trim_start() == "- name: user_id").map(|i| i + 1);
    let at_line = out.lines().find(|l| l.trim_start().starts_with("at:")).unwrap_or_else(|| panic!("{out}"));
    assert!(at_line.contains(&format!("contracts/chat.yaml:{}:", line.expect("user_id in chat.yaml"))), "{at_line}");
    assert!(out.contains("class:     field-name"), "{out}");
    assert!(out.contains("expected:  a7 75 73 65 72 5f 69 64"), "{out}");
    assert!(out.contains("actual:    a6 75 73 65 72 49 64"), "{out}");
    assert!(out.contains("hint (go): tag the struct field `msgpack:\"user_id\"`"), "{out}");
    assert!(!out.contains("hint (python)") && !out.contains("hint (rust)"), "--lang go shows the Go hint only: {out}");
}

/// Go's `msgpack.Marshal` writes integers at full width: the same value in other bytes, class int-width,
/// with the token that deviates and `UseCompactInts` in the Go hint.
#[test]
fn against_a_widened_integer_is_same_value_other_bytes_with_the_token() {
    let sent = std::fs::read(root().join("golden/common/TokenUsage/example.typical.msgpack")).unwrap();
    // completion_tokens = 230: uint8 in the golden vector, int64 in the reply
    let wide = replaced(&sent, &[0xcc, 0xe6], &[&[0xd3][..], &230i64.to_be_bytes()].concat());
    let o = against("common.TokenUsage", &sent, &wide, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("same-value: same value, other bytes at $.completion_tokens"), "{out}");
    assert!(out.contains("class:     int-width"), "{out}");
    assert!(out.contains("actual:    d3 00 00 00 00 00 00 00 e6  int64 = 230"), "{out}");
    assert!(out.contains("hint (go): encode with a msgpack.Encoder and `enc.UseCompactInts(true)`"), "{out}");
}

#[test]
fn against_a_missing_reply_file_or_a_sent_payload_that_does_not_fit_exits_2() {
    let p = minimal_request();
    let o = msgpact_here(&[
        "inspect",
        "--type",
        "chat.ChatRequest",
        "golden/chat/ChatRequest/example.minimal.msgpack",
        "--against",
        "tests/fixtures/bad/no-such-reply.bin",
    ]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no-such-reply.bin: error[E101]: cannot read"), "{}", stderr(&o));
    let o = against("common.TokenUsage", &p, &p, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("error[E609]: not a valid common.TokenUsage"), "{}", stderr(&o));
}
