//! `msgpact::verify::run` through the library API, and the figures of its events.
use super::*;

// msgpact runs through the library API

#[derive(Default, Debug)]
pub(crate) struct RunFigures {
    pub(crate) summary: Summary,
    /// peer -> (phase -> (exchanges, elapsed))
    pub(crate) batches: BTreeMap<String, BTreeMap<u8, (usize, Duration)>>,
    pub(crate) nats_startup: Duration,
    pub(crate) built: BTreeMap<String, (bool, Duration)>,
    pub(crate) ready: BTreeMap<String, Duration>,
    pub(crate) wall: Duration,
    pub(crate) errors: Vec<String>,
}

pub(crate) fn figures(events: &[Event], wall: Duration) -> RunFigures {
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

pub(crate) fn lib_options(suite: &Suite, server: &NatsServer, peers: &[&str], cache: &Path) -> verify::Options {
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

pub(crate) async fn lib_run(opts: &verify::Options) -> RunFigures {
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
