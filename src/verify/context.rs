//! The context of a run: its [`Options`], and the values every room of `verify` shares (the items sent to
//! peers, their results, and [`Ctx`], what is known once NATS is up). Nothing here does anything.
use super::verdict::Verdict;
use crate::contract::Contracts;
use crate::golden::Case;
use crate::nats::NatsOptions;
use crate::peer::expected::ExpectedFailures;
use crate::peer::process::{PeerEnv, PeerProcess};
use crate::peer::{Hello, Manifest};
use crate::progress::Progress;
use bytes::Bytes;
use std::path::PathBuf;
use std::time::Duration;

/// How a run goes: where everything is, which peers, which server, how long to wait.
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
    pub policy: Vec<(crate::classes::PolicyKey, crate::classes::Gate)>,
}

/// The producer of a payload: the golden vector, an earlier version's golden vector, or a peer's output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Producer {
    Golden,
    Previous,
    Peer(usize),
}

/// One payload for one peer: which case, who produced it.
#[derive(Clone, Debug)]
pub(super) struct Item {
    pub(super) case: usize,
    pub(super) producer: Producer,
    pub(super) payload: Bytes,
}

/// An item with its verdict: what the recorder turns into an `Exchange` event.
pub(super) struct Done {
    pub(super) item: Item,
    pub(super) verdict: Verdict,
    pub(super) output: Option<Bytes>,
    pub(super) duration: Duration,
}

/// What every part of a run reads: the options, the contracts and cases, the NATS client, the peers'
/// environment. Built once the server is up; borrowed by the transport, the judge and the recorder.
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
    pub(super) previous: Option<String>,
    pub(super) progress: Progress,
}

/// A started peer and what the run knows of it.
pub(super) struct LivePeer {
    pub manifest: Manifest,
    pub expected: ExpectedFailures,
    pub cache: PathBuf,
    pub log: PathBuf,
    pub proc: PeerProcess,
    pub hello: Hello,
    pub restarts: usize,
    /// Set when the peer cannot be kept running; its remaining exchanges are not run.
    pub broken: Option<String>,
}
