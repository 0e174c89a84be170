//! Section `exchange` (issue 3): 1,000 vectors through the Rust peer against the raw loop, and the runner's parts.
use super::*;

// section 1: exchange overhead

pub(crate) async fn bench_exchange(work: &Path, suite: &Suite, server: &NatsServer) -> Json {
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
pub(crate) fn bench_runner_parts(suite: &Suite) -> Json {
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
