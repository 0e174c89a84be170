//! `msgpact verify`: the main job. Every golden vector through every peer over NATS, then the producer x
//! consumer matrix; a terminal view, `--junit` and `--json`.
use super::*;
use crate::nats::{Backend, NatsOptions};
use crate::report::progress::{Mode, ProgressView};
use crate::report::{json::Json, junit::Junit, terminal::Terminal};
use crate::verify::events::{Fanout, Sink};
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    contracts: ContractArgs,
    /// Directory of golden vectors [default: msgpact.toml's, else golden].
    #[arg(long, value_name = "DIR")]
    golden: Option<PathBuf>,
    /// Directory whose subdirectories with a peer.toml are the peers [default: msgpact.toml's [peers] dir,
    /// else harness]. Another directory than msgpact.toml's leaves its required types out.
    #[arg(long, value_name = "DIR")]
    harness: Option<PathBuf>,
    /// Run only this peer (repeat for several).
    #[arg(long = "peer", value_name = "NAME")]
    peers: Vec<String>,
    /// Where the NATS server comes from: auto (NATS_URL, else a container, else nats-server), container,
    /// binary or url.
    #[arg(long, default_value = "auto", value_name = "BACKEND")]
    nats: Backend,
    /// An existing NATS server (implies --nats url unless --nats says otherwise); NATS_URL also works.
    #[arg(long, value_name = "URL")]
    nats_url: Option<String>,
    /// A NATS credentials file for --nats-url.
    #[arg(long, value_name = "FILE")]
    nats_creds: Option<PathBuf>,
    /// The container backend's image (MSGPACT_NATS_IMAGE also works; default nats:2.10).
    #[arg(long, value_name = "IMAGE")]
    nats_image: Option<String>,
    /// Seconds one exchange may take before the peer counts as hung (0.01 to 3600).
    #[arg(long, default_value = "5", value_name = "SECS", value_parser = parse_timeout)]
    timeout: Duration,
    /// Exchanges in flight per peer (1 to 4096).
    #[arg(long, default_value_t = 128, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=crate::limits::MAX_CONCURRENCY))]
    concurrency: u64,
    /// Write a JUnit XML report here (`-`: to stdout).
    #[arg(long, value_name = "PATH")]
    junit: Option<PathBuf>,
    /// Write a JSON report here (`-`: to stdout, which then carries nothing else).
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// How long steps (building nats-server or a peer, exchanging vectors) show that they are alive, on
    /// stderr: a live line per step on a terminal, else a line at start and end and a heartbeat every 15 s.
    #[arg(long, value_enum, default_value = "auto", value_name = "MODE")]
    progress: Mode,
    /// Remove entries that no longer fail from the peers' expected-failure lists.
    #[arg(long)]
    update_expected_failures: bool,
    /// Also replay the golden vectors of an earlier version (a git ref or a directory of contracts)
    /// through the current peers: can new readers read what old writers sent?
    #[arg(long, value_name = "REF|DIR")]
    against: Option<String>,
    /// Output format: text, or github (also a GitHub workflow annotation per distinct problem, at its
    /// contract location, on stdout when the run ends).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Builds the run's options from the command line and the environment.
pub fn options(args: &Args, paths: &project::Paths) -> crate::verify::Options {
    let root = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let cache =
        std::env::var_os("MSGPACT_CACHE_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target").join("msgpact"));
    // A nats-server built with `go install` goes to the user's cache (~/.cache/msgpact), shared by every
    // clone, the tests and ci/setup-nats.sh, and kept by `cargo clean`.
    let mut nats = NatsOptions::from_env(crate::nats::default_cache_dir());
    nats.backend = args.nats;
    if let Some(url) = &args.nats_url {
        nats.url = Some(url.clone());
        nats.url_from = "--nats-url".into();
    }
    if let Some(c) = &args.nats_creds {
        nats.creds = Some(c.clone());
    }
    if let Some(i) = &args.nats_image {
        nats.image = Some(i.clone());
    }
    crate::verify::Options {
        root,
        contracts: paths.contracts.clone(),
        golden: paths.golden.clone(),
        harness: paths.harness.clone(),
        peers: args.peers.clone(),
        nats,
        timeout: args.timeout,
        concurrency: args.concurrency as usize,
        handshake_timeout: Duration::from_secs(30),
        cache,
        max_restarts: 10,
        update_expected_failures: args.update_expected_failures,
        against: args.against.clone(),
        required: required(args, paths),
        policy: paths.project.as_ref().map(|p| p.config.policy.clone()).unwrap_or_default(),
    }
}

/// msgpact.toml's required types, when this run is about the repository's own peers: all of them, from
/// msgpact.toml's peers directory (`--peer` or another `--harness` leaves them out, and says so).
fn required(args: &Args, paths: &project::Paths) -> Vec<crate::verify::coverage::Required> {
    let Some(p) = &paths.project else { return Vec::new() };
    if p.config.required.is_empty() {
        return Vec::new();
    }
    let why = if !paths.project_peers {
        Some("--harness names another peers directory than msgpact.toml's")
    } else if !args.peers.is_empty() {
        Some("--peer runs part of the peers")
    } else {
        None
    };
    if let Some(why) = why {
        eprintln!("verify: msgpact.toml's {} are not checked: {why}", plural(p.config.required.len(), "required type"));
        return Vec::new();
    }
    p.config
        .required
        .iter()
        .map(|r| crate::verify::coverage::Required {
            name: r.value.clone(),
            location: match r.at {
                Some((l, c)) => format!("{}:{l}:{c}", p.file.display()),
                None => p.file.display().to_string(),
            },
        })
        .collect()
}

/// `--timeout`: a number of seconds, finite, from 0.01 to [`crate::limits::MAX_TIMEOUT_SECS`].
fn parse_timeout(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.trim().parse().map_err(|_| format!("`{s}` is not a number of seconds"))?;
    let max = crate::limits::MAX_TIMEOUT_SECS;
    if !secs.is_finite() || !(0.01..=max).contains(&secs) {
        return Err(format!("{s} seconds is not between 0.01 and {max} (docs/limits.md)"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Options that contradict each other, found before anything starts.
fn check(args: &Args, opts: &crate::verify::Options) -> Result<(), Diagnostic> {
    let explicit = args.nats_creds.is_some();
    let Some(creds) = &opts.nats.creds else { return Ok(()) };
    let from = if explicit { "--nats-creds" } else { "NATS_CREDS" };
    let uses_url = match opts.nats.backend {
        Backend::Url => true,
        Backend::Auto => opts.nats.url.is_some(),
        Backend::Container | Backend::Binary => false,
    };
    if uses_url {
        return Ok(());
    }
    let backend = match opts.nats.backend {
        Backend::Auto => "--nats auto without a NATS URL starts its own server".to_string(),
        b => format!("--nats {b} starts its own server"),
    };
    Err(Diagnostic::without_span(
        Code::Setup,
        format!("{from} {} is given, but {backend}, which takes no credentials", creds.display()),
        format!("pass the server's URL with --nats-url (or NATS_URL) to use the credentials, or leave {from} out"),
    ))
}

pub fn run(args: Args) -> i32 {
    let stdout = |p: &Option<PathBuf>| p.as_deref().is_some_and(|p| p.as_os_str() == "-");
    if stdout(&args.json) && stdout(&args.junit) {
        let d = Diagnostic::without_span(
            Code::Setup,
            "`--json -` and `--junit -` both ask for stdout",
            "write one of them to a file",
        );
        return fail(&d);
    }
    // Still the only thread: the container backend's engine is chosen here, where writing DOCKER_HOST for
    // testcontainers is sound (nats::pin_docker_host). Only when a container may be started.
    let url_given = args.nats_url.is_some() || std::env::var_os("NATS_URL").is_some_and(|u| !u.is_empty());
    if args.nats == Backend::Container || (args.nats == Backend::Auto && !url_given) {
        crate::nats::pin_docker_host();
    }
    let flags = project::Flags {
        contracts: args.contracts.contracts.as_deref(),
        golden: args.golden.as_deref(),
        harness: args.harness.as_deref(),
    };
    let paths = match project::paths(flags, true) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(l) = &paths.lock {
        errln!(
            "verify: contracts {} from {} (msgpact.lock), wire hash {}",
            l.describe(),
            l.contracts.git,
            l.contracts.wire_hash
        );
    }
    // Before anything starts: from here on a signal stops every build, peer and server of this run.
    crate::signals::install();
    let opts = options(&args, &paths);
    if let Some(u) = &opts.nats.url {
        crate::redact::add_url(u);
    }
    if let Some(c) = &opts.nats.creds {
        crate::redact::add_creds_file(c);
    }
    if let Err(d) = check(&args, &opts) {
        let code = fail(&d);
        eprintln!("verify: ERROR, nothing was run");
        return code;
    }
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            return fail(&Diagnostic::without_span(Code::Setup, format!("cannot start the async runtime: {e}"), ""))
        }
    };
    let progress = ProgressView::new(args.progress);
    let terminal = Terminal::new(progress.terminal_writer());
    // The progress view first: a finished step's live line is gone before the terminal prints its result.
    let mut sinks: Vec<Box<dyn Sink>> = vec![Box::new(progress), Box::new(terminal)];
    if let Some(p) = &args.junit {
        sinks.push(Box::new(Junit::new(p.clone())));
    }
    if let Some(p) = &args.json {
        sinks.push(Box::new(Json::new(p.clone())));
    }
    if args.format == Format::Github {
        sinks.push(Box::new(crate::report::github::Annotations::new()));
    }
    let mut sink = Fanout(sinks);
    let code = rt.block_on(async { crate::verify::run(&opts, &mut sink).await.exit_code });
    // Dropping the runtime drops the run: peer processes are killed and a started NATS server stopped.
    drop(rt);
    code
}
