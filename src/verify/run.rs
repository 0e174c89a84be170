//! The orchestration of one verify run (see the module docs of [`super`]): the plan, then NATS and the
//! peer builds at once, the peers started, phase 1 and phase 2 through the transport, everything said
//! through one recorder.
use super::batch::{nats_gone, run_all};
use super::context::{Ctx, Options};
use super::error::SetupError;
use super::events::{Event, Sink, Summary};
use super::plan::{self, Phase1, Stop};
use super::record::Recorder;
use super::session::{bring_up, Up};
use super::startup::launch_all;
use crate::peer::process::PeerEnv;
use std::time::{Duration, Instant};

pub async fn run(opts: &Options, sink: &mut dyn Sink) -> Summary {
    let mut rec = Recorder::new(sink);
    let plan = match plan::prepare(opts) {
        Ok(p) => p,
        Err(Stop::Setup(e)) => {
            rec.setup_error(e);
            return rec.finish(2);
        }
        Err(Stop::Drift { added, removed, changed }) => {
            rec.event(&Event::GoldenDrift { added, removed, changed });
            return rec.finish(1);
        }
    };
    let plan::Plan { c, cases, golden_count, old_payloads, previous, manifests, names, prefix } = plan;
    rec.event(&Event::Planned {
        messages: c.message_ids().count(),
        cases: golden_count,
        rejects: cases[..golden_count].iter().filter(|k| k.reject().is_some()).count(),
        peers: manifests.iter().map(|m| m.name.clone()).collect(),
        prefix: prefix.clone(),
        manifests: manifests.iter().map(|m| m.dir.join("peer.toml").display().to_string()).collect(),
    });

    let Some(Up { server, client, progress, mut updates, built }) = bring_up(opts, manifests, &mut rec).await else {
        return rec.finish(2);
    };
    let ctx = Ctx {
        opts,
        c: &c,
        cases: &cases,
        names,
        max_payload: client.server_info().max_payload,
        client,
        env: PeerEnv {
            nats_url: server.url().to_string(),
            creds: server.creds().map(|p| p.to_path_buf()),
            prefix: prefix.clone(),
            contracts_hash: crate::contract::hash::wire_hash(&c),
        },
        prefix,
        previous,
        progress,
    };

    let mut peers = launch_all(&ctx, built, &mut rec).await;
    rec.track_expected_failures(&peers);

    // Which types the peers serve: a required type nobody serves fails; one nobody serves or requires is
    // named once, and not exchanged.
    let served: std::collections::BTreeSet<String> = peers.iter().flat_map(|p| p.hello.types.iter().cloned()).collect();
    let types: Vec<String> = c.message_ids().map(|id| c.message_name(id)).collect();
    rec.coverage(super::coverage::Coverage::new(&types, &served, &opts.required));

    // Phase 1: every golden vector through every peer.
    let batches = peers.iter().map(|p| plan::phase1(&ctx, p, golden_count, &old_payloads)).collect();
    let exchanging = Instant::now();
    let results = run_all(&ctx, &mut peers, batches, 1, &mut updates, &mut rec).await;
    let mut phase1 = Phase1::default();
    for (pi, done) in results.into_iter().enumerate() {
        for d in done {
            phase1.keep(pi, &d);
            rec.exchange(&ctx, &peers, &d, pi, false);
        }
    }
    for (pi, d) in phase1.not_served(peers.len(), golden_count) {
        if served.contains(&ctx.names[d.item.case]) {
            rec.exchange(&ctx, &peers, &d, pi, false);
        }
    }

    // Phase 2: every peer's output through every peer.
    let (batches, reused) = phase1.phase2(&ctx, &peers, golden_count);
    for (qi, d) in reused {
        rec.exchange(&ctx, &peers, &d, qi, true);
    }
    let results = run_all(&ctx, &mut peers, batches, 2, &mut updates, &mut rec).await;
    rec.exchanging(exchanging.elapsed());
    for (qi, done) in results.into_iter().enumerate() {
        for d in done {
            rec.exchange(&ctx, &peers, &d, qi, false);
        }
    }

    rec.stale_expected_failures(opts, &peers);
    if let Some(reason) = nats_gone(&ctx.client) {
        rec.setup_error(SetupError::new(
            "nats",
            format!("{reason} during the run; exchanges after that were not run"),
            "the verdicts before it stand (see the report); check the server's health and run again",
        ));
    }
    for p in &mut peers {
        p.proc.stop(Duration::from_secs(2)).await;
    }
    drop(ctx);
    let _ = server.stop().await;
    let code = rec.exit_code();
    rec.finish(code)
}
