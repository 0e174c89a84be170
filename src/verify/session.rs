//! A session: the NATS server and the peers brought up once, exactly as a run brings them up
//! ([`bring_up`], which `run` uses too), then any number of batches of cases sent through them on the
//! run's transport and judged by its judge. `msgpact fuzz` drives one: its cases are drawn from the
//! contracts batch after batch instead of read from golden/, and a failing value is sent again and again
//! while it is shrunk. Every exchange of a [`Session::round`] is counted in the summary; which of them
//! become `Exchange` events is the driver's choice ([`Session::emit`]).
use super::batch::{forward, nats_gone, run_all};
use super::context::{Ctx, Done, Item, LivePeer, Options, Producer};
use super::error::SetupError;
use super::events::{Event, Exchange, Sink, Summary};
use super::plan::{load_contracts, run_id, select_peers};
use super::record::Recorder;
use super::startup::{finish_builds, launch_all, report_builds, spawn_builds, Ready};
use super::verdict::Verdict;
use crate::contract::Contracts;
use crate::golden::Case;
use crate::nats::{self, NatsServer};
use crate::peer::process::PeerEnv;
use crate::peer::Manifest;
use crate::progress::{Progress, Update};
use bytes::Bytes;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// What is up once the server is ready and the builds are done.
pub(super) struct Up {
    pub server: NatsServer,
    pub client: async_nats::Client,
    pub progress: Progress,
    pub updates: UnboundedReceiver<Update>,
    pub built: Vec<Ready>,
}

/// The NATS server (which may be a `go install` of nats-server) and the peer builds at once. The builds
/// start as soon as the server is ready or its build has begun, whichever comes first; peers built with Go
/// wait for that build (see `spawn_builds`). Progress is forwarded into the event stream meanwhile. `None`
/// after a setup error (recorded): no server, or no connection to it.
pub(super) async fn bring_up(opts: &Options, manifests: Vec<Manifest>, rec: &mut Recorder<'_>) -> Option<Up> {
    let (progress, mut updates) = Progress::channel();
    let mut nats_opts = opts.nats.clone();
    nats_opts.progress = progress.clone();
    let nats_start = nats::start(&nats_opts);
    tokio::pin!(nats_start);
    let mut started = None;
    while started.is_none() {
        tokio::select! {
            biased;
            Some(u) = updates.recv() => {
                let nats_build = matches!(&u, Update::Started { label, .. } if nats::is_nats_server_build(label));
                rec.event(&Event::Progress(u));
                if nats_build {
                    break;
                }
            }
            r = &mut nats_start => started = Some(r),
        }
    }
    let (go_gate, go_gate_rx) = tokio::sync::watch::channel(started.is_some());
    let pending = spawn_builds(opts, manifests, &progress, &go_gate_rx);
    let server = match started {
        Some(r) => r,
        None => forward(&mut nats_start, &mut updates, rec).await,
    };
    let _ = go_gate.send(true);
    let server = match server {
        Ok(s) => {
            rec.event(&Event::NatsReady {
                backend: s.backend().to_string(),
                reason: s.reason().to_string(),
                url: s.redacted_url(),
                startup: s.startup_time(),
            });
            Some(s)
        }
        Err(e) => {
            rec.setup_error(SetupError::new("nats", e.message, e.hint));
            None
        }
    };
    // The builds are waited for even without a server: their results are cached for the next run.
    let outcomes = forward(finish_builds(pending), &mut updates, rec).await;
    let built = report_builds(outcomes, rec);
    let server = server?;
    match nats::connect(&server).await {
        Ok(client) => Some(Up { server, client, progress, updates, built }),
        Err(e) => {
            rec.setup_error(SetupError::new("nats", e.message, e.hint));
            None
        }
    }
}

/// One payload through one peer, judged.
#[derive(Clone, Debug)]
pub struct Judged {
    /// The index of the case in the batch it was sent with.
    pub case: usize,
    /// Who wrote the payload: `None` for the case's canonical bytes, else a peer (by index).
    pub producer: Option<usize>,
    pub consumer: usize,
    /// What the consumer wrote back, when it answered `ok`.
    pub output: Option<Bytes>,
    /// The exchange as a run reports it: verdict, class, outcome, hint, contract location.
    pub exchange: Exchange,
}

/// A session's link to the server, shared by every batch.
struct Link {
    client: async_nats::Client,
    prefix: String,
    env: PeerEnv,
    max_payload: usize,
    progress: Progress,
}

/// The context of one batch (`ctx` borrows the session's fields one by one, so that the peers, the
/// recorder and the progress stream stay free to be borrowed mutably beside it).
fn ctx<'a>(opts: &'a Options, c: &'a Contracts, cases: &'a [Case], link: &Link) -> Ctx<'a> {
    Ctx {
        opts,
        c,
        cases,
        names: cases.iter().map(|k| c.message_name(k.message)).collect(),
        client: link.client.clone(),
        prefix: link.prefix.clone(),
        env: link.env.clone(),
        max_payload: link.max_payload,
        previous: None,
        progress: link.progress.clone(),
    }
}

/// NATS and the peers, up; see the module docs.
pub struct Session<'s> {
    opts: Options,
    c: Contracts,
    rec: Recorder<'s>,
    server: NatsServer,
    link: Link,
    updates: UnboundedReceiver<Update>,
    peers: Vec<LivePeer>,
}

impl<'s> Session<'s> {
    /// Loads and checks the contracts, selects the peers, brings up the server and the peers. `Err` carries
    /// the finished summary (exit 2) when something could not be set up, or when no peer started.
    pub async fn open(opts: &Options, sink: &'s mut dyn Sink) -> Result<Session<'s>, Summary> {
        let mut rec = Recorder::new(sink);
        let setup = load_contracts(opts).and_then(|c| Ok((c, select_peers(opts)?)));
        let (c, manifests) = match setup {
            Ok(x) => x,
            Err(e) => {
                rec.setup_error(e);
                return Err(rec.finish(2));
            }
        };
        let prefix = format!("msgpact.run.{}", run_id());
        let Some(Up { server, client, progress, updates, built }) = bring_up(opts, manifests, &mut rec).await else {
            return Err(rec.finish(2));
        };
        let link = Link {
            max_payload: client.server_info().max_payload,
            env: PeerEnv {
                nats_url: server.url().to_string(),
                creds: server.creds().map(|p| p.to_path_buf()),
                prefix: prefix.clone(),
                contracts_hash: crate::contract::hash::wire_hash(&c),
            },
            client,
            prefix,
            progress,
        };
        let peers = launch_all(&ctx(opts, &c, &[], &link), built, &mut rec).await;
        let mut s = Session { opts: opts.clone(), c, rec, server, link, updates, peers };
        if s.peers.is_empty() {
            s.stop_all().await;
            return Err(s.rec.finish(2));
        }
        s.rec.track_expected_failures(&s.peers);
        Ok(s)
    }

    pub fn contracts(&self) -> &Contracts {
        &self.c
    }

    /// The names of the peers that started, in order.
    pub fn peers(&self) -> Vec<String> {
        self.peers.iter().map(|p| p.manifest.name.clone()).collect()
    }

    /// Whether peer `peer` serves message type `name` (`package.Message`).
    pub fn serves(&self, peer: usize, name: &str) -> bool {
        self.peers[peer].hello.types.iter().any(|t| t == name)
    }

    /// The session's subject prefix (`msgpact.run.<id>`): a peer's round trips go to
    /// `<prefix>.<peer>.roundtrip` (benches send there directly, as a baseline).
    pub fn prefix(&self) -> &str {
        &self.link.prefix
    }

    /// The largest payload the server takes (a larger one is judged `too-large` without being sent).
    pub fn max_payload(&self) -> usize {
        self.link.max_payload
    }

    /// Passes an event on to the sink.
    pub fn event(&mut self, e: &Event) {
        self.rec.event(e);
    }

    /// Reports a judged exchange as an `Exchange` event, without counting it again.
    pub fn emit(&mut self, j: &Judged) {
        self.rec.event(&Event::Exchange(j.exchange.clone()));
    }

    /// Every case through every peer that serves its type, then every output that differs from the
    /// case's canonical bytes through every peer that serves it (the matrix, as a run's phase 2). Every
    /// exchange is counted in the summary; none is emitted.
    pub async fn round(&mut self, cases: &[Case]) -> Vec<Judged> {
        let n = self.peers.len();
        let first: Vec<Vec<Item>> =
            (0..n).map(|pi| self.items(cases, pi, None, |i| cases[i].bytes.clone().into())).collect();
        let mut judged = self.send(cases, first, true).await;
        let mut second: Vec<Vec<Item>> = vec![Vec::new(); n];
        for j in &judged {
            let Some(out) = &j.output else { continue };
            if out[..] == cases[j.case].bytes[..] {
                continue;
            }
            for (qi, batch) in second.iter_mut().enumerate() {
                if self.serves(qi, &self.c.message_name(cases[j.case].message)) {
                    batch.push(Item { case: j.case, producer: Producer::Peer(j.consumer), payload: out.clone() });
                }
            }
        }
        if second.iter().any(|b| !b.is_empty()) {
            judged.extend(self.send(cases, second, true).await);
        }
        judged
    }

    /// Each case along one path, uncounted: through `consumer` (`producer` `None`), or through `producer`
    /// and then its output through `consumer`. A case whose producer does not answer `ok` is judged at the
    /// producer. For shrinking: does this smaller value still fail the same way?
    pub async fn check(&mut self, cases: &[Case], producer: Option<usize>, consumer: usize) -> Vec<Judged> {
        let n = self.peers.len();
        let mut batches: Vec<Vec<Item>> = vec![Vec::new(); n];
        let Some(p) = producer else {
            batches[consumer] = self.items(cases, consumer, None, |i| cases[i].bytes.clone().into());
            return self.send(cases, batches, false).await;
        };
        batches[p] = self.items(cases, p, None, |i| cases[i].bytes.clone().into());
        let written = self.send(cases, batches, false).await;
        let mut out = Vec::new();
        let mut onward: Vec<Vec<Item>> = vec![Vec::new(); n];
        for j in written {
            match &j.output {
                Some(o) if self.serves(consumer, &self.c.message_name(cases[j.case].message)) => {
                    onward[consumer].push(Item { case: j.case, producer: Producer::Peer(p), payload: o.clone() })
                }
                _ => out.push(j),
            }
        }
        out.extend(self.send(cases, onward, false).await);
        out.sort_by_key(|j| j.case);
        out
    }

    fn items(
        &self,
        cases: &[Case],
        peer: usize,
        producer: Option<usize>,
        payload: impl Fn(usize) -> Bytes,
    ) -> Vec<Item> {
        (0..cases.len())
            .filter(|&i| self.serves(peer, &self.c.message_name(cases[i].message)))
            .map(|i| Item { case: i, producer: producer.map_or(Producer::Golden, Producer::Peer), payload: payload(i) })
            .collect()
    }

    async fn send(&mut self, cases: &[Case], batches: Vec<Vec<Item>>, counted: bool) -> Vec<Judged> {
        let ctx = ctx(&self.opts, &self.c, cases, &self.link);
        let results = run_all(&ctx, &mut self.peers, batches, 0, &mut self.updates, &mut self.rec).await;
        let mut out = Vec::new();
        for (consumer, done) in results.into_iter().enumerate() {
            for d in done {
                let exchange = self.rec.judged(&ctx, &self.peers, &d, consumer, false);
                if counted {
                    self.rec.count(exchange.outcome);
                }
                let producer = match d.item.producer {
                    Producer::Peer(p) => Some(p),
                    _ => None,
                };
                let Done { item, output, .. } = d;
                out.push(Judged { case: item.case, producer, consumer, output, exchange });
            }
        }
        out
    }

    /// Whether the connection to NATS is gone (then no further exchange can run).
    pub fn nats_gone(&self) -> Option<String> {
        nats_gone(&self.link.client)
    }

    /// How long the driver spent exchanging (the summary's `exchanging`).
    pub fn exchanging(&mut self, d: Duration) {
        self.rec.exchanging(d);
    }

    /// Records a setup error (exit 2).
    pub fn setup_error(&mut self, e: SetupError) {
        self.rec.setup_error(e);
    }

    async fn stop_all(&mut self) {
        for p in &mut self.peers {
            p.proc.stop(Duration::from_secs(2)).await;
        }
    }

    /// Stops the peers and the server and ends the session: exit 2 after a setup error, else 1 after a
    /// failure, else 0. A lost connection is a setup error.
    pub async fn close(mut self) -> Summary {
        if let Some(reason) = nats_gone(&self.link.client) {
            self.rec.setup_error(SetupError::new(
                "nats",
                format!("{reason} during the run; exchanges after that were not run"),
                "the verdicts before it stand; check the server's health and run again",
            ));
        }
        self.stop_all().await;
        let Session { rec, server, link, .. } = self;
        drop(link);
        let _ = server.stop().await;
        let code = rec.exit_code();
        rec.finish(code)
    }
}

/// Whether a verdict is about the peer's health rather than the value (it crashed, hung, was not run).
pub fn about_the_peer(v: &Verdict) -> bool {
    matches!(v, Verdict::Crash { .. } | Verdict::Timeout { .. } | Verdict::NotRun { .. })
}
