//! Section `nats`: starting the container and the binary backends.
use super::*;

// section 2: NATS start

pub(crate) async fn bench_nats(work: &Path) -> Json {
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
