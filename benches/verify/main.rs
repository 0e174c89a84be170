//! `msgpact verify` benchmarks (docs/benchmarks.md, the sections after "Foundation"). Every figure is a
//! ratio against a baseline measured in the same run, or a plain measurement with its median and spread;
//! nothing here is a timed assertion.
//!
//! Sections (all by default; `BENCH_VERIFY=exchange,nats,peers,cold` picks some):
//!
//! - `exchange` (issue 3): 1,000 vectors through the Rust reference peer with `msgpact::verify::run` (the
//!   library API, an `EventLog` sink), against a raw async-nats request/reply loop over the same payloads,
//!   same headers, same concurrency (`buffer_unordered(128)`), same NATS server, same peer binary. The
//!   A second baseline runs the raw loop on a peer process and a client started just before, as in a
//!   verify run (the first baseline's peer and client stay up and warm across runs). The
//!   1,000 vectors are the example contracts with each message's examples repeated under new names
//!   (`r<k>-<name>`) until `golden::generate` gives exactly 1,000 cases: examples do not enter the wire
//!   hash, so the reference peers (whose types are generated from `contracts/`) serve them unchanged and
//!   are not reported stale. `RUNS` pairs of runs (default 31, which goes first alternates) after one warm-up.
//! - `nats`: `nats::start` of the container and the binary backends, `startup_time()` and wall time.
//! - `peers` (issue 4): the `msgpact` CLI (`verify --json`) on the example contracts, all three peers and
//!   each alone (`--peer X`), warm: wall time and each peer's phase-1 exchanges per second (BatchDone);
//!   then the same per-peer rates over the 1,000-vector suite through the library API.
//! - `cold`: one `msgpact verify` in a fresh copy of the repository (no `target/`), a fresh
//!   `MSGPACT_CACHE_DIR` and a fresh `GOCACHE`: every peer is built from scratch.
//!
//! Prerequisites (ci/bench.sh does them): `cargo build --release -p msgpact-reference-peer`, and for the container
//! backend `DOCKER_HOST` + `MSGPACT_NATS_IMAGE` (`bash ci/setup-nats.sh`). Results also go to
//! `target/bench-verify/results.json`.

mod cold;
mod exchange;
mod lib_run;
mod peers;
mod raw;
mod startup;
mod stats;
mod suite;

use bytes::Bytes;
use cold::*;
use exchange::*;
use futures::StreamExt;
use lib_run::*;
use msgpact::contract::Contracts;
use msgpact::golden::{self, store};
use msgpact::nats::{self, Backend, NatsOptions, NatsServer};
use msgpact::verify::{self, Event, Summary};
use peers::*;
use raw::*;
use serde_json::{json, Value as Json};
use startup::*;
use stats::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use suite::*;

const VECTORS: usize = 1000;
const CONCURRENCY: usize = 128;
const TIMEOUT: Duration = Duration::from_secs(5);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if !args.is_empty() && !args.iter().any(|a| "verify".contains(a.as_str())) {
        return;
    }
    let sections = std::env::var("BENCH_VERIFY").unwrap_or_else(|_| "exchange,nats,peers,cold".into());
    let want = |s: &str| sections.split(',').any(|x| x.trim() == s);
    let work = root().join("target/bench-verify");
    std::fs::create_dir_all(&work).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let mut results = json!({
        "date": String::from_utf8_lossy(&Command::new("date").args(["-u", "+%Y-%m-%dT%H:%MZ"]).output().unwrap().stdout).trim(),
        "nproc": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
    });
    rt.block_on(async {
        let need_suite = want("exchange") || want("peers");
        if need_suite {
            let suite = build_suite(&work);
            let server = nats::start(&nats_options(Backend::Binary, &work.join("cache"))).await.expect("start nats");
            println!("shared NATS server for the library runs: {} ({})", server.redacted_url(), server.reason());
            if want("exchange") {
                results["exchange"] = bench_exchange(&work, &suite, &server).await;
                results["runner_parts"] = bench_runner_parts(&suite);
            }
            if want("peers") {
                results["peers"] = bench_peers(&work, &suite, &server).await;
            }
            let _ = server.stop().await;
            let _ = std::fs::remove_dir_all(&suite.dir);
        }
        if want("nats") {
            results["nats"] = bench_nats(&work).await;
        }
    });
    if want("cold") {
        results["cold"] = bench_cold(&work);
    }
    let out = work.join("results.json");
    std::fs::write(&out, serde_json::to_string_pretty(&results).unwrap()).unwrap();
    println!("\nresults: {}", out.display());
}
