//! Peers from manifest to a running, greeted and checked process.
//!
//! Builds run all at once (a cold Rust build takes minutes, a Python venv seconds: nobody should wait for
//! their sum), then every built peer is started and greeted at once. Events are still emitted in the
//! manifests' order, so that reports never depend on which peer was quicker.
use super::events::{Event, Sink};
use super::run::Ctx;
use crate::contract::hash::wire_hash;
use crate::contract::Def;
use crate::peer::build::{self, BuildError, Built};
use crate::peer::expected::ExpectedFailures;
use crate::peer::process::{indent, PeerProcess};
use crate::peer::{Hello, Manifest};
use std::path::PathBuf;
use std::time::Instant;

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

/// Why a peer could not be started: the `SetupError` event it becomes.
struct Failed {
    message: String,
    hint: String,
}

impl Failed {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Failed {
        Failed { message: message.into(), hint: hint.into() }
    }
}

/// A peer whose build is done and whose process is not started yet.
struct Ready {
    manifest: Manifest,
    expected: ExpectedFailures,
    cache: PathBuf,
}

/// Builds and starts every peer; returns those that are up and how many could not be started (each said
/// with a `SetupError` event).
pub(super) async fn start_all(ctx: &Ctx<'_>, manifests: Vec<Manifest>, sink: &mut dyn Sink) -> (Vec<LivePeer>, usize) {
    let mut failed = 0;
    let mut fail = |sink: &mut dyn Sink, peer: &str, f: Failed| {
        sink.event(&Event::SetupError { what: format!("peer {peer}"), message: f.message, hint: f.hint });
        failed += 1;
    };
    let mut builds = Vec::new();
    for m in manifests {
        let expected = match ExpectedFailures::load(&m.expected_failures_path()) {
            Ok(x) => x,
            Err(e) => {
                fail(sink, &m.name, Failed::new(e, "fix the expected-failure list (docs/verify.md)"));
                continue;
            }
        };
        let cache = build::cache_dir(&ctx.opts.cache, &m);
        let (root, dir, manifest) = (ctx.opts.root.clone(), cache.clone(), m.clone());
        let task = tokio::task::spawn_blocking(move || build::build(&manifest, &root, &dir));
        builds.push((Ready { manifest: m, expected, cache }, task));
    }
    let mut built = Vec::new();
    for (ready, task) in builds {
        let name = ready.manifest.name.clone();
        match task.await {
            Ok(Ok(Built { cached, duration })) => {
                sink.event(&Event::PeerBuilt { peer: name, cached, duration });
                built.push(ready);
            }
            Ok(Err(e)) => fail(sink, &name, build_failed(e)),
            Err(e) => fail(sink, &name, Failed::new(format!("build task failed: {e}"), "")),
        }
    }
    let launches = built.into_iter().map(|r| async move {
        let started = Instant::now();
        let name = r.manifest.name.clone();
        (name, launch(ctx, r).await, started.elapsed())
    });
    let mut peers = Vec::new();
    for (name, result, startup) in futures::future::join_all(launches).await {
        match result {
            Ok(p) => {
                sink.event(&Event::PeerReady { peer: name, hello: p.hello.clone(), startup });
                peers.push(p);
            }
            Err(f) => fail(sink, &name, f),
        }
    }
    (peers, failed)
}

fn build_failed(e: BuildError) -> Failed {
    Failed::new(
        format!("build failed: {}\n{}", e.message, indent(&e.log_tail)),
        format!("the whole build output is in {}", e.log.display()),
    )
}

/// Starts one built peer, greets it and checks what it says it is.
async fn launch(ctx: &Ctx<'_>, r: Ready) -> Result<LivePeer, Failed> {
    let Ready { manifest: m, expected, cache } = r;
    let log = ctx.opts.cache.join("logs").join(format!("{}.log", m.name));
    let _ = std::fs::remove_file(&log);
    let mut proc = PeerProcess::spawn(&m, &ctx.opts.root, &cache, &ctx.env, &log)
        .map_err(|e| Failed::new(e, "check [run] command in the peer's peer.toml"))?;
    let checked = match proc.handshake(&ctx.client, &ctx.prefix, ctx.opts.handshake_timeout).await {
        Ok(hello) => check_hello(ctx, &m, hello),
        Err(e) => Err(Failed::new(e, format!("its whole output is in {}", log.display()))),
    };
    match checked {
        Ok(hello) => Ok(LivePeer { manifest: m, expected, cache, log, proc, hello, restarts: 0, broken: None }),
        Err(f) => {
            proc.kill().await;
            Err(f)
        }
    }
}

/// A peer built from other contracts (stale) or serving types the contracts do not have is not run.
fn check_hello(ctx: &Ctx<'_>, m: &Manifest, hello: Hello) -> Result<Hello, Failed> {
    let current = wire_hash(ctx.c);
    if !hello.contracts_hash.is_empty() && hello.contracts_hash != current {
        let lang = if m.language.is_empty() { "LANG" } else { &m.language };
        return Err(Failed::new(
            format!("stale: built from contracts {}, but the contracts are now {current}", hello.contracts_hash),
            format!("regenerate its types with `msgpact codegen --lang {lang} --out ...` and run again"),
        ));
    }
    let unknown: Vec<&str> =
        hello.types.iter().map(String::as_str).filter(|t| !matches!(ctx.c.lookup(t), Some(Def::Message(_)))).collect();
    if unknown.is_empty() {
        return Ok(hello);
    }
    let known: Vec<String> = ctx.c.message_ids().map(|id| ctx.c.message_name(id)).collect();
    let near: Vec<String> = unknown
        .iter()
        .filter_map(|n| {
            crate::diag::did_you_mean(n, known.iter().map(String::as_str)).map(|k| format!("`{n}` -> `{k}`?"))
        })
        .collect();
    let hint = if near.is_empty() {
        "register `package.Message` names of the contracts".into()
    } else {
        format!("did you mean {}", near.join(", "))
    };
    Err(Failed::new(format!("serves types the contracts do not have: {}", unknown.join(", ")), hint))
}

/// Kills the peer and starts it again, unless it has used up its restarts.
pub(super) async fn restart(
    ctx: &Ctx<'_>,
    p: &mut LivePeer,
    reason: &str,
    restarts: &mut Vec<(String, String)>,
) -> Result<(), String> {
    p.proc.kill().await;
    if p.restarts >= ctx.opts.max_restarts {
        return Err(format!("the peer was restarted {} times; gave up after: {reason}", p.restarts));
    }
    p.restarts += 1;
    restarts.push((p.manifest.name.clone(), reason.to_string()));
    p.proc = PeerProcess::spawn(&p.manifest, &ctx.opts.root, &p.cache, &ctx.env, &p.log)?;
    p.proc.handshake(&ctx.client, &ctx.prefix, ctx.opts.handshake_timeout).await.map(|_| ())
}
