//! The generated Rust types decode every golden vector and encode it back byte for byte, and refuse
//! payloads that break the contract.
#[path = "../src/generated.rs"]
mod generated;

use std::path::{Path, PathBuf};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden")
}

fn roundtrip_of(ty: &str) -> generated::rt::RoundTrip {
    generated::TYPES
        .iter()
        .find(|(n, _)| *n == ty)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no generated type {ty}"))
}

#[test]
fn every_golden_vector_round_trips_byte_for_byte_and_every_must_reject_vector_is_refused() {
    let mut checked = 0;
    let mut rejects = 0;
    let mut failures = Vec::new();
    for pkg in std::fs::read_dir(golden_dir()).expect("golden/ exists") {
        let pkg = pkg.unwrap().path();
        for msg in std::fs::read_dir(&pkg).unwrap() {
            let msg = msg.unwrap().path();
            let ty = format!(
                "{}.{}",
                pkg.file_name().unwrap().to_string_lossy(),
                msg.file_name().unwrap().to_string_lossy()
            );
            let rt = roundtrip_of(&ty);
            for case in std::fs::read_dir(&msg).unwrap() {
                let case = case.unwrap().path();
                if case.extension().and_then(|e| e.to_str()) != Some("msgpack") {
                    continue;
                }
                let bytes = std::fs::read(&case).unwrap();
                let name = case.file_stem().unwrap().to_string_lossy().into_owned();
                if let Some(kind) = name.strip_prefix("reject.") {
                    // A must-reject vector: refused, except an unknown key (ignored on purpose).
                    rejects += 1;
                    match (rt(&bytes), kind == "unknown-key") {
                        (Ok(_), false) => failures.push(format!("{}: accepted", case.display())),
                        (Err(e), true) => {
                            failures.push(format!("{}: refused: {e}", case.display()))
                        }
                        _ => {}
                    }
                    continue;
                }
                checked += 1;
                match rt(&bytes) {
                    Ok(out) if out == bytes => {}
                    Ok(out) => failures.push(format!(
                        "{}: re-encoded to {} bytes that differ",
                        case.display(),
                        out.len()
                    )),
                    Err(e) => failures.push(format!("{}: {e}", case.display())),
                }
            }
        }
    }
    assert!(checked > 300, "only {checked} golden vectors found");
    assert!(rejects > 150, "only {rejects} must-reject vectors found");
    assert!(
        failures.is_empty(),
        "{} of {checked} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

#[test]
fn refuses_payloads_that_break_the_contract() {
    let usage = roundtrip_of("common.TokenUsage");
    // {prompt_tokens: -1, ...}: out of range for uint32.
    let neg = [
        &[0x83][..],
        b"\xadprompt_tokens\xff\xb1completion_tokens\x00\xactotal_tokens\x00",
    ]
    .concat();
    assert!(matches!(usage(&neg), Err(generated::rt::Error::Decode(_))));
    // A missing required field.
    let missing = [
        &[0x82][..],
        b"\xadprompt_tokens\x00\xb1completion_tokens\x00",
    ]
    .concat();
    let err = usage(&missing).unwrap_err().to_string();
    assert!(err.contains("total_tokens"), "{err}");
    // The string enum `Role` written as its index (rmp-serde's default reader would take it).
    let turn = roundtrip_of("chat.ChatTurn");
    let by_index = [&[0x82][..], b"\xa4role\x00\xa4text\xa0"].concat();
    assert!(turn(&by_index).is_err());
    // A too-long user_id (max_len 64) inside an otherwise valid request.
    let req = roundtrip_of("chat.ChatRequest");
    let mut bytes =
        std::fs::read(golden_dir().join("chat/ChatRequest/example.minimal.msgpack")).unwrap();
    let at = bytes.windows(3).position(|w| w == b"u-1").unwrap() - 1;
    let long = [&[0xd9, 65][..], &[b'x'; 65]].concat();
    bytes.splice(at..at + 4, long);
    let err = req(&bytes).unwrap_err().to_string();
    assert!(
        err.contains("$.user_id") && err.contains("length 65"),
        "{err}"
    );
}

#[test]
fn accepts_other_valid_encodings_and_ignores_unknown_fields() {
    let usage = roundtrip_of("common.TokenUsage");
    // prompt_tokens as a full-width uint64, keys in another order, and an extra field.
    let mut input = vec![0x84];
    input.extend(b"\xactotal_tokens\x03\xadprompt_tokens\xcf");
    input.extend(0x01u64.to_be_bytes());
    input.extend(b"\xa5extra\xc3\xb1completion_tokens\x02");
    let out = usage(&input).unwrap();
    let canonical = [
        &[0x83][..],
        b"\xadprompt_tokens\x01\xb1completion_tokens\x02\xactotal_tokens\x03",
    ]
    .concat();
    assert_eq!(out, canonical);
    assert_eq!(hex("83"), vec![0x83]);
}
