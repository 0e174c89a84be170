//! The plan of a run: what is checked before anything starts (the contracts, golden/ against them, the
//! peers asked for, the earlier version to replay), and which payloads each peer gets in each phase.
use super::canonical;
use super::context::{Ctx, Done, Item, LivePeer, Options, Producer};
use super::error::SetupError;
use super::verdict::Verdict;
use crate::contract::previous::{load_previous, Previous};
use crate::contract::Contracts;
use crate::diag::Diagnostic;
use crate::golden::{self, store, Case};
use crate::peer::{Manifest, ManifestError, PeerError};
use crate::wire::{decode, Value};
use bytes::Bytes;
use std::collections::HashMap;
use std::time::Duration;

/// Everything a run needs before NATS and the peers: checked contracts, the cases (golden, then those of
/// the earlier version replayed), the peers' manifests.
pub(super) struct Plan {
    pub c: Contracts,
    /// The golden cases, then the earlier version's cases (see [`replay_cases`]).
    pub cases: Vec<Case>,
    /// How many of `cases` are golden cases of the current contracts.
    pub golden_count: usize,
    /// The earlier version's vectors, one per case after `golden_count`.
    pub old_payloads: Vec<Vec<u8>>,
    /// The label of the earlier version (`v1.0.0`), when one is replayed.
    pub previous: Option<String>,
    pub manifests: Vec<Manifest>,
    /// `package.Message` of each case.
    pub names: Vec<String>,
    /// The run's subject prefix, unique per run: `msgpact.run.<id>`.
    pub prefix: String,
}

/// Why a run stops before it starts anything.
pub(super) enum Stop {
    /// Exit 2.
    Setup(SetupError),
    /// golden/ differs from what the contracts generate (exit 1).
    Drift { added: Vec<String>, removed: Vec<String>, changed: Vec<String> },
}

impl From<SetupError> for Stop {
    fn from(e: SetupError) -> Stop {
        Stop::Setup(e)
    }
}

/// Checks everything that can be checked without NATS and the peers, and plans the cases.
pub(super) fn prepare(opts: &Options) -> Result<Plan, Stop> {
    let c = load_contracts(opts)?;
    // With the cases `msgpact fuzz --save` kept (golden::saved).
    let cases = golden::saved::all(&c, &opts.golden);
    match store::check(&opts.golden, &store::expected(&c, &cases)) {
        Err(e) => {
            return Err(SetupError::new(
                "golden",
                format!("cannot read {}: {e}", opts.golden.display()),
                "run from the repository root or pass --golden DIR",
            )
            .into())
        }
        Ok(d) if !d.is_clean() => return Err(Stop::Drift { added: d.added, removed: d.removed, changed: d.changed }),
        Ok(_) => {}
    }
    let manifests = select_peers(opts)?;
    let replay = match &opts.against {
        None => None,
        Some(against) => {
            let prev = load_previous(against, &opts.contracts).map_err(|e| {
                let mut message = e.message.clone();
                for d in &e.details {
                    message.push('\n');
                    message.push_str(d);
                }
                SetupError::new("previous version", message, e.hint)
            })?;
            let over = golden::budget::check(&prev.contracts);
            if over.has_errors() {
                return Err(SetupError::new(
                    "previous version",
                    over.render_all(&prev.contracts.sources).trim_end(),
                    "its golden cases are over the bounds of docs/limits.md",
                )
                .into());
            }
            Some(replay_cases(&c, &prev))
        }
    };
    let golden_count = cases.len();
    let (previous, cases, old_payloads) = match replay {
        Some((label, old, payloads)) => {
            let mut all = cases;
            all.extend(old);
            (Some(label), all, payloads)
        }
        None => (None, cases, Vec::new()),
    };
    let names = cases.iter().map(|k| c.message_name(k.message)).collect();
    let prefix = format!("msgpact.run.{}", run_id());
    Ok(Plan { c, cases, golden_count, old_payloads, previous, manifests, names, prefix })
}

/// The contracts, checked as `lint` checks them (and within the bounds of docs/limits.md).
pub(super) fn load_contracts(opts: &Options) -> Result<Contracts, SetupError> {
    let (c, mut diags) = Contracts::load_dir(&opts.contracts);
    if !diags.has_errors() {
        diags.items.extend(golden::budget::check(&c).items);
    }
    if diags.has_errors() {
        return Err(SetupError::new(
            "contracts",
            diags.render_all(&c.sources).trim_end(),
            "fix the contracts first; `msgpact lint` lists every problem",
        ));
    }
    Ok(c)
}

/// The peers under `--harness`, or those `--peer` names.
pub(super) fn select_peers(opts: &Options) -> Result<Vec<Manifest>, SetupError> {
    let fail = |message: String| {
        SetupError::new(
            "peers",
            message,
            "peers are directories with a peer.toml (docs/peer-protocol.md section 6); see `--peer` and `--harness`",
        )
    };
    let manifest = |e: ManifestError| fail(Diagnostic::from(&PeerError::from(e)).render_plain());
    let all = Manifest::discover(&opts.harness).map_err(manifest)?;
    for m in &all {
        m.check_paths(&opts.root).map_err(manifest)?;
    }
    if all.is_empty() {
        return Err(fail(format!("no peers: no */peer.toml under {}", opts.harness.display())));
    }
    if opts.peers.is_empty() {
        return Ok(all);
    }
    for want in &opts.peers {
        if !all.iter().any(|m| &m.name == want) {
            let names: Vec<&str> = all.iter().map(|m| m.name.as_str()).collect();
            return Err(fail(format!("no peer named `{want}` (peers: {})", names.join(", "))));
        }
    }
    Ok(all.into_iter().filter(|m| opts.peers.contains(&m.name)).collect())
}

/// A run id unique enough that runs sharing a server never meet: time, process and a counter.
pub(super) fn run_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mixed = nanos ^ ((std::process::id() as u64) << 32) ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    format!("{:012x}", mixed & 0xffff_ffff_ffff)
}

/// Whether `p` serves the message type of `it` (it said so in its handshake).
pub(super) fn served(ctx: &Ctx, p: &LivePeer, it: &Item) -> bool {
    p.hello.types.iter().any(|t| *t == ctx.names[it.case])
}

/// Phase 1 for one peer: every golden vector (and every replayed vector of an earlier version) it serves.
pub(super) fn phase1(ctx: &Ctx, p: &LivePeer, golden_count: usize, old_payloads: &[Vec<u8>]) -> Vec<Item> {
    let golden = (0..golden_count).map(|i| Item {
        case: i,
        producer: Producer::Golden,
        payload: Bytes::from(ctx.cases[i].bytes.clone()),
    });
    let replayed = (golden_count..ctx.cases.len()).map(|i| Item {
        case: i,
        producer: Producer::Previous,
        payload: Bytes::from(old_payloads[i - golden_count].clone()),
    });
    golden.chain(replayed).filter(|it| served(ctx, p, it)).collect()
}

/// What phase 1 left for phase 2: each peer's output per golden case, and each peer's golden verdicts.
#[derive(Default)]
pub(super) struct Phase1 {
    /// (producer peer, case) -> the bytes it wrote.
    pub outputs: HashMap<(usize, usize), Bytes>,
    /// (consumer peer, case) -> its verdict on the golden vector.
    pub verdicts: HashMap<(usize, usize), Verdict>,
}

impl Phase1 {
    pub(super) fn keep(&mut self, peer: usize, d: &Done) {
        if d.item.producer == Producer::Golden {
            if let Some(out) = &d.output {
                self.outputs.insert((peer, d.item.case), out.clone());
            }
            self.verdicts.insert((peer, d.item.case), d.verdict.clone());
        }
    }

    /// Golden cases a peer got no verdict for (it does not serve their type): `NotServed`.
    pub(super) fn not_served(&self, peers: usize, golden_count: usize) -> Vec<(usize, Done)> {
        let mut out = Vec::new();
        for pi in 0..peers {
            for i in (0..golden_count).filter(|i| !self.verdicts.contains_key(&(pi, *i))) {
                let item = Item { case: i, producer: Producer::Golden, payload: Bytes::new() };
                out.push((pi, Done { item, verdict: Verdict::NotServed, output: None, duration: Duration::ZERO }));
            }
        }
        out
    }

    /// Phase 2: every peer's output through every peer that serves its type. An output equal to the golden
    /// vector needs no new exchange: its verdict is the consumer's golden one (returned as reused results,
    /// per consumer), the rest are the batches to run.
    pub(super) fn phase2(
        &self,
        ctx: &Ctx,
        peers: &[LivePeer],
        golden_count: usize,
    ) -> (Vec<Vec<Item>>, Vec<(usize, Done)>) {
        let mut batches: Vec<Vec<Item>> = vec![Vec::new(); peers.len()];
        let mut reused = Vec::new();
        for (qi, q) in peers.iter().enumerate() {
            for pi in 0..peers.len() {
                // A must-reject case's output (a peer that accepted it) is not a valid payload to pass on.
                for (i, case) in ctx.cases.iter().enumerate().take(golden_count).filter(|(_, k)| k.reject().is_none()) {
                    let Some(out) = self.outputs.get(&(pi, i)) else { continue };
                    let item = Item { case: i, producer: Producer::Peer(pi), payload: out.clone() };
                    if !served(ctx, q, &item) {
                        continue;
                    }
                    if out[..] == case.bytes[..] {
                        if let Some(v) = self.verdicts.get(&(qi, i)) {
                            reused
                                .push((qi, Done { item, verdict: v.clone(), output: None, duration: Duration::ZERO }));
                        }
                    } else {
                        batches[qi].push(item);
                    }
                }
            }
        }
        (batches, reused)
    }
}

/// The golden cases of an earlier version, as cases of the current contracts, with the old vectors as
/// their payloads: the expected value and bytes are what the current contract makes of the old vector
/// (`judge` reports a vector that does not fit). Messages the current contracts no longer have are left out.
fn replay_cases(c: &Contracts, prev: &Previous) -> (String, Vec<Case>, Vec<Vec<u8>>) {
    let mut cases = Vec::new();
    let mut payloads = Vec::new();
    // Must-reject vectors are not data an old writer sent.
    for old in golden::generate(&prev.contracts).into_iter().filter(|k| k.reject().is_none()) {
        let Ok(id) = c.find_message(&prev.contracts.message_name(old.message)) else { continue };
        let value = decode(&old.bytes).ok().and_then(|v| canonical::message(c, id, &v, "$").ok()).unwrap_or(Value::Nil);
        let bytes = crate::wire::encode(&value);
        cases.push(Case { message: id, id: old.id, value, bytes, origin: old.origin });
        payloads.push(old.bytes);
    }
    (prev.target.label.clone(), cases, payloads)
}
