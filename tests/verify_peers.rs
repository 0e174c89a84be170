//! The main job end to end: the Rust, Python and Go reference peers agree on every golden vector, and on
//! each other's output, through a real NATS server from the container backend and from the binary backend.
mod common;
use common::*;

fn check_agreement(backend: &str, env: &[(&str, &str)]) {
    let t = tempfile::tempdir().unwrap();
    let report = t.path().join("report.json");
    let junit = t.path().join("junit.xml");
    let args = ["verify", "--nats", backend, "--json", report.to_str().unwrap(), "--junit", junit.to_str().unwrap()];
    let o = msgpact(&root(), &args, env);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "verify through the {backend} backend failed:\n{err}");
    assert!(err.contains(&format!("nats: {backend} at ")), "{err}");
    let report = read_json(&report);
    let events = report["events"].as_array().unwrap();
    let ready: Vec<&str> = events.iter().filter(|e| e["event"] == "peer-ready").map(|e| e["peer"].as_str().unwrap()).collect();
    assert_eq!(ready, ["go", "python", "rust"], "{err}");
    for e in events.iter().filter(|e| e["event"] == "peer-ready") {
        assert!(!e["hello"]["library_version"].as_str().unwrap().is_empty());
        assert_eq!(e["hello"]["types"].as_array().unwrap().len(), 8, "{e}");
    }
    let xs = exchanges(&report);
    let golden = xs.iter().filter(|x| x["producer"] == "golden").count();
    assert_eq!(golden, 3 * 322, "every vector through every peer");
    let pairs: std::collections::BTreeSet<(String, String)> = xs.iter().filter(|x| x["producer"] != "golden").map(|x| (x["producer"].as_str().unwrap().into(), x["consumer"].as_str().unwrap().into())).collect();
    assert_eq!(pairs.len(), 9, "the 3 x 3 producer x consumer matrix: {pairs:?}");
    assert!(xs.iter().all(|x| x["verdict"]["kind"] == "identical"), "every exchange is byte-identical");
    assert_eq!(report["summary"]["failed"], 0);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 3 * 322, "one JUnit testcase per message, case and peer");
    assert!(err.contains("verify: ok"), "{err}");
}

#[test]
fn three_peers_agree_through_the_binary_backend() {
    let bin = nats_server();
    if !require(bin.is_some(), "nats-server") {
        return;
    }
    check_agreement("binary", &[("MSGPACT_NATS_SERVER", bin.unwrap().to_str().unwrap())]);
}

#[test]
fn three_peers_agree_through_the_container_backend() {
    let engine = std::env::var("DOCKER_HOST").is_ok() && std::env::var("MSGPACT_NATS_IMAGE").is_ok();
    if !require(engine, "a container engine (DOCKER_HOST) and a local NATS image (MSGPACT_NATS_IMAGE); ci/setup-nats.sh sets both") {
        return;
    }
    check_agreement("container", &[]);
}
