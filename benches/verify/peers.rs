//! Section `peers` (issue 4): the CLI on the example contracts, all three peers and each alone.
use super::*;

// section 3: the CLI with all three peers

pub(crate) struct CliRun {
    pub(crate) wall: f64,
    pub(crate) report: Json,
}

pub(crate) fn cli_verify(cwd: &Path, args: &[&str], envs: &[(&str, &Path)], json_path: &Path) -> CliRun {
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

pub(crate) fn events<'a>(r: &'a Json, kind: &'a str) -> impl Iterator<Item = &'a Json> + 'a {
    r["events"].as_array().into_iter().flatten().filter(move |e| e["event"] == kind)
}

pub(crate) async fn bench_peers(work: &Path, suite: &Suite, server: &NatsServer) -> Json {
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
