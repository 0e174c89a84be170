//! Batches of exchanges through the peers, all peers at once: each batch pipelined through its peer, then
//! the exchanges that went wrong at the transport level replayed one at a time (restarting the peer as
//! needed) to find which payload crashed or hung it. While a batch runs, its progress and that of anything
//! else reporting to the run's `Progress` is forwarded into the event stream.
use super::context::{Ctx, Done, Item, LivePeer};
use super::events::{Event, Sink};
use super::exchange::{send, Raw};
use super::judge::judge;
use super::startup::restart;
use super::verdict::Verdict;
use crate::peer::protocol::{hello_subject, roundtrip_subject};
use crate::progress::{Step, Update};
use bytes::Bytes;
use futures::StreamExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

/// Awaits `fut` while forwarding the progress updates that arrive meanwhile into the event stream.
pub(super) async fn forward<F: std::future::Future>(
    fut: F,
    updates: &mut UnboundedReceiver<Update>,
    sink: &mut dyn Sink,
) -> F::Output {
    tokio::pin!(fut);
    let out = loop {
        tokio::select! {
            biased;
            Some(u) = updates.recv() => sink.event(&Event::Progress(u)),
            out = &mut fut => break out,
        }
    };
    while let Ok(u) = updates.try_recv() {
        sink.event(&Event::Progress(u));
    }
    out
}

/// Runs each peer's batch, all peers at once.
pub(super) async fn run_all(
    ctx: &Ctx<'_>,
    peers: &mut [LivePeer],
    batches: Vec<Vec<Item>>,
    phase: u8,
    updates: &mut UnboundedReceiver<Update>,
    sink: &mut dyn Sink,
) -> Vec<Vec<Done>> {
    let total: usize = batches.iter().map(Vec::len).sum();
    let what = if phase == 1 { "golden vectors through every peer" } else { "every peer's output through every peer" };
    let step = (total > 0).then(|| ctx.progress.start(format!("exchanges (phase {phase})"), what));
    let counter = Counter { step: step.as_ref(), done: AtomicU64::new(0), total: total as u64 };
    let counter = &counter;
    let futures = peers.iter_mut().zip(batches).map(|(p, items)| async move {
        let start = Instant::now();
        let (done, restarts) = run_batch(ctx, p, items, counter).await;
        (p.manifest.name.clone(), done, restarts, start.elapsed())
    });
    let results = forward(futures::future::join_all(futures), updates, sink).await;
    if let Some(step) = step {
        step.finish(true, format!("{total} exchanges"));
    }
    while let Ok(u) = updates.try_recv() {
        sink.event(&Event::Progress(u));
    }
    let mut out = Vec::with_capacity(results.len());
    for (peer, done, restarts, elapsed) in results {
        for (peer, reason) in restarts {
            sink.event(&Event::PeerRestarted { peer, reason });
        }
        if !done.is_empty() {
            sink.event(&Event::BatchDone { peer, phase, exchanges: done.len(), elapsed });
        }
        out.push(done);
    }
    out
}

/// Exchanges done so far in a phase, for its progress step.
struct Counter<'a> {
    step: Option<&'a Step>,
    done: AtomicU64,
    total: u64,
}

impl Counter<'_> {
    fn add(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        if let Some(s) = self.step {
            s.position(done.min(self.total), self.total);
        }
    }
}

/// Pipelines a batch through one peer, then replays the exchanges that went wrong at the transport level
/// one at a time, restarting the peer as needed, to find which payload crashed or hung it.
async fn run_batch(
    ctx: &Ctx<'_>,
    p: &mut LivePeer,
    items: Vec<Item>,
    counter: &Counter<'_>,
) -> (Vec<Done>, Vec<(String, String)>) {
    let mut restarts = Vec::new();
    let subject = roundtrip_subject(&ctx.prefix, &p.manifest.name);
    let mut done = Vec::with_capacity(items.len());
    let mut to_send = Vec::with_capacity(items.len());
    let gone = nats_gone(&ctx.client);
    for it in items {
        if let Some(reason) = &gone {
            done.push(Done {
                item: it,
                verdict: Verdict::NotRun { reason: reason.clone() },
                output: None,
                duration: Duration::ZERO,
            });
        } else if it.payload.len() > ctx.max_payload {
            let verdict = Verdict::TooLarge { size: it.payload.len(), max: ctx.max_payload };
            done.push(Done { item: it, verdict, output: None, duration: Duration::ZERO });
        } else {
            to_send.push(it);
        }
    }
    counter.add(done.len() as u64);
    let results: Vec<(Item, Raw, Duration)> = futures::stream::iter(to_send)
        .map(|it| {
            let subject = subject.clone();
            async move {
                // Once the connection is lost, every further request would wait out its timeout.
                if let Some(reason) = nats_gone(&ctx.client) {
                    counter.add(1);
                    return (it, Raw::Transport(reason), Duration::ZERO);
                }
                let (raw, d) = send(
                    &ctx.client,
                    &subject,
                    &ctx.names[it.case],
                    &ctx.cases[it.case].id,
                    it.payload.clone(),
                    ctx.opts.timeout,
                )
                .await;
                counter.add(1);
                (it, raw, d)
            }
        })
        .buffer_unordered(ctx.opts.concurrency.max(1))
        .collect()
        .await;
    let mut suspects = Vec::new();
    for (it, raw, d) in results {
        if raw.is_suspect() {
            suspects.push(it);
        } else {
            let (verdict, output) = judge(ctx, &it, raw);
            done.push(Done { item: it, verdict, output, duration: d });
        }
    }
    suspects.sort_by_key(|it| it.case);
    for it in suspects {
        if let Some(reason) = &p.broken {
            done.push(Done {
                item: it,
                verdict: Verdict::NotRun { reason: reason.clone() },
                output: None,
                duration: Duration::ZERO,
            });
            continue;
        }
        if let Some(reason) = nats_gone(&ctx.client) {
            done.push(Done { item: it, verdict: Verdict::NotRun { reason }, output: None, duration: Duration::ZERO });
            continue;
        }
        if let Err(e) = ensure_alive(ctx, p, &mut restarts).await {
            p.broken = Some(e.clone());
            done.push(Done {
                item: it,
                verdict: Verdict::NotRun { reason: e },
                output: None,
                duration: Duration::ZERO,
            });
            continue;
        }
        let (raw, d) = send(
            &ctx.client,
            &subject,
            &ctx.names[it.case],
            &ctx.cases[it.case].id,
            it.payload.clone(),
            ctx.opts.timeout,
        )
        .await;
        let (verdict, output) = match raw {
            Raw::Timeout | Raw::NoResponders => {
                // Give a dying process a moment to be reaped, so a crash is told apart from a hang.
                let mut exit = p.proc.exited();
                for _ in 0..20 {
                    if exit.is_some() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(25)).await;
                    exit = p.proc.exited();
                }
                match (exit, raw) {
                    (Some(status), _) => (Verdict::Crash { exit: status.to_string(), output: p.proc.tail(20) }, None),
                    (None, Raw::Timeout) => {
                        p.proc.kill().await;
                        (Verdict::Timeout { seconds: ctx.opts.timeout.as_secs_f64() }, None)
                    }
                    (None, _) => (
                        Verdict::Crash { exit: "stopped listening (no subscriber)".into(), output: p.proc.tail(20) },
                        None,
                    ),
                }
            }
            Raw::Transport(e) => (Verdict::NotRun { reason: format!("NATS: {e}") }, None),
            reply => judge(ctx, &it, reply),
        };
        done.push(Done { item: it, verdict, output, duration: d });
    }
    done.sort_by_key(|d| d.item.case);
    (done, restarts)
}

/// Restarts the peer if it has exited or does not answer `hello` promptly.
async fn ensure_alive(ctx: &Ctx<'_>, p: &mut LivePeer, restarts: &mut Vec<(String, String)>) -> Result<(), String> {
    if let Some(status) = p.proc.exited() {
        return restart(ctx, p, &format!("exited ({status})"), restarts).await.map_err(|e| e.to_string());
    }
    let subject = hello_subject(&ctx.prefix, &p.manifest.name);
    let ping = tokio::time::timeout(Duration::from_secs(1), ctx.client.request(subject, Bytes::new())).await;
    if matches!(ping, Ok(Ok(_))) {
        return Ok(());
    }
    restart(ctx, p, "stopped answering", restarts).await.map_err(|e| e.to_string())
}

pub(super) fn nats_gone(client: &async_nats::Client) -> Option<String> {
    match client.connection_state() {
        async_nats::connection::State::Connected => None,
        state => Some(format!("the connection to NATS was lost ({state:?})")),
    }
}
