//! The NATS server a run talks through, found or started by msgpact itself.
//!
//! Every vector travels through a real NATS server. This module gives the runner one, from one of four
//! backends, and says which one it chose and why (docs/nats.md has the whole story):
//!
//! | [`Backend`] | what it does | module |
//! |---|---|---|
//! | `Url` | uses an existing server (`--nats-url` or `NATS_URL`), credentials in the URL or a creds file | `url` |
//! | `Container` | starts a NATS image with JetStream through the Docker API (Docker or Podman) with testcontainers | `container` |
//! | `Binary` | runs `nats-server` on a free loopback port; builds one with `go install` into a cache if needed | `binary` |
//! | `Auto` | `NATS_URL` set -> url; a Docker API answers and the image is there -> container; else binary | here |
//!
//! ```no_run
//! # async fn demo() -> Result<(), msgpact::nats::NatsError> {
//! use msgpact::nats::{self, NatsOptions};
//! let opts = NatsOptions::from_env("target/msgpact".into());
//! let server = nats::start(&opts).await?;          // Backend::Auto unless opts.backend says otherwise
//! eprintln!("NATS: {} ({}) in {:?}", server.backend(), server.reason(), server.startup_time());
//! let client = nats::connect(&server).await?;      // honours credentials in the URL and opts.creds
//! client.publish("hello", "world".into()).await.ok();
//! server.stop().await?;                             // or just drop it: Drop cleans up too
//! # Ok(()) }
//! ```
//!
//! Public API:
//! - [`Backend`] (`FromStr`/`Display`: `auto`, `container`, `binary`, `url`), [`NatsOptions`]
//!   ([`NatsOptions::from_env`], [`NatsOptions::from_vars`]), [`NatsError`] (`message` + `hint`).
//! - [`start`]`(&NatsOptions) -> Result<NatsServer, NatsError>`.
//! - [`NatsServer`]: `url()`, `redacted_url()`, `backend()`, `reason()`, `startup_time()`, `pid()`,
//!   `container_id()`, `creds()`, `async stop()`. Dropping it stops the server (kills the child process,
//!   removes the container) with or without a tokio runtime.
//! - [`connect`]`(&NatsServer)` and [`connect_with`]`(&NatsServer, ConnectOptions)` -> `async_nats::Client`.
//! - [`find_nats_server`]`(&NatsOptions)`: the nats-server the binary backend would run (found, or built once
//!   and cached), for anything else that needs one (the tests do); [`build_nats_server`]`(cache_dir,
//!   version, &Progress)`: the `go install` fallback itself, under a lock so that parallel callers build once.
//! - [`default_cache_dir`]: where a built nats-server is kept (`~/.cache/msgpact`); [`docker_api`]: whether a
//!   Docker API answers.
//!
//! Cleanup on signals: every server registers with the process-wide [`crate::signals`] registry. With
//! [`NatsOptions::cleanup_on_signal`] (the default), the first `start` installs its SIGINT/SIGTERM/SIGHUP
//! handler, which stops every server this process started (children and containers, even a container still
//! starting) with everything else registered, then exits with status 130, 143 or 129 (`msgpact verify`
//! installs it itself before anything starts). Containers also carry labels with the
//! owner's pid and host name, and a later container start removes those whose owner is gone (after a
//! SIGKILL, say).
//!
//! Errors are [`NatsError`]s: a one-line message and a hint; the CLI prints them as a setup error (exit 2).
mod binary;
mod container;
mod docker;
mod url;

pub use binary::{build_nats_server, cached_binary, find_nats_server, is_nats_server_build, NatsBuild};
pub use docker::pin_docker_host;
pub use url::{connect, connect_with};

use crate::diag::{Code, Diagnostic};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The image the container backend starts when none is configured: the official image, JetStream inside.
pub const DEFAULT_IMAGE: &str = "nats:2.10";
/// The nats-server version the binary backend builds with `go install` when none is on PATH.
/// Keep it in step with `MSGPACT_NATS_SERVER_VERSION` in ci/setup-nats.sh.
pub const NATS_SERVER_VERSION: &str = "v2.15.2";
/// How long a server may take to become ready, unless [`NatsOptions::startup_timeout`] says otherwise.
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the NATS server comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Backend {
    /// url if a URL is given, else container if a Docker API answers and has the image, else binary.
    #[default]
    Auto,
    /// A NATS image started through the Docker API (Docker or Podman) with testcontainers.
    Container,
    /// A `nats-server` process on a free loopback port.
    Binary,
    /// An existing server at a URL.
    Url,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Auto => "auto",
            Backend::Container => "container",
            Backend::Binary => "binary",
            Backend::Url => "url",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Backend {
    type Err = NatsError;
    fn from_str(s: &str) -> Result<Self, NatsError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Backend::Auto),
            "container" | "docker" | "podman" => Ok(Backend::Container),
            "binary" | "nats-server" => Ok(Backend::Binary),
            "url" => Ok(Backend::Url),
            other => Err(NatsError::new(
                format!("unknown NATS backend `{other}`"),
                "use one of: auto, container, binary, url",
            )),
        }
    }
}

/// A NATS server could not be found or started: what happened, and what to do about it. The nats layer's
/// one error type; shown as `message`, then `  hint: ...` on a second line (the layout of every msgpact
/// diagnostic), and an `E901` [`Diagnostic`] where a command stops on it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", if hint.is_empty() { String::new() } else { format!("\n  hint: {hint}") })]
pub struct NatsError {
    /// One line: which backend, what failed, where (URLs with their credentials hidden).
    pub message: String,
    /// What the user can do: a command to run, a variable to set, another backend to choose.
    pub hint: String,
}

impl NatsError {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        NatsError { message: message.into(), hint: hint.into() }
    }
}

impl From<&NatsError> for Diagnostic {
    fn from(e: &NatsError) -> Diagnostic {
        Diagnostic::without_span(Code::Setup, format!("nats: {}", e.message), e.hint.as_str())
    }
}

/// How to find or start the server. Build it with [`NatsOptions::from_env`] and override fields from
/// command-line flags (`--nats`, `--nats-url`, `--nats-creds`, `--nats-image`).
#[derive(Clone, Debug)]
pub struct NatsOptions {
    pub backend: Backend,
    /// Server URL(s) for the url backend, comma-separated; `nats://user:pass@host:port` or
    /// `nats://token@host:port` carry credentials. In `Auto`, a URL means the url backend.
    pub url: Option<String>,
    /// Where `url` came from, for messages: `NATS_URL` (set by [`from_env`](Self::from_env)), `--nats-url`.
    pub url_from: String,
    /// A NATS credentials file (JWT + NKey seed) for the url backend (`NATS_CREDS`, `--nats-creds`).
    pub creds: Option<PathBuf>,
    /// The container backend's image (`MSGPACT_NATS_IMAGE`, `--nats-image`); [`DEFAULT_IMAGE`] if `None`.
    pub image: Option<String>,
    /// The Docker API to use (`DOCKER_HOST`); `None`: probe `/var/run/docker.sock`, then Podman's sockets.
    pub docker_host: Option<String>,
    /// A nats-server binary for the binary backend (`MSGPACT_NATS_SERVER`); `None`: PATH, then the cache,
    /// then a `go install` into the cache.
    pub server_bin: Option<PathBuf>,
    /// Binary backend only: listen on exactly this port (an error if it is taken). `None`: a free port,
    /// chosen again (up to 3 attempts) if another process takes it first.
    pub port: Option<u16>,
    /// Where a nats-server built with `go install` is kept: `<cache_dir>/nats-server/<version>/bin/nats-server`
    /// ([`default_cache_dir`] for the command line).
    pub cache_dir: PathBuf,
    /// How long the server may take to become ready (an image pull or a `go install` has its own limits).
    pub startup_timeout: Duration,
    /// Install the process-wide handler that stops what this process started on SIGINT, SIGTERM and
    /// SIGHUP, then exits (see the module docs). Servers are registered with it either way.
    pub cleanup_on_signal: bool,
    /// Where a long step (the `go install` of nats-server) says that it is alive; [`Progress::stderr`] by
    /// default.
    pub progress: crate::progress::Progress,
}

impl NatsOptions {
    /// Defaults (`Auto`) with the environment's settings: `NATS_URL`, `NATS_CREDS`, `MSGPACT_NATS_IMAGE`,
    /// `MSGPACT_NATS_SERVER`, `DOCKER_HOST`.
    pub fn from_env(cache_dir: PathBuf) -> Self {
        Self::from_vars(cache_dir, |name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env) with variables from `var` (tests pass their own, so that they do
    /// not race on the process environment). Empty values count as unset.
    pub fn from_vars(cache_dir: PathBuf, var: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| var(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        NatsOptions {
            backend: Backend::Auto,
            url: get("NATS_URL"),
            url_from: "NATS_URL".to_string(),
            creds: get("NATS_CREDS").map(PathBuf::from),
            image: get("MSGPACT_NATS_IMAGE"),
            docker_host: get("DOCKER_HOST"),
            server_bin: get("MSGPACT_NATS_SERVER").map(PathBuf::from),
            port: None,
            cache_dir,
            startup_timeout: DEFAULT_STARTUP_TIMEOUT,
            cleanup_on_signal: true,
            progress: crate::progress::Progress::stderr(),
        }
    }

    /// The container image this run would use.
    pub fn image(&self) -> &str {
        self.image.as_deref().unwrap_or(DEFAULT_IMAGE)
    }
}

/// A running (or reachable) NATS server. Dropping it stops what msgpact started; a url server is left alone.
#[derive(Debug)]
pub struct NatsServer {
    url: String,
    backend: Backend,
    reason: String,
    startup_time: Duration,
    creds: Option<PathBuf>,
    running: Running,
}

#[derive(Debug)]
enum Running {
    External,
    Binary(binary::Running),
    Container(Box<container::Running>),
}

impl NatsServer {
    /// The URL clients and peers connect to, credentials included (for `MSGPACT_NATS_URL`).
    pub fn url(&self) -> &str {
        &self.url
    }
    /// [`url`](Self::url) with any user, password or token replaced by `***`, for printing.
    pub fn redacted_url(&self) -> String {
        url::redact(&self.url)
    }
    /// The backend in use: never `Auto`.
    pub fn backend(&self) -> Backend {
        self.backend
    }
    /// One line saying why this backend was chosen, e.g. "NATS_URL is set".
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// How long [`start`] took, probes and waiting until the server answered included.
    pub fn startup_time(&self) -> Duration {
        self.startup_time
    }
    /// The credentials file clients use, if any.
    pub fn creds(&self) -> Option<&Path> {
        self.creds.as_deref()
    }
    /// The nats-server process id (binary backend).
    pub fn pid(&self) -> Option<u32> {
        match &self.running {
            Running::Binary(b) => Some(b.pid()),
            _ => None,
        }
    }
    /// The container id (container backend).
    pub fn container_id(&self) -> Option<&str> {
        match &self.running {
            Running::Container(c) => Some(c.id()),
            _ => None,
        }
    }

    /// Stops what msgpact started and waits until it is gone: kills and reaps the nats-server process, or
    /// removes the container. A url server is left running.
    pub async fn stop(mut self) -> Result<(), NatsError> {
        match std::mem::replace(&mut self.running, Running::External) {
            Running::External => Ok(()),
            Running::Binary(b) => b.stop().await,
            Running::Container(c) => c.stop().await,
        }
    }
}

/// Whether a Docker API answers: `DOCKER_HOST` (or `docker_host`), else the usual Docker and Podman
/// sockets. `Ok` names the one that answered; `Err`'s message lists what was tried and why each failed.
/// The auto backend decides with it, and the container backend's own tests skip on it (outside CI).
pub async fn docker_api(docker_host: Option<&str>) -> Result<String, NatsError> {
    docker::find_engine(docker_host).await.map(|e| e.host).map_err(|tried| NatsError::new(tried, ""))
}

/// The user's cache directory for msgpact: `$XDG_CACHE_HOME/msgpact`, else `$HOME/.cache/msgpact` (where
/// ci/setup-nats.sh keeps its nats-server too), else `msgpact-cache` in the temporary directory. A nats-server
/// built there is shared by every clone and by the tests, and survives `cargo clean`.
pub fn default_cache_dir() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("XDG_CACHE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| var("HOME").map(|h| h.join(".cache")))
        .map_or_else(|| std::env::temp_dir().join("msgpact-cache"), |c| c.join("msgpact"))
}

/// Finds or starts a NATS server as `opts` says. See the module docs for the backends and the auto order.
pub async fn start(opts: &NatsOptions) -> Result<NatsServer, NatsError> {
    let t0 = Instant::now();
    if opts.cleanup_on_signal {
        crate::signals::install();
    }
    if let Some(u) = &opts.url {
        crate::redact::add_url(u);
    }
    if let Some(c) = &opts.creds {
        crate::redact::add_creds_file(c);
    }
    let mut server = match opts.backend {
        Backend::Url => {
            let Some(u) = opts.url.as_deref() else {
                return Err(NatsError::new(
                    "url backend: no server URL given",
                    "set NATS_URL or pass --nats-url nats://HOST:PORT, or use --nats auto",
                ));
            };
            let reason = format!("url backend asked for; {} is set", opts.url_from);
            url::start(u, opts, reason).await?
        }
        Backend::Container => {
            let engine = docker::find_engine(opts.docker_host.as_deref()).await.map_err(|tried| {
                NatsError::new(
                    format!("container backend: no Docker API answered (tried {tried})"),
                    docker::NO_ENGINE_HINT,
                )
            })?;
            let image = opts.image();
            docker::ensure_image(&engine, image, pull_timeout(opts)).await.map_err(|e| {
                NatsError::new(
                    format!("container backend: image {image} is not usable at {}: {e}", engine.host),
                    missing_image_hint(),
                )
            })?;
            let reason = format!(
                "container backend asked for; Docker API at {} answered and image {image} is present",
                engine.host
            );
            container::start(opts, &engine, image, reason).await?
        }
        Backend::Binary => {
            let (bin, how) = binary::find_or_build(opts).await?;
            binary::start(opts, &bin, format!("binary backend asked for: using nats-server {how}")).await?
        }
        Backend::Auto => auto(opts).await?,
    };
    server.startup_time = t0.elapsed();
    Ok(server)
}

/// NATS_URL -> container (Docker API answers, image present or pulled) -> binary (PATH, cache, go install).
async fn auto(opts: &NatsOptions) -> Result<NatsServer, NatsError> {
    if let Some(u) = opts.url.as_deref() {
        return url::start(u, opts, format!("{} is set", opts.url_from)).await;
    }
    let image = opts.image();
    let why_not_container = match docker::find_engine(opts.docker_host.as_deref()).await {
        Err(tried) => format!("no Docker API answered (tried {tried})"),
        Ok(engine) => match docker::ensure_image(&engine, image, pull_timeout(opts)).await {
            Err(e) => format!("Docker API at {} answered but image {image} is not usable ({e})", engine.host),
            Ok(pulled) => {
                let how = if pulled { "was pulled" } else { "is present" };
                let reason = format!("Docker API at {} answered and image {image} {how}", engine.host);
                match container::start(opts, &engine, image, reason).await {
                    Ok(server) => return Ok(server),
                    Err(e) => format!("the container did not start ({})", e.message),
                }
            }
        },
    };
    match binary::find_or_build(opts).await {
        Ok((bin, how)) => binary::start(opts, &bin, format!("{why_not_container}: using nats-server {how}")).await,
        Err(e) => Err(NatsError::new(
            format!("no NATS server available: NATS_URL is not set; {why_not_container}; {}", e.message),
            "set NATS_URL to a running server, or install nats-server (`apt-get install nats-server`, \
             or Go for a one-time `go install`), or start Docker/Podman (bash ci/setup-nats.sh sets up Podman)",
        )),
    }
}

fn pull_timeout(opts: &NatsOptions) -> Duration {
    opts.startup_timeout.max(Duration::from_secs(60))
}

fn missing_image_hint() -> String {
    format!(
        "build a local image (bash ci/setup-nats.sh builds localhost/msgpact-nats:{}) and set \
         MSGPACT_NATS_IMAGE or --nats-image to it, or use --nats binary",
        NATS_SERVER_VERSION.trim_start_matches('v')
    )
}

/// A TCP port that was free on 127.0.0.1 a moment ago (another process may still take it first).
fn free_port() -> Result<u16, NatsError> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| NatsError::new(format!("no free TCP port on 127.0.0.1: {e}"), "check the loopback interface"))
}

/// Waits until a NATS server at `addr` greets with its `INFO` line; `Err` says what was seen last.
async fn nats_info(addr: &str, timeout: Duration) -> Result<(), String> {
    use tokio::io::AsyncReadExt;
    let attempt = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        let mut buf = [0u8; 5];
        stream.read_exact(&mut buf).await.map_err(|e| format!("no INFO line: {e}"))?;
        if &buf == b"INFO " {
            Ok(())
        } else {
            Err(format!("not a NATS server: it began with {:?}", String::from_utf8_lossy(&buf)))
        }
    };
    tokio::time::timeout(timeout, attempt).await.unwrap_or_else(|_| Err("no INFO line in time".into()))
}
