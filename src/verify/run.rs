//! The orchestration of one verify run (see the module docs of [`super`]).
use super::batch::{forward, nats_gone, run_all};
use super::canonical;
use super::compare::compare;
use super::events::{Event, Exchange, Sink, Summary};
use super::exchange::{status_of, Raw};
use super::hints::{classify_error, hint};
use super::startup::{finish_builds, launch_all, report_builds, spawn_builds, LivePeer};
use super::verdict::{Detail, Outcome, Verdict};
use crate::classes::{default_gate, Class};
use crate::contract::Contracts;
use crate::golden::{self, store, Case};
use crate::nats::{self, NatsOptions};
use crate::peer::process::PeerEnv;
use crate::peer::protocol::Status;
use crate::peer::Manifest;
use crate::progress::{Progress, Update};
use crate::wire::format::hex_short;
use crate::wire::{decode, Value};
use bytes::Bytes;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Options {
    /// The repository root (`{root}` in manifests).
    pub root: PathBuf,
    pub contracts: PathBuf,
    pub golden: PathBuf,
    /// Where `*/peer.toml` are found (usually `harness/`).
    pub harness: PathBuf,
    /// Only these peers (by name); all when empty.
    pub peers: Vec<String>,
    pub nats: NatsOptions,
    /// How long one exchange may take.
    pub timeout: Duration,
    /// Exchanges in flight per peer.
    pub concurrency: usize,
    /// How long a peer may take to answer its first `hello`.
    pub handshake_timeout: Duration,
    /// Build caches and logs (`target/msgpact`).
    pub cache: PathBuf,
    /// Restarts allowed per peer before its remaining exchanges are given up.
    pub max_restarts: usize,
    /// Remove expected failures that no longer fail from the peers' lists instead of failing the run.
    pub update_expected_failures: bool,
    /// Replay the golden vectors of an earlier version (a git ref or a directory of contracts) through the
    /// current peers: can new readers read what old writers sent?
    pub against: Option<String>,
    /// Message types the peers must serve (msgpact.toml's `[peers] required`).
    pub required: Vec<super::coverage::Required>,
    /// Classes that fail or warn for every peer (msgpact.toml's `[policy]`), under each peer's own policy.
    pub policy: Vec<(Class, crate::classes::Gate)>,
}

/// The producer of a payload: the golden vector, an earlier version's golden vector, or a peer's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Producer {
    Golden,
    Previous,
    Peer(usize),
}

#[derive(Clone, Debug)]
pub(super) struct Item {
    pub(super) case: usize,
    pub(super) producer: Producer,
    pub(super) payload: Bytes,
}

pub(super) struct Done {
    pub(super) item: Item,
    pub(super) verdict: Verdict,
    pub(super) output: Option<Bytes>,
    pub(super) duration: Duration,
}

pub(super) struct Ctx<'a> {
    pub(super) opts: &'a Options,
    pub(super) c: &'a Contracts,
    pub(super) cases: &'a [Case],
    pub(super) names: Vec<String>,
    pub(super) client: async_nats::Client,
    pub(super) prefix: String,
    pub(super) env: PeerEnv,
    pub(super) max_payload: usize,
    /// The label of the earlier version replayed (`v1.0.0`), if any.
    previous: Option<String>,
    pub(super) progress: Progress,
}

pub async fn run(opts: &Options, sink: &mut dyn Sink) -> Summary {
    let start = Instant::now();
    let mut sum = Summary::default();
    let setup = |sink: &mut dyn Sink, what: &str, message: String, hint: &str| {
        sink.event(&Event::SetupError { what: what.to_string(), message, hint: hint.to_string() });
    };

    let (c, mut diags) = Contracts::load_dir(&opts.contracts);
    if !diags.has_errors() {
        diags.items.extend(golden::budget::check(&c).items);
    }
    if diags.has_errors() {
        setup(
            sink,
            "contracts",
            diags.render_all(&c.sources).trim_end().to_string(),
            "fix the contracts first; `msgpact lint` lists every problem",
        );
        return finish(sink, sum, 2, start);
    }
    let cases = golden::generate(&c);
    match store::check(&opts.golden, &store::expected(&c, &cases)) {
        Err(e) => {
            setup(
                sink,
                "golden",
                format!("cannot read {}: {e}", opts.golden.display()),
                "run from the repository root or pass --golden DIR",
            );
            return finish(sink, sum, 2, start);
        }
        Ok(d) if !d.is_clean() => {
            sink.event(&Event::GoldenDrift { added: d.added, removed: d.removed, changed: d.changed });
            return finish(sink, sum, 1, start);
        }
        Ok(_) => {}
    }
    let manifests = match select_peers(opts) {
        Ok(m) => m,
        Err(e) => {
            setup(sink, "peers", e, "peers are directories with a peer.toml (docs/peer-protocol.md section 6); see `--peer` and `--harness`");
            return finish(sink, sum, 2, start);
        }
    };
    let replay = match &opts.against {
        None => None,
        Some(against) => match crate::breaking::load_previous(against, &opts.contracts) {
            Ok(prev) => {
                let over = golden::budget::check(&prev.contracts);
                if over.has_errors() {
                    let message = over.render_all(&prev.contracts.sources).trim_end().to_string();
                    setup(sink, "previous version", message, "its golden cases are over the bounds of docs/limits.md");
                    return finish(sink, sum, 2, start);
                }
                Some(replay_cases(&c, &prev))
            }
            Err(e) => {
                let mut message = e.message.clone();
                for d in &e.details {
                    message.push('\n');
                    message.push_str(d);
                }
                setup(sink, "previous version", message, &e.hint);
                return finish(sink, sum, 2, start);
            }
        },
    };
    let golden_count = cases.len();
    let (previous_label, cases, old_payloads) = match replay {
        Some((label, old, payloads)) => {
            let mut all = cases;
            all.extend(old);
            (Some(label), all, payloads)
        }
        None => (None, cases, Vec::new()),
    };
    let prefix = format!("msgpact.run.{}", run_id());
    let names: Vec<String> = cases.iter().map(|k| c.message_name(k.message)).collect();
    sink.event(&Event::Planned {
        messages: c.message_ids().count(),
        cases: golden_count,
        peers: manifests.iter().map(|m| m.name.clone()).collect(),
        prefix: prefix.clone(),
        manifests: manifests.iter().map(|m| m.dir.join("peer.toml").display().to_string()).collect(),
    });

    // The NATS server (which may be a `go install` of nats-server) and the peer builds at once. The builds
    // start as soon as the server is ready or its build has begun, whichever comes first; peers built with
    // Go wait for that build (see `spawn_builds`). Progress is forwarded into the event stream meanwhile.
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
                sink.event(&Event::Progress(u));
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
        None => forward(&mut nats_start, &mut updates, sink).await,
    };
    let _ = go_gate.send(true);
    let server = match server {
        Ok(s) => {
            sink.event(&Event::NatsReady {
                backend: s.backend().to_string(),
                reason: s.reason().to_string(),
                url: s.redacted_url(),
                startup: s.startup_time(),
            });
            Some(s)
        }
        Err(e) => {
            setup(sink, "nats", e.message, &e.hint);
            None
        }
    };
    // The builds are waited for even without a server: their results are cached for the next run.
    let outcomes = forward(finish_builds(pending), &mut updates, sink).await;
    let (built, failed_builds) = report_builds(outcomes, sink);
    sum.setup_errors += failed_builds;
    let Some(server) = server else { return finish(sink, sum, 2, start) };
    let client = match nats::connect(&server).await {
        Ok(c) => c,
        Err(e) => {
            setup(sink, "nats", e.message, &e.hint);
            return finish(sink, sum, 2, start);
        }
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
        previous: previous_label,
        progress,
    };

    let (mut peers, failed_peers) = launch_all(&ctx, built, sink).await;
    sum.setup_errors += failed_peers;

    let mut used: Vec<Vec<bool>> = peers.iter().map(|p| vec![false; p.expected.entries.len()]).collect();

    // Which types the peers serve: a required type nobody serves fails; one nobody serves or requires is
    // named once, not exchanged.
    let served_types: std::collections::BTreeSet<String> =
        peers.iter().flat_map(|p| p.hello.types.iter().cloned()).collect();
    let types: Vec<String> = c.message_ids().map(|id| c.message_name(id)).collect();
    let coverage = super::coverage::Coverage::new(&types, &served_types, &opts.required);
    sum.required_unserved = coverage.required_unserved.len();
    sink.event(&Event::Coverage(coverage));

    // Phase 1: every golden vector through every peer.
    let golden_items = |p: &LivePeer| -> Vec<Item> {
        let golden = (0..golden_count).map(|i| Item {
            case: i,
            producer: Producer::Golden,
            payload: Bytes::from(cases[i].bytes.clone()),
        });
        let replayed = (golden_count..cases.len()).map(|i| Item {
            case: i,
            producer: Producer::Previous,
            payload: Bytes::from(old_payloads[i - golden_count].clone()),
        });
        golden.chain(replayed).filter(|it| served(&ctx, p, it)).collect()
    };
    let batches: Vec<Vec<Item>> = peers.iter().map(golden_items).collect();
    let exchanging = Instant::now();
    let results = run_all(&ctx, &mut peers, batches, 1, &mut updates, sink).await;
    let mut outputs: HashMap<(usize, usize), Bytes> = HashMap::new();
    let mut golden_verdicts: HashMap<(usize, usize), Verdict> = HashMap::new();
    for (pi, done) in results.into_iter().enumerate() {
        for d in done {
            if d.item.producer == Producer::Golden {
                if let Some(out) = &d.output {
                    outputs.insert((pi, d.item.case), out.clone());
                }
                golden_verdicts.insert((pi, d.item.case), d.verdict.clone());
            }
            emit(&ctx, &peers, &mut used, sink, &mut sum, &d, pi, false);
        }
    }
    for pi in 0..peers.len() {
        let served_by_some = |i: &usize| served_types.contains(&ctx.names[*i]);
        for i in (0..golden_count).filter(|i| !golden_verdicts.contains_key(&(pi, *i))).filter(served_by_some) {
            let d = Done {
                item: Item { case: i, producer: Producer::Golden, payload: Bytes::new() },
                verdict: Verdict::NotServed,
                output: None,
                duration: Duration::ZERO,
            };
            emit(&ctx, &peers, &mut used, sink, &mut sum, &d, pi, false);
        }
    }

    // Phase 2: every peer's output through every peer. An output equal to the golden vector needs no new
    // exchange: its verdict is the consumer's golden one.
    let mut batches: Vec<Vec<Item>> = vec![Vec::new(); peers.len()];
    for (qi, q) in peers.iter().enumerate() {
        for pi in 0..peers.len() {
            for (i, case) in cases.iter().enumerate().take(golden_count) {
                let Some(out) = outputs.get(&(pi, i)) else { continue };
                let item = Item { case: i, producer: Producer::Peer(pi), payload: out.clone() };
                if !served(&ctx, q, &item) {
                    continue;
                }
                if out[..] == case.bytes[..] {
                    if let Some(v) = golden_verdicts.get(&(qi, i)) {
                        let d = Done { item, verdict: v.clone(), output: None, duration: Duration::ZERO };
                        emit(&ctx, &peers, &mut used, sink, &mut sum, &d, qi, true);
                    }
                } else {
                    batches[qi].push(item);
                }
            }
        }
    }
    let results = run_all(&ctx, &mut peers, batches, 2, &mut updates, sink).await;
    sum.exchanging = exchanging.elapsed();
    for (qi, done) in results.into_iter().enumerate() {
        for d in done {
            emit(&ctx, &peers, &mut used, sink, &mut sum, &d, qi, false);
        }
    }

    stale_expected_failures(opts, &peers, &used, sink, &mut sum);
    if let Some(reason) = nats_gone(&ctx.client) {
        sink.event(&Event::SetupError {
            what: "nats".into(),
            message: format!("{reason} during the run; exchanges after that were not run"),
            hint: "the verdicts before it stand (see the report); check the server's health and run again".into(),
        });
        sum.setup_errors += 1;
    }
    for p in &mut peers {
        p.proc.stop(Duration::from_secs(2)).await;
    }
    drop(ctx);
    let _ = server.stop().await;
    let code = if sum.setup_errors > 0 {
        2
    } else if sum.failed > 0 || sum.stale > 0 || sum.required_unserved > 0 {
        1
    } else {
        0
    };
    finish(sink, sum, code, start)
}

fn finish(sink: &mut dyn Sink, mut sum: Summary, code: i32, start: Instant) -> Summary {
    if code == 2 {
        sum.setup_errors = sum.setup_errors.max(1);
    }
    sum.exit_code = code;
    sum.elapsed = start.elapsed();
    sink.event(&Event::Finished(sum.clone()));
    sum
}

fn select_peers(opts: &Options) -> Result<Vec<Manifest>, String> {
    let all = Manifest::discover(&opts.harness).map_err(|e| e.to_string())?;
    for m in &all {
        m.check_paths(&opts.root).map_err(|e| e.to_string())?;
    }
    if all.is_empty() {
        return Err(format!("no peers: no */peer.toml under {}", opts.harness.display()));
    }
    if opts.peers.is_empty() {
        return Ok(all);
    }
    for want in &opts.peers {
        if !all.iter().any(|m| &m.name == want) {
            let names: Vec<&str> = all.iter().map(|m| m.name.as_str()).collect();
            return Err(format!("no peer named `{want}` (peers: {})", names.join(", ")));
        }
    }
    Ok(all.into_iter().filter(|m| opts.peers.contains(&m.name)).collect())
}

/// A run id unique enough that runs sharing a server never meet: time, process and a counter.
fn run_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mixed = nanos ^ ((std::process::id() as u64) << 32) ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    format!("{:012x}", mixed & 0xffff_ffff_ffff)
}

fn served(ctx: &Ctx, p: &LivePeer, it: &Item) -> bool {
    p.hello.types.iter().any(|t| *t == ctx.names[it.case])
}

/// A reply turned into a verdict; `ok` replies are compared with the canonical vector.
pub(super) fn judge(ctx: &Ctx, it: &Item, raw: Raw) -> (Verdict, Option<Bytes>) {
    let case = &ctx.cases[it.case];
    if it.producer == Producer::Previous {
        if let Err(m) = canonical::message(ctx.c, case.message, &decode(&it.payload).unwrap_or(Value::Nil), "$") {
            // The old vector does not fit the current contract: the schema change itself is breaking.
            let note = format!(
                "the vector of {} does not fit the current contract: {}",
                ctx.previous.as_deref().unwrap_or("the earlier version"),
                m.reason
            );
            let detail = Detail {
                path: m.path,
                offset: None,
                expected: "(the current contract)".into(),
                actual: hex_short(&it.payload, 10),
                class: m.class,
                note,
            };
            return (Verdict::DifferentValue { detail }, None);
        }
    }
    let Raw::Reply { status, case: reply_case, error, body } = raw else {
        return (Verdict::NotRun { reason: "no reply".into() }, None);
    };
    let error = error.unwrap_or_default();
    match status_of(status.as_deref(), reply_case.as_deref(), &case.id) {
        Err(reason) => (Verdict::BadReply { reason }, None),
        Ok(Status::Ok) => (compare(ctx.c, case.message, &case.value, &case.bytes, &body), Some(body)),
        Ok(Status::DecodeError) => (Verdict::DecodeError { error }, None),
        Ok(Status::EncodeError) => (Verdict::EncodeError { error }, None),
        Ok(Status::UnknownType) => (Verdict::UnknownType { error }, None),
        Ok(Status::InternalError) => (Verdict::InternalError { error }, None),
    }
}

/// The first field path (`$.a.b[2]`) a peer's error message mentions, or `$`.
fn path_in(error: &str) -> String {
    let Some(start) = error.find("$.").or_else(|| error.find("$[")) else { return "$".into() };
    error[start..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '$' | '.' | '_' | '[' | ']' | '-'))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn emit(
    ctx: &Ctx,
    peers: &[LivePeer],
    used: &mut [Vec<bool>],
    sink: &mut dyn Sink,
    sum: &mut Summary,
    d: &Done,
    consumer: usize,
    reused: bool,
) {
    let case = &ctx.cases[d.item.case];
    let peer = &peers[consumer];
    let path = match &d.verdict {
        Verdict::SameValue { detail } | Verdict::DifferentValue { detail } => detail.path.clone(),
        Verdict::DecodeError { error } | Verdict::EncodeError { error } | Verdict::InternalError { error } => {
            path_in(error)
        }
        _ => "$".to_string(),
    };
    let class = match &d.verdict {
        Verdict::SameValue { detail } | Verdict::DifferentValue { detail } => Some(detail.class),
        Verdict::DecodeError { error } | Verdict::EncodeError { error } | Verdict::InternalError { error } => {
            classify_error(ctx.c, case.message, error)
        }
        _ => None,
    };
    let package = ctx.c.package_of(case.message);
    let repository = |cl: Class| ctx.opts.policy.iter().find(|(c, _)| *c == cl).map(|(_, g)| *g);
    let gate = |cl: Class| {
        peer.manifest
            .gate(cl)
            .or_else(|| repository(cl))
            .or_else(|| package.gate(cl))
            .unwrap_or_else(|| default_gate(cl))
    };
    let mut outcome = d.verdict.outcome(class, gate);
    let field = ctx.c.field_at(case.message, &path);
    let language =
        if peer.hello.language.is_empty() { peer.manifest.language.as_str() } else { peer.hello.language.as_str() };
    let hint = class.map(|cl| hint(cl, language, field.map(|f| f.name.as_str()))).unwrap_or_default();
    let mut expected_failure = None;
    if outcome == Outcome::Fail {
        if let Some(i) = peer.expected.find(&ctx.names[d.item.case], &case.id) {
            used[consumer][i] = true;
            outcome = Outcome::Xfail;
            expected_failure = Some(peer.expected.entries[i].reason.clone());
        }
    }
    // A verdict about the whole payload of an edge case is about the field the case varies.
    let span = match (path.as_str(), case.origin) {
        ("$", crate::golden::Origin::Edge { field }) => ctx.c.message(case.message).fields[field].span,
        _ => ctx.c.locate(case.message, &path),
    };
    let location = ctx.c.sources.render(span);
    let producer = match d.item.producer {
        Producer::Golden => "golden".to_string(),
        Producer::Previous => ctx.previous.clone().unwrap_or_default(),
        Producer::Peer(i) => peers[i].manifest.name.clone(),
    };
    if !reused {
        sum.exchanges += 1;
        match outcome {
            Outcome::Pass => sum.passed += 1,
            Outcome::Skip => sum.skipped += 1,
            Outcome::Warn => sum.warned += 1,
            Outcome::Xfail => sum.xfailed += 1,
            Outcome::Fail => sum.failed += 1,
        }
    }
    sink.event(&Event::Exchange(Exchange {
        producer,
        consumer: peer.manifest.name.clone(),
        message: ctx.names[d.item.case].clone(),
        case: case.id.clone(),
        verdict: d.verdict.clone(),
        class,
        hint,
        outcome,
        expected_failure,
        location,
        duration: d.duration,
        reused,
    }));
}

/// Expected failures that no longer fail: reported (the run fails), or removed from their lists.
fn stale_expected_failures(
    opts: &Options,
    peers: &[LivePeer],
    used: &[Vec<bool>],
    sink: &mut dyn Sink,
    sum: &mut Summary,
) {
    for (p, used) in peers.iter().zip(used) {
        let stale: Vec<usize> = (0..used.len()).filter(|&i| !used[i]).collect();
        if stale.is_empty() {
            continue;
        }
        let removed = opts.update_expected_failures && p.expected.remove(&stale).is_ok();
        let command = format!("msgpact verify --peer {} --update-expected-failures", p.manifest.name);
        for &i in &stale {
            let e = &p.expected.entries[i];
            sink.event(&Event::StaleExpectedFailure {
                peer: p.manifest.name.clone(),
                file: p.expected.path.display().to_string(),
                line: e.line,
                message: e.message.clone(),
                case: e.case.clone(),
                removed,
                command: command.clone(),
            });
        }
        if !removed {
            sum.stale += stale.len();
        }
    }
}

/// The golden cases of an earlier version, as cases of the current contracts, with the old vectors as
/// their payloads: the expected value and bytes are what the current contract makes of the old vector
/// (`judge` reports a vector that does not fit). Messages the current contracts no longer have are left out.
fn replay_cases(c: &Contracts, prev: &crate::breaking::Previous) -> (String, Vec<Case>, Vec<Vec<u8>>) {
    let mut cases = Vec::new();
    let mut payloads = Vec::new();
    for old in golden::generate(&prev.contracts) {
        let Ok(id) = c.find_message(&prev.contracts.message_name(old.message)) else { continue };
        let value = decode(&old.bytes).ok().and_then(|v| canonical::message(c, id, &v, "$").ok()).unwrap_or(Value::Nil);
        let bytes = crate::wire::encode(&value);
        cases.push(Case { message: id, id: old.id, value, bytes, origin: old.origin });
        payloads.push(old.bytes);
    }
    (prev.target.label.clone(), cases, payloads)
}
