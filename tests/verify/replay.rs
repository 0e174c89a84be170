//! `verify --against`: the golden vectors of an earlier version through the current peers. New readers
//! must read what old writers sent.
use crate::common::*;

fn replay(against: &str) -> (i32, String, serde_json::Value) {
    let bin = nats_server();
    let t = tempfile::tempdir().unwrap();
    let report = t.path().join("report.json");
    let args = [
        "verify",
        "--nats",
        "binary",
        "--peer",
        "rust",
        "--peer",
        "python",
        "--peer",
        "go",
        "--against",
        against,
        "--json",
        report.to_str().unwrap(),
    ];
    let o = msgpact(root(), &args, &[("MSGPACT_NATS_SERVER", bin.to_str().unwrap())]);
    (o.status.code().unwrap_or(-1), stderr(&o), read_json(&report))
}

#[test]
fn the_previous_example_contracts_vectors_are_read_by_the_current_peers() {
    let fixture = root().join("tests/fixtures/replay/v0.9.0");
    let (code, err, report) = replay(fixture.to_str().unwrap());
    assert_eq!(code, 0, "{err}");
    let xs = exchanges(&report);
    let replayed: Vec<_> = xs.iter().filter(|x| x["producer"].as_str().unwrap().ends_with("v0.9.0")).collect();
    // 0.9.0 has fewer cases than 1.0.0 (no history, shard_weights, flac...), for each of the 3 peers.
    assert!(replayed.len() > 3 * 250 && replayed.len() < 3 * 322, "{}", replayed.len());
    assert!(replayed.iter().all(|x| x["verdict"]["kind"] == "identical"), "every old vector reads the same");
    assert!(err.contains("v0.9.0 -> peer"), "the terminal shows the replay matrix:\n{err}");
}

#[test]
fn replaying_a_version_whose_enum_value_was_removed_fails_at_that_field() {
    let t = tempfile::tempdir().unwrap();
    let old = t.path().join("old");
    std::fs::create_dir_all(&old).unwrap();
    for f in std::fs::read_dir(root().join("contracts")).unwrap() {
        let f = f.unwrap().path();
        let text = std::fs::read_to_string(&f).unwrap().replace("version: 1.0.0", "version: 0.9.0");
        let text = text.replace(
            "values: {pcm16: 1, opus: 2, mulaw: 3, flac: 4}",
            "values: {pcm16: 1, opus: 2, mulaw: 3, flac: 4, alaw: 5}",
        );
        std::fs::write(old.join(f.file_name().unwrap()), text).unwrap();
    }
    let (code, err, report) = replay(old.to_str().unwrap());
    assert_eq!(code, 1, "{err}");
    let failed: Vec<_> = exchanges(&report).into_iter().filter(|x| x["outcome"] == "fail").collect();
    assert_eq!(failed.len(), 3, "one failure per peer: {failed:?}");
    for x in failed {
        assert_eq!(x["message"], "voice.AudioChunk");
        assert_eq!(x["case"], "edge.format.alaw");
        assert_eq!(x["verdict"]["detail"]["path"], "$.format");
        assert!(x["location"].as_str().unwrap().contains("voice.yaml"), "{x}");
    }
    assert!(err.contains("does not fit the current contract"), "{err}");
}

#[test]
fn a_missing_earlier_version_is_a_setup_error() {
    let (code, err, _) = replay("no-such-ref-or-dir");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no-such-ref-or-dir"), "{err}");
}
