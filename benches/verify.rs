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
use bytes::Bytes;
use futures::StreamExt;
use msgpact::contract::Contracts;
use msgpact::golden::{self, store};
use msgpact::nats::{self, Backend, NatsOptions, NatsServer};
use msgpact::verify::{self, Event, Summary};
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const VECTORS: usize = 1000;
const CONCURRENCY: usize = 128;
const TIMEOUT: Duration = Duration::from_secs(5);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

// ---------------------------------------------------------------------------------------------------
// statistics

#[derive(Clone, Debug, Default)]
struct Series(Vec<f64>);

impl Series {
    fn push(&mut self, v: f64) {
        self.0.push(v);
    }
    fn sorted(&self) -> Vec<f64> {
        let mut s = self.0.clone();
        s.sort_by(f64::total_cmp);
        s
    }
    fn quantile(&self, q: f64) -> f64 {
        let s = self.sorted();
        if s.is_empty() {
            return f64::NAN;
        }
        let pos = q * (s.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        s[lo] + (s[hi] - s[lo]) * (pos - lo as f64)
    }
    fn median(&self) -> f64 {
        self.quantile(0.5)
    }
    fn min(&self) -> f64 {
        self.quantile(0.0)
    }
    fn max(&self) -> f64 {
        self.quantile(1.0)
    }
    /// `median (min..max, IQR a..b)` with `f` formatting each number.
    fn show(&self, f: impl Fn(f64) -> String) -> String {
        format!(
            "{} (min {} .. max {}; IQR {} .. {}; n={})",
            f(self.median()),
            f(self.min()),
            f(self.max()),
            f(self.quantile(0.25)),
            f(self.quantile(0.75)),
            self.0.len()
        )
    }
    fn json(&self) -> Json {
        json!({ "median": self.median(), "min": self.min(), "max": self.max(), "p25": self.quantile(0.25), "p75": self.quantile(0.75), "values": self.0 })
    }
}

fn us(x: f64) -> String {
    format!("{x:.1} µs")
}
fn ms(x: f64) -> String {
    format!("{x:.1} ms")
}
fn secs(x: f64) -> String {
    format!("{x:.3} s")
}
fn ratio(x: f64) -> String {
    format!("{x:.2}x")
}
fn rate(x: f64) -> String {
    format!("{x:.0}/s")
}

// ---------------------------------------------------------------------------------------------------
// the 1,000-vector suite

/// One `examples:` block of one message: where it ends (insertion point) and its entries.
struct ExampleBlock {
    file: usize,
    insert_at: usize,
    entries: Vec<(String, Vec<String>)>,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Copies `src/*.yaml` to `dst/` with `extra` more examples, round-robin over every example of the messages
/// whose `examples:` block index is in `only` (all when `None`): example `name` is repeated as `r<k>-name`.
/// Examples do not change the wire hash. Returns the number of `examples:` blocks.
fn expand_contracts(src: &Path, dst: &Path, extra: usize, only: Option<&[usize]>) -> usize {
    let _ = std::fs::remove_dir_all(dst);
    std::fs::create_dir_all(dst).unwrap();
    let mut files: Vec<(PathBuf, Vec<String>)> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(src).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.extension().and_then(|e| e.to_str()) == Some("yaml") {
            let text = std::fs::read_to_string(&p).unwrap();
            files.push((p, text.lines().map(str::to_string).collect()));
        }
    }
    let mut blocks: Vec<ExampleBlock> = Vec::new();
    for (fi, (_, lines)) in files.iter().enumerate() {
        let mut i = 0;
        while i < lines.len() {
            if lines[i].trim() == "examples:" && indent(&lines[i]) == 4 {
                let mut j = i + 1;
                let mut block = ExampleBlock { file: fi, insert_at: i + 1, entries: Vec::new() };
                while j < lines.len() && (lines[j].trim().is_empty() || indent(&lines[j]) >= 6) {
                    let l = &lines[j];
                    if indent(l) == 6 && l.trim_end().ends_with(':') {
                        block.entries.push((l.trim().trim_end_matches(':').to_string(), vec![]));
                    }
                    if !l.trim().is_empty() {
                        if let Some(e) = block.entries.last_mut() {
                            if indent(l) > 6 {
                                e.1.push(l.clone());
                            }
                        }
                        block.insert_at = j + 1;
                    }
                    j += 1;
                }
                blocks.push(block);
                i = j;
            } else {
                i += 1;
            }
        }
    }
    assert!(!blocks.is_empty(), "no examples: blocks found in {}", src.display());
    assert!(extra == 0 || only.is_none_or(|o| !o.is_empty()), "no messages to repeat examples of");
    let mut additions: Vec<Vec<String>> = vec![Vec::new(); blocks.len()];
    let mut left = extra;
    let mut k = 1;
    while left > 0 {
        for (bi, b) in blocks.iter().enumerate().filter(|(bi, _)| only.is_none_or(|o| o.contains(bi))) {
            for (name, body) in &b.entries {
                if left == 0 {
                    break;
                }
                additions[bi].push(format!("      r{k}-{name}:"));
                additions[bi].extend(body.iter().cloned());
                left -= 1;
            }
        }
        k += 1;
    }
    for (fi, (path, lines)) in files.iter().enumerate() {
        let mut out: Vec<String> = lines.clone();
        // insert from the bottom up so earlier insertion points stay valid
        let mut mine: Vec<(usize, &Vec<String>)> =
            blocks.iter().zip(&additions).filter(|(b, _)| b.file == fi).map(|(b, a)| (b.insert_at, a)).collect();
        mine.sort_by_key(|m| std::cmp::Reverse(m.0));
        for (at, add) in mine {
            out.splice(at..at, add.iter().cloned());
        }
        std::fs::write(dst.join(path.file_name().unwrap()), out.join("\n") + "\n").unwrap();
    }
    blocks.len()
}

struct Suite {
    dir: PathBuf,
    contracts: PathBuf,
    golden: PathBuf,
    c: Contracts,
    cases: Vec<golden::Case>,
}

fn build_suite(work: &Path) -> Suite {
    let (orig, d) = Contracts::load_dir(&root().join("contracts"));
    assert!(!d.has_errors(), "the example contracts do not load");
    let base = golden::generate(&orig).len();
    assert!(base <= VECTORS, "the example contracts already give {base} cases");
    let dir = work.join("suite");
    let _ = std::fs::remove_dir_all(&dir);
    let contracts = dir.join("contracts");
    let golden_dir = dir.join("golden");
    // A message used as a field type elsewhere gets one more edge case per example in each user (edges of
    // a message-typed field are its examples), so only messages where one more example makes exactly one
    // more case are expanded.
    let blocks = expand_contracts(&root().join("contracts"), &contracts, 0, None);
    let leaves: Vec<usize> = (0..blocks)
        .filter(|b| {
            expand_contracts(&root().join("contracts"), &contracts, 1, Some(&[*b]));
            let (c, _) = Contracts::load_dir(&contracts);
            golden::generate(&c).len() == base + 1
        })
        .collect();
    expand_contracts(&root().join("contracts"), &contracts, VECTORS - base, Some(&leaves));
    let (c, d) = Contracts::load_dir(&contracts);
    assert!(!d.has_errors(), "the expanded contracts do not load:\n{}", d.render_all(&c.sources));
    assert_eq!(
        msgpact::contract::hash::wire_hash(&c),
        msgpact::contract::hash::wire_hash(&orig),
        "examples changed the wire hash"
    );
    let cases = golden::generate(&c);
    assert_eq!(cases.len(), VECTORS, "the expanded contracts give {} cases", cases.len());
    store::write(&golden_dir, &store::expected(&c, &cases)).unwrap();
    eprintln!(
        "suite: {base} golden cases of contracts/ expanded to {} in {} ({} of {blocks} messages' examples repeated)",
        cases.len(),
        dir.display(),
        leaves.len()
    );
    Suite { dir, contracts, golden: golden_dir, c, cases }
}

// ---------------------------------------------------------------------------------------------------
// NATS and the raw peer

fn nats_options(backend: Backend, cache: &Path) -> NatsOptions {
    let mut o = NatsOptions::from_env(cache.to_path_buf());
    o.backend = backend;
    o.cleanup_on_signal = false;
    if backend == Backend::Container {
        o.docker_host = o.docker_host.or_else(|| Some("unix:///run/podman/podman.sock".into()));
        o.image = o.image.or_else(|| Some("localhost/msgpact-nats:2.15.2".into()));
    }
    o
}

fn rust_peer_bin() -> PathBuf {
    let p = root().join("target/release/msgpact-peer-rust");
    assert!(p.exists(), "{} is missing: run `cargo build --release -p msgpact-reference-peer` first", p.display());
    p
}

/// The Rust reference peer started by hand (docs/peer-protocol.md section 1), for the raw loop: its ready
/// line, then `hello` until it answers (as the runner's handshake does: the ready line alone does not
/// mean the server has the peer's subscription yet, and early requests can meet "no responders").
async fn spawn_raw_peer(client: &async_nats::Client, url: &str, prefix: &str) -> tokio::process::Child {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(rust_peer_bin())
        .env("MSGPACT_NATS_URL", url)
        .env("MSGPACT_SUBJECT_PREFIX", prefix)
        .env("MSGPACT_PEER", "rust")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the rust peer");
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("peer ready in time")
            .unwrap()
            .expect("peer ready line");
        if line.trim() == msgpact::peer::protocol::READY_LINE {
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let hello = format!("{prefix}.rust.hello");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Ok(_)) =
            tokio::time::timeout(Duration::from_millis(250), client.request(hello.clone(), Bytes::new())).await
        {
            break;
        }
        assert!(Instant::now() < deadline, "the rust peer does not answer hello");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child
}

/// The baseline: every payload as a request with the protocol's headers, `concurrency` in flight.
/// Returns the wall time and the number of `ok` replies.
async fn raw_loop(
    client: &async_nats::Client,
    subject: &str,
    items: &[(String, String, Bytes)],
    concurrency: usize,
) -> (Duration, usize) {
    let start = Instant::now();
    let ok = futures::stream::iter(items)
        .map(|(ty, case, payload)| {
            let mut h = async_nats::HeaderMap::new();
            h.insert("Msgpact-Type", ty.as_str());
            h.insert("Msgpact-Case", case.as_str());
            let req = client.request_with_headers(subject.to_string(), h, payload.clone());
            async move {
                match tokio::time::timeout(TIMEOUT, req).await {
                    Ok(Ok(m)) => {
                        m.headers.as_ref().and_then(|h| h.get("Msgpact-Status")).is_some_and(|v| v.as_str() == "ok")
                    }
                    Ok(Err(e)) => {
                        eprintln!("raw loop: {e}");
                        false
                    }
                    Err(_) => {
                        eprintln!("raw loop: timeout");
                        false
                    }
                }
            }
        })
        .buffer_unordered(concurrency)
        .filter(|ok| futures::future::ready(*ok))
        .count()
        .await;
    (start.elapsed(), ok)
}

// ---------------------------------------------------------------------------------------------------
// msgpact runs through the library API

#[derive(Default, Debug)]
struct RunFigures {
    summary: Summary,
    /// peer -> (phase -> (exchanges, elapsed))
    batches: BTreeMap<String, BTreeMap<u8, (usize, Duration)>>,
    nats_startup: Duration,
    built: BTreeMap<String, (bool, Duration)>,
    ready: BTreeMap<String, Duration>,
    wall: Duration,
    errors: Vec<String>,
}

fn figures(events: &[Event], wall: Duration) -> RunFigures {
    let mut f = RunFigures { wall, ..Default::default() };
    for e in events {
        match e {
            Event::BatchDone { peer, phase, exchanges, elapsed } => {
                f.batches.entry(peer.clone()).or_default().insert(*phase, (*exchanges, *elapsed));
            }
            Event::NatsReady { startup, .. } => f.nats_startup = *startup,
            Event::PeerBuilt { peer, cached, duration, .. } => {
                f.built.insert(peer.clone(), (*cached, *duration));
            }
            Event::PeerReady { peer, startup, .. } => {
                f.ready.insert(peer.clone(), *startup);
            }
            Event::SetupError { what, message, .. } => f.errors.push(format!("{what}: {message}")),
            Event::GoldenDrift { .. } => f.errors.push("golden drift".into()),
            Event::Finished(s) => f.summary = s.clone(),
            _ => {}
        }
    }
    f
}

fn lib_options(suite: &Suite, server: &NatsServer, peers: &[&str], cache: &Path) -> verify::Options {
    let mut n = NatsOptions::from_vars(cache.to_path_buf(), |_| None);
    n.backend = Backend::Url;
    n.url = Some(server.url().to_string());
    n.url_from = "bench".into();
    n.cleanup_on_signal = false;
    verify::Options {
        root: root(),
        contracts: suite.contracts.clone(),
        golden: suite.golden.clone(),
        harness: root().join("harness"),
        peers: peers.iter().map(|s| s.to_string()).collect(),
        nats: n,
        timeout: TIMEOUT,
        concurrency: CONCURRENCY,
        handshake_timeout: Duration::from_secs(30),
        cache: cache.to_path_buf(),
        max_restarts: 10,
        update_expected_failures: false,
        against: None,
        required: Vec::new(),
        policy: Vec::new(),
    }
}

async fn lib_run(opts: &verify::Options) -> RunFigures {
    let mut rec = verify::events::EventLog::default();
    let t = Instant::now();
    let _ = verify::run(opts, &mut rec).await;
    let f = figures(&rec.0, t.elapsed());
    assert!(
        f.errors.is_empty() && f.summary.exit_code == 0,
        "verify failed: exit {} {:?} {:?}",
        f.summary.exit_code,
        f.errors,
        f.summary
    );
    f
}

// ---------------------------------------------------------------------------------------------------
// section 1: exchange overhead

async fn bench_exchange(work: &Path, suite: &Suite, server: &NatsServer) -> Json {
    println!("\n== exchange: {VECTORS} vectors through the Rust peer, msgpact::verify::run vs raw async-nats (concurrency {CONCURRENCY})");
    let runs = env_usize("RUNS", 31);
    let cache = work.join("cache");
    let client = async_nats::connect(server.url()).await.expect("connect");
    let prefix = format!("msgpact.bench.raw{}", std::process::id());
    let mut peer = spawn_raw_peer(&client, server.url(), &prefix).await;
    let subject = format!("{prefix}.rust.roundtrip");
    let items: Vec<(String, String, Bytes)> = suite
        .cases
        .iter()
        .map(|k| (suite.c.message_name(k.message), k.id.clone(), Bytes::from(k.bytes.clone())))
        .collect();
    let opts = lib_options(suite, server, &["rust"], &cache);

    // warm-up (the first msgpact run also records the Rust peer's build stamp in the bench cache)
    let (_, ok) = raw_loop(&client, &subject, &items, CONCURRENCY).await;
    assert_eq!(ok, VECTORS, "the raw loop got {ok} ok replies of {VECTORS}");
    let _ = lib_run(&opts).await;

    let (mut raw_us, mut p1_us, mut ex_us, mut r_p1, mut r_ex) =
        (Series::default(), Series::default(), Series::default(), Series::default(), Series::default());
    let (mut fresh_us, mut r_fresh_p1, mut r_fresh_ex) = (Series::default(), Series::default(), Series::default());
    let (mut wall, mut outside, mut nats_s, mut built, mut ready, mut p2) = (
        Series::default(),
        Series::default(),
        Series::default(),
        Series::default(),
        Series::default(),
        Series::default(),
    );
    for i in 0..runs {
        // alternate which side goes first, so that a drift in the machine's load favours neither
        let f0 = if i % 2 == 1 { Some(lib_run(&opts).await) } else { None };
        let (d, ok) = raw_loop(&client, &subject, &items, CONCURRENCY).await;
        assert_eq!(ok, VECTORS);
        let raw = d.as_secs_f64() * 1e6 / VECTORS as f64;
        // the second baseline: as a verify run sees it, a peer process and a client that just started
        let fresh = {
            let prefix = format!("msgpact.bench.fresh{}x{i}", std::process::id());
            let client = async_nats::connect(server.url()).await.expect("connect");
            let mut p = spawn_raw_peer(&client, server.url(), &prefix).await;
            let (d, ok) = raw_loop(&client, &format!("{prefix}.rust.roundtrip"), &items, CONCURRENCY).await;
            assert_eq!(ok, VECTORS);
            let _ = p.kill().await;
            d.as_secs_f64() * 1e6 / VECTORS as f64
        };
        let f = match f0 {
            Some(f) => f,
            None => lib_run(&opts).await,
        };
        let (n1, e1) = f.batches["rust"][&1];
        assert_eq!(n1, VECTORS);
        let p1 = e1.as_secs_f64() * 1e6 / n1 as f64;
        let ex = f.summary.exchanging.as_secs_f64() * 1e6 / f.summary.exchanges as f64;
        eprintln!("  run {i}: raw {raw:.1} µs, raw on a fresh peer {fresh:.1} µs, msgpact phase-1 {p1:.1} µs, exchanging/exchange {ex:.1} µs ({} exchanges, {} passed)", f.summary.exchanges, f.summary.passed);
        raw_us.push(raw);
        fresh_us.push(fresh);
        r_fresh_p1.push(p1 / fresh);
        r_fresh_ex.push(ex / fresh);
        p1_us.push(p1);
        ex_us.push(ex);
        r_p1.push(p1 / raw);
        r_ex.push(ex / raw);
        wall.push(f.wall.as_secs_f64() * 1e3);
        outside.push((f.summary.elapsed - f.summary.exchanging).as_secs_f64() * 1e3);
        nats_s.push(f.nats_startup.as_secs_f64() * 1e3);
        built.push(f.built["rust"].1.as_secs_f64() * 1e3);
        ready.push(f.ready["rust"].as_secs_f64() * 1e3);
        p2.push(f.batches["rust"].get(&2).map_or(0, |b| b.0) as f64);
    }
    let _ = peer.kill().await;
    println!("raw async-nats loop, per exchange:          {}", raw_us.show(us));
    println!("msgpact phase 1 (BatchDone), per exchange:  {}", p1_us.show(us));
    println!("msgpact Summary.exchanging / exchanges:     {}", ex_us.show(us));
    println!("ratio phase-1 / raw (paired runs):          {}", r_p1.show(ratio));
    println!("ratio exchanging / raw (paired runs):       {}", r_ex.show(ratio));
    println!("raw loop on a fresh peer + client, per exchange: {}", fresh_us.show(us));
    println!("ratio phase-1 / raw on a fresh peer:        {}", r_fresh_p1.show(ratio));
    println!("ratio exchanging / raw on a fresh peer:     {}", r_fresh_ex.show(ratio));
    println!("phase-2 exchanges per run (outputs != golden): {}", p2.show(|x| format!("{x:.0}")));
    let target = r_ex.median() <= 1.5 && r_p1.median() <= 1.5;
    println!("target msgpact <= 1.5x raw per exchange: {}", if target { "met" } else { "NOT met" });
    println!("start-up and the rest, per verify::run: wall {}; elapsed - exchanging {}; of which NATS (url backend: connect) {}, peer build check {}, peer spawn+handshake {}",
        wall.show(ms), outside.show(ms), nats_s.show(ms), built.show(ms), ready.show(ms));
    json!({
        "vectors": VECTORS, "concurrency": CONCURRENCY, "runs": runs, "nats": server.reason(),
        "raw_us": raw_us.json(), "phase1_us": p1_us.json(), "exchanging_us": ex_us.json(),
        "ratio_phase1": r_p1.json(), "ratio_exchanging": r_ex.json(), "target_met": target,
        "raw_fresh_us": fresh_us.json(), "ratio_phase1_fresh": r_fresh_p1.json(), "ratio_exchanging_fresh": r_fresh_ex.json(),
        "run_wall_ms": wall.json(), "outside_exchanging_ms": outside.json(), "nats_ms": nats_s.json(),
        "peer_build_check_ms": built.json(), "peer_ready_ms": ready.json(), "phase2_exchanges": p2.json(),
    })
}

/// Where the time of one exchange goes inside the runner, measured piece by piece on the same 1,000 cases
/// (everything `run_batch`/`judge`/`emit` do besides the NATS round trip), single-threaded.
fn bench_runner_parts(suite: &Suite) -> Json {
    println!("\n== runner work per exchange, without NATS ({VECTORS} cases, single thread, median of 20 passes)");
    let c = &suite.c;
    let names: Vec<String> = suite.cases.iter().map(|k| c.message_name(k.message)).collect();
    let time = |f: &mut dyn FnMut()| {
        let mut s = Series::default();
        f();
        for _ in 0..20 {
            let t = Instant::now();
            f();
            s.push(t.elapsed().as_secs_f64() * 1e6 / VECTORS as f64);
        }
        s
    };
    let mut sink = 0usize;
    let compare = time(&mut || {
        for k in &suite.cases {
            let v = verify::compare::compare(c, k.message, &k.value, &k.bytes, &k.bytes);
            sink += matches!(v, verify::Verdict::Identical) as usize;
        }
    });
    let locate = time(&mut || {
        for k in &suite.cases {
            sink += c.sources.render(c.locate(k.message, "$")).len();
        }
    });
    let items = time(&mut || {
        for k in &suite.cases {
            sink += Bytes::from(k.bytes.clone()).len();
        }
    });
    let headers = time(&mut || {
        for (i, k) in suite.cases.iter().enumerate() {
            let mut h = async_nats::HeaderMap::new();
            h.insert("Msgpact-Type", names[i].as_str());
            h.insert("Msgpact-Case", k.id.as_str());
            sink += h.iter().count();
        }
    });
    let served = time(&mut || {
        // `served()`: a linear scan of the peer's type names per item
        let types: Vec<String> = c.message_ids().map(|m| c.message_name(m)).collect();
        for n in &names {
            sink += types.iter().any(|t| t == n) as usize;
        }
    });
    // the start-up work of verify::run before NATS: contracts loaded, cases generated, golden/ checked
    let (mut load, mut check) = (Series::default(), Series::default());
    for _ in 0..10 {
        let t = Instant::now();
        let (c2, _) = Contracts::load_dir(&suite.contracts);
        let cases = golden::generate(&c2);
        load.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let d = store::check(&suite.golden, &store::expected(&c2, &cases)).unwrap();
        check.push(t.elapsed().as_secs_f64() * 1e3);
        sink += d.is_clean() as usize;
    }
    // emit(): an Exchange event built (location rendered, names cloned) and handed to an EventLog sink,
    // which clones it again; a verify run emits one per phase-1 exchange and one per matrix cell.
    let mut rec = verify::events::EventLog::default();
    let emit = time(&mut || {
        rec.0.clear();
        for (i, k) in suite.cases.iter().enumerate() {
            let e = Event::Exchange(verify::Exchange {
                producer: "golden".to_string(),
                consumer: "rust".to_string(),
                message: names[i].clone(),
                case: k.id.clone(),
                verdict: verify::Verdict::Identical,
                class: None,
                hint: String::new(),
                outcome: verify::Outcome::Pass,
                expected_failure: None,
                location: c.sources.render(c.locate(k.message, "$")),
                duration: Duration::from_micros(30),
                reused: false,
                reject: k.reject(),
            });
            verify::Sink::event(&mut rec, &e);
        }
    });
    std::hint::black_box(sink);
    println!("emit(): Exchange event + EventLog:      {}", emit.show(us));
    println!("compare() of an identical reply:        {}", compare.show(us));
    println!("location render (emit):                 {}", locate.show(us));
    println!("Item payload copy (Bytes::from(clone)): {}", items.show(us));
    println!("request headers:                        {}", headers.show(us));
    println!("served() check:                         {}", served.show(us));
    println!("start-up: contracts load + generate (1,000 cases): {}", load.show(ms));
    println!("start-up: golden check (2,000 files):              {}", check.show(ms));
    json!({ "emit_us": emit.json(), "load_generate_ms": load.json(), "golden_check_ms": check.json(), "compare_us": compare.json(), "locate_us": locate.json(), "payload_copy_us": items.json(), "headers_us": headers.json(), "served_us": served.json() })
}

// ---------------------------------------------------------------------------------------------------
// section 2: NATS start

async fn bench_nats(work: &Path) -> Json {
    let runs = env_usize("NATS_RUNS", 7);
    println!("\n== NATS start: nats::start + stop, {runs} runs each after one warm-up");
    let mut out = json!({});
    for (backend, target_ms) in [(Backend::Container, 1000.0), (Backend::Binary, 100.0)] {
        let opts = nats_options(backend, &work.join("cache"));
        let (mut st, mut wall, mut stop) = (Series::default(), Series::default(), Series::default());
        let mut reason = String::new();
        let mut failed = None;
        for i in 0..=runs {
            let t = Instant::now();
            let server = match nats::start(&opts).await {
                Ok(s) => s,
                Err(e) => {
                    failed = Some(e.to_string());
                    break;
                }
            };
            let w = t.elapsed();
            reason = server.reason().to_string();
            let s = server.startup_time();
            let t = Instant::now();
            server.stop().await.expect("stop");
            if i > 0 {
                st.push(s.as_secs_f64() * 1e3);
                wall.push(w.as_secs_f64() * 1e3);
                stop.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
        if let Some(e) = failed {
            println!("{backend}: could not start: {e}");
            out[backend.as_str()] = json!({ "error": e });
            continue;
        }
        let met = st.median() < target_ms;
        println!("{backend}: {reason}");
        println!("  startup_time(): {}", st.show(ms));
        println!("  wall of start(): {}", wall.show(ms));
        println!("  stop(): {}", stop.show(ms));
        println!("  target < {target_ms:.0} ms: {}", if met { "met" } else { "NOT met" });
        out[backend.as_str()] = json!({ "reason": reason, "startup_ms": st.json(), "wall_ms": wall.json(), "stop_ms": stop.json(), "target_ms": target_ms, "target_met": met });
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// section 3: the CLI with all three peers

struct CliRun {
    wall: f64,
    report: Json,
}

fn cli_verify(cwd: &Path, args: &[&str], envs: &[(&str, &Path)], json_path: &Path) -> CliRun {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_msgpact"));
    cmd.arg("verify")
        .arg("--json")
        .arg(json_path)
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let t = Instant::now();
    let out = cmd.output().expect("run msgpact");
    let wall = t.elapsed().as_secs_f64();
    let report: Json =
        std::fs::read_to_string(json_path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Json::Null);
    if !out.status.success() {
        eprintln!("msgpact verify {args:?} exited with {}:\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    }
    let _ = std::fs::remove_file(json_path);
    CliRun { wall, report }
}

fn events<'a>(r: &'a Json, kind: &'a str) -> impl Iterator<Item = &'a Json> + 'a {
    r["events"].as_array().into_iter().flatten().filter(move |e| e["event"] == kind)
}

async fn bench_peers(work: &Path, suite: &Suite, server: &NatsServer) -> Json {
    let runs = env_usize("CLI_RUNS", 7);
    println!("\n== msgpact verify (CLI, release) on the example contracts: all three peers, then each alone; warm; {runs} runs each after one warm-up");
    let json_path = work.join("verify.json");
    let configs: [(&str, &[&str]); 5] = [
        ("all", &[]),
        ("all-nats-binary", &["--nats", "binary"]),
        ("rust", &["--peer", "rust"]),
        ("python", &["--peer", "python"]),
        ("go", &["--peer", "go"]),
    ];
    let warm = cli_verify(&root(), &[], &[], &json_path);
    assert_eq!(warm.report["summary"]["exit_code"], 0, "the warm-up verify failed");
    let mut wall: BTreeMap<&str, Series> = BTreeMap::new();
    let mut inner: BTreeMap<&str, Series> = BTreeMap::new();
    let mut nats_ms: BTreeMap<&str, Series> = BTreeMap::new();
    let mut peers_ms: BTreeMap<&str, Series> = BTreeMap::new();
    let mut peers_sum_ms: BTreeMap<&str, Series> = BTreeMap::new();
    let mut exch_ms: BTreeMap<&str, Series> = BTreeMap::new();
    let mut rest_ms: BTreeMap<&str, Series> = BTreeMap::new();
    let mut rates: BTreeMap<(&str, String), Series> = BTreeMap::new();
    let mut rebuilt = Vec::new();
    let mut backend = String::new();
    for _ in 0..runs {
        for (name, args) in &configs {
            let r = cli_verify(&root(), args, &[], &json_path);
            let s = &r.report["summary"];
            assert_eq!(s["exit_code"], 0, "verify {args:?} failed");
            wall.entry(name).or_default().push(r.wall);
            inner.entry(name).or_default().push(s["elapsed"].as_f64().unwrap());
            let mut accounted = 0.0;
            for e in events(&r.report, "nats-ready") {
                nats_ms.entry(name).or_default().push(e["startup"].as_f64().unwrap() * 1e3);
                backend = e["backend"].as_str().unwrap_or("").to_string();
                accounted += e["startup"].as_f64().unwrap();
            }
            // builds run all at once, then start-ups all at once (src/verify/startup.rs): each phase lasts
            // as long as its slowest peer
            let slowest =
                |kind: &str, field: &str| events(&r.report, kind).filter_map(|e| e[field].as_f64()).fold(0.0, f64::max);
            let peers_up = slowest("peer-built", "duration") + slowest("peer-ready", "startup");
            // what the same peers would cost one after another (each measured while the others start too)
            let summed: f64 = events(&r.report, "peer-ready")
                .chain(events(&r.report, "peer-built"))
                .map(|e| e["startup"].as_f64().or(e["duration"].as_f64()).unwrap_or(0.0))
                .sum();
            peers_sum_ms.entry(name).or_default().push(summed * 1e3);
            let exchanging = s["exchanging"].as_f64().unwrap();
            peers_ms.entry(name).or_default().push(peers_up * 1e3);
            exch_ms.entry(name).or_default().push(exchanging * 1e3);
            rest_ms.entry(name).or_default().push((r.wall - accounted - peers_up - exchanging) * 1e3);
            for e in events(&r.report, "peer-built").filter(|e| e["cached"] == false) {
                rebuilt.push(format!("{name}: {} rebuilt in {} s", e["peer"], e["duration"]));
            }
            for e in events(&r.report, "batch-done").filter(|e| e["phase"] == 1) {
                let n = e["exchanges"].as_f64().unwrap();
                let el = e["elapsed"].as_f64().unwrap();
                rates.entry((name, e["peer"].as_str().unwrap().to_string())).or_default().push(n / el);
            }
        }
    }
    println!("NATS backend picked by `auto`: {backend}");
    for (name, _) in &configs {
        println!("verify [{name}]: CLI wall {}; Summary.elapsed {}", wall[name].show(secs), inner[name].show(secs));
        println!("    of which NATS start {}; peers' build checks + start-ups (all at once) {} (their sum {}); exchanging {}; the rest (process start, contracts, golden check, peer and NATS stop) {}",
            nats_ms[name].show(ms), peers_ms[name].show(ms), peers_sum_ms[name].show(ms), exch_ms[name].show(ms), rest_ms[name].show(ms));
    }
    for ((cfg, peer), s) in &rates {
        println!("phase-1 exchanges/s [{cfg}] {peer}: {}", s.show(rate));
    }
    if !rebuilt.is_empty() {
        println!("NOTE: builds happened during measured runs: {rebuilt:?}");
    }
    let go_alone = rates[&("go", "go".to_string())].median();
    let py_alone = rates[&("python", "python".to_string())].median();
    let go_all = rates[&("all", "go".to_string())].median();
    let py_all = rates[&("all", "python".to_string())].median();
    println!(
        "Go/Python exchange rate, each alone (CLI, 322 vectors): {:.2} (target <= 3: {})",
        go_alone / py_alone,
        if go_alone / py_alone <= 3.0 { "met" } else { "NOT met" }
    );
    println!("Go/Python exchange rate, all three at once (CLI, 322 vectors): {:.2}", go_all / py_all);

    // the same per-peer rates on the 1,000-vector suite, each peer alone, through the library API
    let lib_runs = env_usize("LIB_RUNS", 9);
    println!("\n== each peer alone over the {VECTORS}-vector suite (library API, shared NATS server), {lib_runs} runs after one warm-up");
    let mut lib_rates: BTreeMap<&str, Series> = BTreeMap::new();
    let cache = work.join("cache-peers");
    for p in ["rust", "python", "go"] {
        let _ = lib_run(&lib_options(suite, server, &[p], &cache)).await;
    }
    for _ in 0..lib_runs {
        for p in ["rust", "python", "go"] {
            let f = lib_run(&lib_options(suite, server, &[p], &cache)).await;
            let (n, e) = f.batches[p][&1];
            lib_rates.entry(p).or_default().push(n as f64 / e.as_secs_f64());
        }
    }
    for (p, s) in &lib_rates {
        println!("phase-1 exchanges/s, {p} alone, {VECTORS} vectors: {}", s.show(rate));
    }
    let lib_ratio = lib_rates["go"].median() / lib_rates["python"].median();
    println!(
        "Go/Python exchange rate, each alone ({VECTORS} vectors): {lib_ratio:.2} (target <= 3: {})",
        if lib_ratio <= 3.0 { "met" } else { "NOT met" }
    );

    // Each peer process alone, no runner: the raw loop over the 322 example vectors, several batches on
    // one process. Batch 1 is what a verify run sees (a process just started); the rest are steady state.
    let batches = 6;
    println!("\n== each peer process alone, raw async-nats loop over the 322 example vectors (no runner), {batches} batches on one fresh process, concurrency {CONCURRENCY}");
    let (orig, _) = Contracts::load_dir(&root().join("contracts"));
    let items: Vec<(String, String, Bytes)> = golden::generate(&orig)
        .iter()
        .map(|k| (orig.message_name(k.message), k.id.clone(), Bytes::from(k.bytes.clone())))
        .collect();
    let client = async_nats::connect(server.url()).await.expect("connect");
    let manifests = msgpact::peer::Manifest::discover(&root().join("harness")).expect("manifests");
    let mut raw_first: BTreeMap<String, Series> = BTreeMap::new();
    let mut raw_steady: BTreeMap<String, Series> = BTreeMap::new();
    let mut stop_ms: BTreeMap<String, Series> = BTreeMap::new();
    for round in 0..3 {
        for m in manifests.iter().filter(|m| ["rust", "python", "go"].contains(&m.name.as_str())) {
            let prefix = format!("msgpact.bench.alone{}x{round}", std::process::id());
            let env = msgpact::peer::process::PeerEnv {
                nats_url: server.url().to_string(),
                creds: None,
                prefix: prefix.clone(),
                contracts_hash: String::new(),
            };
            let cache = msgpact::peer::build::cache_dir(&root().join("target/msgpact"), m);
            let log = work.join(format!("alone-{}.log", m.name));
            let mut proc =
                msgpact::peer::process::PeerProcess::spawn(m, &root(), &cache, &env, &log).expect("spawn peer");
            proc.handshake(&client, &prefix, Duration::from_secs(30)).await.expect("handshake");
            let subject = format!("{prefix}.{}.roundtrip", m.name);
            for b in 0..batches {
                let (d, ok) = raw_loop(&client, &subject, &items, CONCURRENCY).await;
                assert_eq!(ok, items.len(), "{}: {ok} ok replies", m.name);
                let r = items.len() as f64 / d.as_secs_f64();
                if b == 0 {
                    raw_first.entry(m.name.clone()).or_default().push(r)
                } else {
                    raw_steady.entry(m.name.clone()).or_default().push(r)
                }
            }
            let t = Instant::now();
            proc.stop(Duration::from_secs(2)).await;
            stop_ms.entry(m.name.clone()).or_default().push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    for (p, s) in &stop_ms {
        println!("{p}: PeerProcess::stop (SIGTERM, wait for exit): {}", s.show(ms));
    }
    for (p, s) in &raw_first {
        println!("{p}: first batch {}; later batches {}", s.show(rate), raw_steady[p].show(rate));
    }
    let raw_ratio = raw_steady["go"].median() / raw_steady["python"].median();
    let raw_ratio_first = raw_first["go"].median() / raw_first["python"].median();
    println!("Go/Python, raw loop: first batch {raw_ratio_first:.2}, steady state {raw_ratio:.2}");

    let mut j = json!({ "runs": runs, "backend": backend, "go_over_python_raw_first": raw_ratio_first, "go_over_python_raw_steady": raw_ratio, "rebuilt_during_runs": rebuilt, "go_over_python_alone": go_alone / py_alone, "go_over_python_all": go_all / py_all, "go_over_python_alone_1000": lib_ratio });
    for (name, _) in &configs {
        j["wall_s"][name] = wall[name].json();
        j["elapsed_s"][name] = inner[name].json();
        j["nats_ms"][name] = nats_ms[name].json();
        j["peers_up_ms"][name] = peers_ms[name].json();
        j["peers_up_summed_ms"][name] = peers_sum_ms[name].json();
        j["exchanging_ms"][name] = exch_ms[name].json();
        j["rest_ms"][name] = rest_ms[name].json();
    }
    for ((cfg, peer), s) in &rates {
        j["rates"][cfg][peer] = s.json();
    }
    for (p, s) in &lib_rates {
        j["rates_1000_alone"][p] = s.json();
    }
    for (p, s) in &raw_first {
        j["raw_alone_first_batch"][p] = s.json();
        j["raw_alone_steady"][p] = raw_steady[p].json();
        j["peer_stop_ms"][p] = stop_ms[p].json();
    }
    j
}

// ---------------------------------------------------------------------------------------------------
// section 4: a cold first run

fn bench_cold(work: &Path) -> Json {
    println!("\n== cold first run: msgpact verify in a fresh copy of the repository (no target/), fresh MSGPACT_CACHE_DIR and GOCACHE");
    let cold = work.join("cold");
    let _ = std::fs::remove_dir_all(&cold);
    let repo = cold.join("repo");
    let files = Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(root())
        .output()
        .expect("git ls-files");
    let mut n = 0;
    for f in files.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let rel = Path::new(std::str::from_utf8(f).unwrap());
        let (src, dst) = (root().join(rel), repo.join(rel));
        if src.is_file() {
            std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
            std::fs::copy(&src, &dst).unwrap();
            n += 1;
        }
    }
    let cache = cold.join("msgpact-cache");
    let gocache = cold.join("gocache");
    println!("copied {n} files (git ls-files: tracked + untracked, not ignored) to {}", repo.display());
    println!("kept: ~/.cargo/registry (crate sources), GOMODCACHE ({}), pip's find-links wheels (PIP_FIND_LINKS), the NATS image; not kept: target/ (Rust peer build), GOCACHE (Go std + deps compile), the peers' cache (Python venv, Go binary)",
        String::from_utf8_lossy(&Command::new("go").args(["env", "GOMODCACHE"]).output().map(|o| o.stdout).unwrap_or_default()).trim());
    let envs: [(&str, &Path); 2] = [("MSGPACT_CACHE_DIR", &cache), ("GOCACHE", &gocache)];
    let first = cli_verify(&repo, &[], &envs, &cold.join("cold.json"));
    let second = cli_verify(&repo, &[], &envs, &cold.join("warm.json"));
    let mut j = json!({ "files": n });
    for (label, r) in [("cold", &first), ("second", &second)] {
        let s = &r.report["summary"];
        println!(
            "{label} run: CLI wall {:.1} s, exit {}, {} exchanges, exchanging {} s",
            r.wall, s["exit_code"], s["exchanges"], s["exchanging"]
        );
        for e in events(&r.report, "peer-built") {
            println!("  peer {} build: cached {}, {} s", e["peer"], e["cached"], e["duration"]);
        }
        for e in events(&r.report, "peer-ready") {
            println!("  peer {} ready in {} s", e["peer"], e["startup"]);
        }
        for e in events(&r.report, "nats-ready") {
            println!("  NATS {} ready in {} s", e["backend"], e["startup"]);
        }
        for e in events(&r.report, "setup-error") {
            println!("  setup error: {}: {}", e["what"], e["message"]);
        }
        j[label] = json!({
            "wall_s": r.wall,
            "summary": s.clone(),
            "built": events(&r.report, "peer-built").cloned().collect::<Vec<_>>(),
            "nats": events(&r.report, "nats-ready").cloned().collect::<Vec<_>>(),
        });
    }
    if std::env::var_os("BENCH_KEEP_COLD").is_none() {
        let _ = std::fs::remove_dir_all(&cold);
    }
    j
}

// ---------------------------------------------------------------------------------------------------

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
