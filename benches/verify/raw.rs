//! The baselines: a raw async-nats request/reply loop to a Rust peer process started for it.
use super::*;

// NATS and the raw peer

pub(crate) fn nats_options(backend: Backend, cache: &Path) -> NatsOptions {
    let mut o = NatsOptions::from_env(cache.to_path_buf());
    o.backend = backend;
    o.cleanup_on_signal = false;
    if backend == Backend::Container {
        o.docker_host = o.docker_host.or_else(|| Some("unix:///run/podman/podman.sock".into()));
        o.image = o.image.or_else(|| Some("localhost/msgpact-nats:2.15.2".into()));
    }
    o
}

pub(crate) fn rust_peer_bin() -> PathBuf {
    let p = root().join("target/release/msgpact-peer-rust");
    assert!(p.exists(), "{} is missing: run `cargo build --release -p msgpact-reference-peer` first", p.display());
    p
}

/// The Rust reference peer started by hand (docs/peer-protocol.md section 1), for the raw loop: its ready
/// line, then `hello` until it answers (as the runner's handshake does: the ready line alone does not
/// mean the server has the peer's subscription yet, and early requests can meet "no responders").
pub(crate) async fn spawn_raw_peer(client: &async_nats::Client, url: &str, prefix: &str) -> tokio::process::Child {
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
pub(crate) async fn raw_loop(
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
