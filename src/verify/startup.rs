//! Peers from manifest to a running, greeted and checked process.
//!
//! Builds run all at once and while the NATS server is found or built (a cold Rust build takes a minute, a
//! Python venv seconds, a nats-server `go install` a minute: nobody should wait for their sum), then every
//! built peer is started and greeted at once. Events are still emitted in the manifests' order, so that
//! reports never depend on which peer was quicker.
use super::context::{Ctx, LivePeer, Options};
use super::error::SetupError;
use super::events::{Event, Sink};
use super::record::Recorder;
use crate::contract::hash::wire_hash;
use crate::contract::Def;
use crate::diag::Diagnostic;
use crate::peer::build::{self, Built};
use crate::peer::expected::ExpectedFailures;
use crate::peer::process::{indent, PeerProcess};
use crate::peer::{BuildError, PeerError};
use crate::peer::{Hello, Manifest};
use crate::progress::Progress;
use std::path::PathBuf;
use std::time::Instant;

/// Why a peer could not be started; named after the peer when it is recorded.
type Failed = SetupError;

fn failed(message: impl Into<String>, hint: impl Into<String>) -> Failed {
    SetupError::new("peer", message, hint)
}

/// A peer whose build is done and whose process is not started yet; `manifest.run.command` has its
/// `{bin:NAME}` replaced by what the build produced.
pub(super) struct Ready {
    manifest: Manifest,
    expected: ExpectedFailures,
    cache: PathBuf,
}

/// One peer's build, running (or already failed before it could start).
pub(super) struct Pending {
    name: String,
    state: Result<(Ready, tokio::task::JoinHandle<Result<Built, BuildError>>), Failed>,
}

/// What became of one peer's build.
pub(super) struct BuildOutcome {
    name: String,
    result: Result<(Ready, Built), Failed>,
}

/// Starts every peer's build in the background (they report to `progress`); await them with
/// [`finish_builds`]. A peer whose build runs `go` first waits until `go_gate` is open (`true`): while
/// msgpact builds nats-server with `go install`, a second Go build would compete with it for the same cores
/// (on 2 cores both take longer than the two one after the other) and could not reuse what it compiles.
pub(super) fn spawn_builds(
    opts: &Options,
    manifests: Vec<Manifest>,
    progress: &Progress,
    go_gate: &tokio::sync::watch::Receiver<bool>,
) -> Vec<Pending> {
    let mut pending = Vec::new();
    for m in manifests {
        let name = m.name.clone();
        let expected = match ExpectedFailures::load(&m.expected_failures_path()) {
            Ok(x) => x,
            Err(e) => {
                let message = Diagnostic::from(&e).render_plain();
                let state = Err(failed(message, "fix the expected-failure list (docs/verify.md)"));
                pending.push(Pending { name, state });
                continue;
            }
        };
        let cache = build::cache_dir(&opts.cache, &m);
        let (root, dir, manifest, progress) = (opts.root.clone(), cache.clone(), m.clone(), progress.clone());
        let runs_go = m.build.as_ref().and_then(|b| b.commands.first()).is_some_and(|c| c[0] == "go");
        let mut gate = go_gate.clone();
        let task = tokio::spawn(async move {
            if runs_go {
                // A closed channel (the run gave up waiting for NATS) opens the gate too.
                let _ = gate.wait_for(|open| *open).await;
            }
            let built = tokio::task::spawn_blocking(move || build::build(&manifest, &root, &dir, &progress)).await;
            built.unwrap_or_else(|e| {
                Err(BuildError {
                    message: format!("build task failed: {e}"),
                    log_tail: String::new(),
                    log: PathBuf::new(),
                })
            })
        });
        pending.push(Pending { name, state: Ok((Ready { manifest: m, expected, cache }, task)) });
    }
    pending
}

/// Waits for every build, in the manifests' order (no events: the caller forwards progress meanwhile).
pub(super) async fn finish_builds(pending: Vec<Pending>) -> Vec<BuildOutcome> {
    let mut out = Vec::new();
    for Pending { name, state } in pending {
        let result = match state {
            Err(f) => Err(f),
            Ok((mut ready, task)) => match task.await {
                Ok(Ok(built)) => match resolve_run_command(&mut ready.manifest, &built) {
                    Ok(()) => Ok((ready, built)),
                    Err(f) => Err(f),
                },
                Ok(Err(e)) => Err(build_failed(e)),
                Err(e) => Err(failed(format!("build task failed: {e}"), "")),
            },
        };
        out.push(BuildOutcome { name, result });
    }
    out
}

/// `{bin:NAME}` in the run command becomes the executable the build reported.
fn resolve_run_command(m: &mut Manifest, built: &Built) -> Result<(), Failed> {
    for arg in &mut m.run.command {
        *arg = build::expand_bins(arg, &built.bins).map_err(|e| failed(e.to_string(), e.hint()))?;
    }
    Ok(())
}

/// Records each build (in the manifests' order) and keeps the built peers.
pub(super) fn report_builds(outcomes: Vec<BuildOutcome>, rec: &mut Recorder) -> Vec<Ready> {
    let mut ready = Vec::new();
    for BuildOutcome { name, result } in outcomes {
        match result {
            Ok((r, Built { cached, duration, outputs, .. })) => {
                let outputs = outputs.iter().map(|p| p.display().to_string()).collect();
                rec.event(&Event::PeerBuilt { peer: name, cached, duration, outputs });
                ready.push(r);
            }
            Err(f) => rec.setup_error(f.about(format!("peer {name}"))),
        }
    }
    ready
}

/// Starts and greets every built peer at once; returns those that are up (each one that could not be
/// started is recorded as a setup error).
pub(super) async fn launch_all(ctx: &Ctx<'_>, built: Vec<Ready>, rec: &mut Recorder<'_>) -> Vec<LivePeer> {
    let launches = built.into_iter().map(|r| async move {
        let started = Instant::now();
        let name = r.manifest.name.clone();
        (name, launch(ctx, r).await, started.elapsed())
    });
    let mut peers = Vec::new();
    for (name, result, startup) in futures::future::join_all(launches).await {
        match result {
            Ok(p) => {
                rec.event(&Event::PeerReady { peer: name, hello: p.hello.clone(), startup });
                peers.push(p);
            }
            Err(f) => rec.setup_error(f.about(format!("peer {name}"))),
        }
    }
    peers
}

fn build_failed(e: BuildError) -> Failed {
    failed(
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
        .map_err(|e| failed(e.to_string(), "check [run] command in the peer's peer.toml"))?;
    let checked = match proc.handshake(&ctx.client, &ctx.prefix, ctx.opts.handshake_timeout).await {
        Ok(hello) => check_hello(ctx, &m, hello),
        Err(e) => Err(failed(e.to_string(), format!("its whole output is in {}", log.display()))),
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
        return Err(failed(
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
    Err(failed(format!("serves types the contracts do not have: {}", unknown.join(", ")), hint))
}

/// Kills the peer and starts it again, unless it has used up its restarts.
pub(super) async fn restart(
    ctx: &Ctx<'_>,
    p: &mut LivePeer,
    reason: &str,
    restarts: &mut Vec<(String, String)>,
) -> Result<(), PeerError> {
    p.proc.kill().await;
    if p.restarts >= ctx.opts.max_restarts {
        let why = format!("the peer was restarted {} times; gave up after: {reason}", p.restarts);
        return Err(PeerError::Process(why));
    }
    p.restarts += 1;
    restarts.push((p.manifest.name.clone(), reason.to_string()));
    p.proc = PeerProcess::spawn(&p.manifest, &ctx.opts.root, &p.cache, &ctx.env, &p.log)?;
    p.proc.handshake(&ctx.client, &ctx.prefix, ctx.opts.handshake_timeout).await.map(|_| ())
}
