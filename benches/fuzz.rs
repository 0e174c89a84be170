//! `msgpact fuzz` throughput (issue 15, docs/benchmarks.md "Fuzz throughput"): fuzz exchanges per second
//! through the three reference peers with `msgpact::fuzz::run` (the library API, a `FuzzLog` sink, release
//! build), against a raw async-nats request/reply loop in the same run: the same payloads (the values fuzz
//! draws for the same seeds, encoded canonically), the same three peer processes kinds, the same NATS
//! server, the same concurrency (128 in flight per peer, all three peers at once), no drawing and no
//! judging. Nothing here is a timed assertion.
//!
//! The fuzz rate is `summary.exchanges / summary.exchanging`: the rounds (drawing, exchanging, judging,
//! the matrix), without the start-up of NATS and the peers. The raw loop's peers are started by a verify
//! `Session` (as fuzz starts them); the loop then sends to their subjects with its own client.
//! `BENCH_FUZZ_RUNS` pairs (default 5) after one warm-up pair; `BENCH_FUZZ_CASES` cases per message type
//! per run (default 500, so 4,000 cases and 12,000 exchanges a run). Results also go to
//! `target/bench-fuzz/results.json`.
use bytes::Bytes;
use futures::StreamExt;
use msgpact::fuzz::gen::{presence_count, stream, Gen, Limits};
use msgpact::fuzz::{FuzzLog, FuzzOptions};
use msgpact::nats::{self, Backend, NatsOptions};
use msgpact::verify::{self, Session};
use msgpact::wire::encode;
use serde_json::json;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const CONCURRENCY: usize = 128;
const TIMEOUT: Duration = Duration::from_secs(5);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn options(url: &str) -> verify::Options {
    let mut nats = NatsOptions::from_env(root().join("target/bench-fuzz/cache"));
    nats.backend = Backend::Url;
    nats.url = Some(url.to_string());
    nats.cleanup_on_signal = false;
    verify::Options {
        root: root(),
        contracts: root().join("contracts"),
        golden: root().join("golden"),
        harness: root().join("harness"),
        peers: Vec::new(),
        nats,
        timeout: TIMEOUT,
        concurrency: CONCURRENCY,
        handshake_timeout: Duration::from_secs(60),
        cache: std::env::var_os("MSGPACT_CACHE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("target/msgpact")),
        max_restarts: 10,
        update_expected_failures: false,
        against: None,
        required: Vec::new(),
        policy: Vec::new(),
    }
}

/// One fuzz run: (exchanges, seconds of rounds).
async fn fuzz_run(url: &str, seed: u64, cases: u64) -> (usize, f64) {
    let mut o = FuzzOptions::new(options(url), seed);
    o.cases = Some(cases);
    let mut log = FuzzLog::default();
    let sum = msgpact::fuzz::run(&o, &mut log).await;
    assert_eq!(sum.exit_code, 0, "the reference peers pass: {sum:?}");
    (sum.exchanges, sum.exchanging.as_secs_f64())
}

/// The payloads fuzz draws for `seed`: (type, case id, canonical bytes) for every message type.
fn payloads(c: &msgpact::contract::Contracts, seed: u64, cases: u64) -> Vec<(String, String, Bytes)> {
    let mut out = Vec::new();
    for (mi, id) in c.message_ids().enumerate() {
        let combos = presence_count(c, id);
        for n in 0..cases {
            let v = Gen::new(c, stream(seed, mi, n), Limits::default()).message(id, Some(n % combos));
            out.push((c.message_name(id), format!("fuzz.{n}"), Bytes::from(encode(&v))));
        }
    }
    out
}

/// The baseline: every payload to every peer as a request with the protocol's headers, 128 in flight per
/// peer, all peers at once. Returns (ok replies, seconds).
async fn raw_run(client: &async_nats::Client, subjects: &[String], items: &[(String, String, Bytes)]) -> (usize, f64) {
    let start = Instant::now();
    let loops = subjects.iter().map(|subject| {
        futures::stream::iter(items)
            .map(|(ty, case, payload)| {
                let mut h = async_nats::HeaderMap::new();
                h.insert("Msgpact-Type", ty.as_str());
                h.insert("Msgpact-Case", case.as_str());
                let req = client.request_with_headers(subject.clone(), h, payload.clone());
                async move {
                    matches!(tokio::time::timeout(TIMEOUT, req).await, Ok(Ok(m))
                        if m.headers.as_ref().and_then(|h| h.get("Msgpact-Status")).is_some_and(|v| v.as_str() == "ok"))
                }
            })
            .buffer_unordered(CONCURRENCY)
            .filter(|ok| futures::future::ready(*ok))
            .count()
    });
    let ok: usize = futures::future::join_all(loops).await.into_iter().sum();
    (ok, start.elapsed().as_secs_f64())
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if !args.is_empty() && !args.iter().any(|a| "fuzz".contains(a.as_str())) {
        return;
    }
    let runs = env_usize("BENCH_FUZZ_RUNS", 5);
    let cases = env_usize("BENCH_FUZZ_CASES", 500) as u64;
    let work = root().join("target/bench-fuzz");
    std::fs::create_dir_all(&work).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let results = rt.block_on(async {
        let mut no = NatsOptions::from_env(work.join("cache"));
        no.backend = Backend::Binary;
        no.cleanup_on_signal = false;
        let server = nats::start(&no).await.expect("start nats");
        let url = server.url().to_string();
        println!("NATS: {} ({})", server.redacted_url(), server.reason());

        // The raw loop's peers: started once by a session, as fuzz starts them.
        let opts = options(&url);
        let mut events = verify::events::EventLog::default();
        let session = Session::open(&opts, &mut events).await.unwrap_or_else(|s| panic!("peers up: {s:?}"));
        let peers = session.peers();
        let subjects: Vec<String> =
            peers.iter().map(|p| msgpact::peer::protocol::roundtrip_subject(session.prefix(), p)).collect();
        let c = session.contracts().clone();
        let client = async_nats::connect(&url).await.expect("connect");

        let (mut fuzz_rates, mut raw_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for run in 0..=runs {
            let seed = 1000 + run as u64;
            let items = payloads(&c, seed, cases);
            let (ok, raw_secs) = raw_run(&client, &subjects, &items).await;
            assert_eq!(ok, items.len() * subjects.len(), "every raw request answered ok");
            let (exchanges, fuzz_secs) = fuzz_run(&url, seed, cases).await;
            let (fuzz, raw) = (exchanges as f64 / fuzz_secs, ok as f64 / raw_secs);
            let label = if run == 0 { "warm-up".to_string() } else { format!("run {run}") };
            println!(
                "{label:>8}: fuzz {exchanges} exchanges in {fuzz_secs:.2} s = {fuzz:>7.0}/s; raw {ok} in {raw_secs:.2} s = {raw:>7.0}/s; ratio {:.3}",
                fuzz / raw
            );
            if run > 0 {
                fuzz_rates.push(fuzz);
                raw_rates.push(raw);
                ratios.push(fuzz / raw);
            }
        }
        session.close().await;
        let _ = server.stop().await;
        let (f, r, q) = (median(fuzz_rates.clone()), median(raw_rates.clone()), median(ratios.clone()));
        println!("median: fuzz {f:.0} exchanges/s, raw loop {r:.0}/s, ratio {q:.3} (target: fuzz >= 5,000/s: {})",
            if f >= 5000.0 { "met" } else { "NOT met" });
        json!({
            "date": String::from_utf8_lossy(&Command::new("date").args(["-u", "+%Y-%m-%dT%H:%MZ"]).output().unwrap().stdout).trim(),
            "nproc": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
            "peers": peers, "cases_per_message": cases, "runs": runs,
            "fuzz_per_s": fuzz_rates, "raw_per_s": raw_rates, "ratio": ratios,
            "median": {"fuzz_per_s": f, "raw_per_s": r, "ratio": q},
        })
    });
    let out = work.join("results.json");
    std::fs::write(&out, serde_json::to_string_pretty(&results).unwrap()).unwrap();
    println!("results: {}", out.display());
}
