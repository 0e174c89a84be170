//! The NATS provider against real servers: nats-server processes and containers through the Docker API
//! (Podman here). No mocks. nats-server is always there (tests/common finds or builds it, as verify does);
//! only the tests whose subject is the container backend skip, when no Docker API answers and CI is unset
//! (see [`container_backend_or_skip`]).
//!
//! Timings are written straight to stderr, so that they show even for passing tests.
mod common;
use common::{container_backend_or_skip, nats_server, need, on_path};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt;
use msgpact::nats::{self, Backend, NatsOptions, NatsServer};
use msgpact::progress::Progress;

fn say(line: String) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("msgpact-cache")
}

/// Options for one backend that ignore this process's NATS_URL / DOCKER_HOST unless a test sets them. The
/// binary backend looks for nats-server as verify does (PATH, then the user's cache, where [`nats_server`]
/// has built one if PATH has none).
fn options(backend: Backend) -> NatsOptions {
    nats_server();
    let mut o = NatsOptions::from_vars(nats::default_cache_dir(), |_| None);
    o.backend = backend;
    o.startup_timeout = Duration::from_secs(30);
    o
}

fn container_options() -> NatsOptions {
    let mut o = options(Backend::Container);
    o.image = std::env::var("MSGPACT_NATS_IMAGE").ok();
    o.docker_host = std::env::var("DOCKER_HOST").ok();
    o
}

/// The container engine of this machine: DOCKER_HOST, or Podman's rootful socket.
fn docker_host() -> String {
    std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///run/podman/podman.sock".to_string())
}

/// All container ids the engine knows, running or not (`podman ps -a` through the Docker API).
///
/// Podman reports a container between stop and removal in the state `stopped`, which bollard's state enum
/// does not know, so listing fails while another test's container is going away: such a list is retried.
async fn all_container_ids() -> Vec<String> {
    use testcontainers::bollard::query_parameters::ListContainersOptionsBuilder;
    use testcontainers::bollard::{Docker, API_DEFAULT_VERSION};
    let docker = Docker::connect_with_unix(&docker_host(), 30, API_DEFAULT_VERSION).expect("docker client");
    let mut last = None;
    for _ in 0..100 {
        let list = ListContainersOptionsBuilder::new().all(true).build();
        match docker.list_containers(Some(list)).await {
            Ok(list) => return list.into_iter().filter_map(|c| c.id).collect(),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("list containers: {last:?}")
}

fn all_container_ids_blocking() -> Vec<String> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(all_container_ids())
}

fn pid_alive(pid: u32) -> bool {
    // A reaped process has no /proc entry; a zombie would still have one, so this also checks reaping.
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Request/reply through the server: an echo responder on one connection, a requester on another.
async fn assert_request_reply(server: &NatsServer) {
    let responder = nats::connect(server).await.expect("responder connects");
    let mut sub = responder.subscribe("msgpact.test.echo").await.unwrap();
    responder.flush().await.unwrap();
    let echo = tokio::spawn(async move {
        while let Some(msg) = sub.next().await {
            if let Some(reply) = msg.reply {
                responder.publish(reply, msg.payload).await.unwrap();
                responder.flush().await.unwrap();
            }
        }
    });
    let client = nats::connect(server).await.expect("requester connects");
    let payload: Vec<u8> = vec![0x82, 0xa1, b'a', 0x01, 0xa1, b'b', 0xc4, 0x01, 0xff];
    let reply =
        tokio::time::timeout(Duration::from_secs(5), client.request("msgpact.test.echo", payload.clone().into()))
            .await
            .expect("reply in time")
            .expect("request answered");
    assert_eq!(reply.payload.as_ref(), payload.as_slice(), "the payload comes back byte for byte");
    echo.abort();
}

/// JetStream answers `$JS.API.INFO` with an account info response when it is enabled.
async fn assert_jetstream(server: &NatsServer) {
    let client = nats::connect(server).await.unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(5), client.request("$JS.API.INFO", "".into()))
        .await
        .expect("JetStream answers in time")
        .expect("JetStream is enabled ($JS.API.INFO has a responder)");
    let text = String::from_utf8_lossy(&reply.payload);
    assert!(text.contains("account_info_response"), "unexpected $JS.API.INFO reply: {text}");
}

#[tokio::test]
async fn binary_backend_serves_request_reply_and_stop_kills_the_process() {
    let server = nats::start(&options(Backend::Binary)).await.expect("binary backend starts");
    say(format!("startup_time[binary] = {:?} ({})", server.startup_time(), server.reason()));
    assert_eq!(server.backend(), Backend::Binary);
    assert!(server.url().starts_with("nats://127.0.0.1:"), "{}", server.url());
    assert!(server.reason().contains("nats-server"), "{}", server.reason());
    assert_request_reply(&server).await;
    assert_jetstream(&server).await;
    let pid = server.pid().expect("a pid");
    assert!(pid_alive(pid));
    server.stop().await.expect("stop");
    assert!(!pid_alive(pid), "nats-server {pid} is gone after stop");
}

#[tokio::test]
async fn binary_backend_drop_kills_the_process() {
    let server = nats::start(&options(Backend::Binary)).await.expect("binary backend starts");
    let pid = server.pid().unwrap();
    drop(server);
    assert!(!pid_alive(pid), "nats-server {pid} is gone after drop");
}

#[test]
fn binary_backend_drop_outside_a_runtime_kills_the_process() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = rt.block_on(nats::start(&options(Backend::Binary))).expect("binary backend starts");
    let pid = server.pid().unwrap();
    drop(server); // no runtime entered here
    assert!(!pid_alive(pid), "nats-server {pid} is gone after drop");
}

#[tokio::test]
async fn binary_backend_on_a_taken_port_errors_naming_the_port_and_starts_on_a_free_one() {
    let occupied = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let taken = occupied.local_addr().unwrap().port();

    let mut forced = options(Backend::Binary);
    forced.port = Some(taken);
    let err = nats::start(&forced).await.expect_err("a taken port is an error when forced");
    say(format!("forced onto a taken port: {err}"));
    assert!(err.message.contains(&format!("port {taken}")), "{err}");
    assert!(err.message.contains("already in use"), "{err}");

    let server = nats::start(&options(Backend::Binary)).await.expect("a free port is chosen otherwise");
    assert!(!server.url().ends_with(&format!(":{taken}")));
    assert_request_reply(&server).await;
    drop(occupied);
}

#[tokio::test]
async fn container_backend_has_jetstream_and_the_container_is_gone_after_drop() {
    if !container_backend_or_skip("container_backend_has_jetstream_and_the_container_is_gone_after_drop") {
        return;
    }
    let server = nats::start(&container_options()).await.unwrap_or_else(|e| panic!("container backend: {e}"));
    say(format!("startup_time[container] = {:?} ({})", server.startup_time(), server.reason()));
    assert_eq!(server.backend(), Backend::Container);
    let id = server.container_id().expect("container id").to_string();
    assert!(all_container_ids().await.contains(&id));
    assert_jetstream(&server).await;
    assert_request_reply(&server).await;
    drop(server); // current-thread runtime: testcontainers' drop-worker removes it
    assert!(!all_container_ids().await.contains(&id), "container {id} is gone after drop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn container_backend_stop_removes_the_container() {
    if !container_backend_or_skip("container_backend_stop_removes_the_container") {
        return;
    }
    let server = nats::start(&container_options()).await.unwrap_or_else(|e| panic!("container backend: {e}"));
    say(format!("startup_time[container, multi-thread runtime] = {:?}", server.startup_time()));
    let id = server.container_id().unwrap().to_string();
    assert_request_reply(&server).await;
    server.stop().await.expect("stop");
    assert!(!all_container_ids().await.contains(&id), "container {id} is gone after stop");
}

#[test]
fn container_backend_drop_outside_a_runtime_removes_the_container() {
    if !container_backend_or_skip("container_backend_drop_outside_a_runtime_removes_the_container") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let server = rt.block_on(nats::start(&container_options())).unwrap_or_else(|e| panic!("container backend: {e}"));
    let id = server.container_id().unwrap().to_string();
    drop(server); // no runtime entered here
    assert!(!all_container_ids_blocking().contains(&id), "container {id} is gone after drop");
}

#[tokio::test]
async fn container_backend_without_an_engine_is_an_error_with_a_hint() {
    let mut opts = options(Backend::Container);
    opts.docker_host = Some("unix:///nonexistent/docker.sock".into());
    let err = nats::start(&opts).await.expect_err("no engine");
    say(format!("container backend without engine: {err}"));
    assert!(err.message.contains("container backend: no Docker API answered"), "{err}");
    assert!(err.message.contains("unix:///nonexistent/docker.sock: no socket"), "{err}");
    assert!(err.hint.contains("podman system service"), "{err}");
}

#[tokio::test]
async fn container_backend_with_a_missing_image_is_an_error_with_a_hint() {
    if !container_backend_or_skip("container_backend_with_a_missing_image_is_an_error_with_a_hint") {
        return;
    }
    let mut opts = container_options();
    opts.image = Some("localhost/msgpact-no-such-image:0".into());
    let err = nats::start(&opts).await.expect_err("no such image");
    say(format!("container backend with a missing image: {err}"));
    assert!(err.message.contains("localhost/msgpact-no-such-image:0"), "{err}");
    assert!(err.hint.contains("MSGPACT_NATS_IMAGE"), "{err}");
}

#[tokio::test]
async fn url_backend_with_an_unreachable_url_names_the_url() {
    let port = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap().local_addr().unwrap().port();
    let mut opts = options(Backend::Url);
    opts.url = Some(format!("nats://alice:s3cret@127.0.0.1:{port}"));
    opts.startup_timeout = Duration::from_secs(2);
    let t0 = Instant::now();
    let err = nats::start(&opts).await.expect_err("nothing listens there");
    say(format!("url backend, unreachable: {err} (after {:?})", t0.elapsed()));
    assert!(err.message.contains(&format!("nats://***@127.0.0.1:{port}")), "{err}");
    assert!(!err.to_string().contains("s3cret"), "the password is not shown: {err}");
    assert!(err.hint.contains("NATS_URL"), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(10));

    opts.url = None;
    let err = nats::start(&opts).await.expect_err("no URL");
    assert!(err.message.contains("no server URL"), "{err}");
}

#[tokio::test]
async fn url_backend_with_a_live_server_and_auto_with_nats_url() {
    let live = nats::start(&options(Backend::Binary)).await.unwrap();

    let mut opts = options(Backend::Url);
    opts.url = Some(live.url().to_string());
    let server = nats::start(&opts).await.expect("url backend");
    say(format!("startup_time[url] = {:?} ({})", server.startup_time(), server.reason()));
    assert_eq!(server.backend(), Backend::Url);
    assert_eq!(server.url(), live.url());
    assert_request_reply(&server).await;
    drop(server); // leaves the external server alone
    assert!(pid_alive(live.pid().unwrap()));

    // Auto with NATS_URL in the (explicitly passed) environment picks url.
    let url = live.url().to_string();
    let auto = NatsOptions::from_vars(cache_dir(), |k| (k == "NATS_URL").then(|| url.clone()));
    assert_eq!(auto.backend, Backend::Auto);
    let server = nats::start(&auto).await.expect("auto -> url");
    assert_eq!(server.backend(), Backend::Url);
    assert_eq!(server.reason(), "NATS_URL is set");
}

/// A nats-server with a user and password, started by hand (the binary backend runs without auth).
struct AuthServer {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn auth_server(bin: &Path) -> AuthServer {
    let port = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new(bin)
        .args(["-a", "127.0.0.1", "-p", &port.to_string(), "--user", "alice", "--pass", "p@ss:word"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "auth nats-server did not come up");
        std::thread::sleep(Duration::from_millis(10));
    }
    AuthServer { child, port, _dir: dir }
}

#[tokio::test]
async fn url_backend_uses_credentials_from_the_url() {
    let auth = auth_server(&nats_server());
    let mut opts = options(Backend::Url);
    opts.url = Some(format!("nats://alice:p%40ss%3Aword@127.0.0.1:{}", auth.port));
    let server = nats::start(&opts).await.unwrap_or_else(|e| panic!("with the right password: {e}"));
    assert_request_reply(&server).await;
    assert_eq!(server.redacted_url(), format!("nats://***@127.0.0.1:{}", auth.port));

    opts.url = Some(format!("nats://alice:wrong@127.0.0.1:{}", auth.port));
    let err = nats::start(&opts).await.expect_err("wrong password");
    say(format!("url backend, wrong password: {err}"));
    assert!(!err.to_string().contains("wrong@"), "{err}");
    assert!(err.hint.contains("credentials"), "{err}");
}

#[tokio::test]
async fn auto_without_a_docker_api_uses_the_binary_backend_and_says_why() {
    // No engine at DOCKER_HOST: auto falls back to the binary backend and says so.
    let mut opts = options(Backend::Auto);
    opts.docker_host = Some("unix:///nonexistent/docker.sock".into());
    let server = nats::start(&opts).await.expect("auto -> binary");
    say(format!("auto without engine: {} ({}) in {:?}", server.backend(), server.reason(), server.startup_time()));
    assert_eq!(server.backend(), Backend::Binary);
    assert!(server.reason().starts_with("no Docker API answered (tried unix:///nonexistent/docker.sock: no socket)"));
    let bin = nats_server();
    assert!(server.reason().contains("using nats-server "), "{}", server.reason());
    assert!(
        server.reason().contains(&bin.display().to_string()),
        "names the binary {}: {}",
        bin.display(),
        server.reason()
    );
}

#[tokio::test]
async fn auto_with_a_docker_api_takes_the_container_and_without_the_image_the_binary() {
    if !container_backend_or_skip("auto_with_a_docker_api_takes_the_container_and_without_the_image_the_binary") {
        return;
    }
    // With this machine's engine and local image, auto takes the container.
    let mut opts = container_options();
    opts.backend = Backend::Auto;
    let server = nats::start(&opts).await.expect("auto -> container");
    say(format!("auto with engine: {} ({}) in {:?}", server.backend(), server.reason(), server.startup_time()));
    assert_eq!(server.backend(), Backend::Container);
    assert!(server.reason().contains("answered and image"), "{}", server.reason());

    // An image that is neither present nor pullable: auto says so and uses the binary backend.
    opts.image = Some("localhost/msgpact-no-such-image:0".into());
    let fallback = nats::start(&opts).await.expect("auto -> binary");
    say(format!("auto with engine, no image: {} ({})", fallback.backend(), fallback.reason()));
    assert_eq!(fallback.backend(), Backend::Binary);
    assert!(fallback.reason().contains("image localhost/msgpact-no-such-image:0 is not usable"));
}

#[tokio::test]
async fn binary_backend_builds_nats_server_with_go_into_the_cache() {
    // A cache of this test's own: its subject is the `go install` itself, which the shared cache may have
    // done long ago.
    need(on_path("go"), "go on PATH");
    let t0 = Instant::now();
    let built = nats::build_nats_server(&cache_dir(), nats::NATS_SERVER_VERSION, &Progress::stderr())
        .await
        .unwrap_or_else(|e| panic!("go install of nats-server: {e}"));
    let bin = built.path;
    say(format!("build_nats_server({}) = {} in {:?}", nats::NATS_SERVER_VERSION, bin.display(), t0.elapsed()));
    assert!(bin.starts_with(cache_dir().join("nats-server").join(nats::NATS_SERVER_VERSION)));
    let version = Command::new(&bin).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).contains(nats::NATS_SERVER_VERSION), "{version:?}");

    let mut opts = options(Backend::Binary);
    opts.server_bin = Some(bin.clone());
    let server = nats::start(&opts).await.expect("the built binary runs");
    say(format!("startup_time[binary, go-built] = {:?} ({})", server.startup_time(), server.reason()));
    assert!(server.reason().contains("MSGPACT_NATS_SERVER"), "{}", server.reason());
    assert_jetstream(&server).await;
}

// ---- Ctrl-C: a child process (this test binary, re-run on one test) starts a server and gets SIGINT ----

const CHILD_ENV: &str = "MSGPACT_TEST_SIGNAL_CHILD";

/// Not a test: the child process of `sigint_*` below (run with `--ignored`). It starts a server, prints its
/// pid or container id and waits to be interrupted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a helper: run as a child process by the sigint_* tests"]
async fn signal_child_helper() {
    let Ok(which) = std::env::var(CHILD_ENV) else { return };
    let opts = if which == "container" { container_options() } else { options(Backend::Binary) };
    let server = nats::start(&opts).await.expect("child starts a server");
    let mut out = std::io::stdout();
    match which.as_str() {
        "container" => writeln!(out, "READY container {}", server.container_id().unwrap()).unwrap(),
        _ => writeln!(out, "READY pid {}", server.pid().unwrap()).unwrap(),
    }
    out.flush().unwrap();
    tokio::time::sleep(Duration::from_secs(60)).await;
    panic!("the child was not interrupted");
}

/// Runs the child for `which`, waits for its READY line, sends SIGINT, and returns (exit code, what).
fn interrupt_child(which: &str) -> (Option<i32>, String) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["signal_child_helper", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, which)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.split_once("READY ").map(|(_, rest)| rest.to_string())) // libtest may print before it
        .expect("the child prints READY");
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the child did not exit after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (code, ready)
}

#[test]
fn sigint_kills_the_nats_server_child() {
    let (code, ready) = interrupt_child("binary");
    let pid: u32 = ready.strip_prefix("pid ").unwrap().parse().unwrap();
    assert_eq!(code, Some(130), "exit status after SIGINT");
    // The child process is gone; its nats-server was killed (then reaped by init, so poll briefly).
    let deadline = Instant::now() + Duration::from_secs(5);
    while pid_alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!pid_alive(pid), "nats-server {pid} is gone after SIGINT");
}

#[test]
fn sigint_removes_the_container() {
    if !container_backend_or_skip("sigint_removes_the_container") {
        return;
    }
    let (code, ready) = interrupt_child("container");
    let id = ready.strip_prefix("container ").unwrap().to_string();
    assert_eq!(code, Some(130), "exit status after SIGINT");
    assert!(!all_container_ids_blocking().contains(&id), "container {id} is gone after SIGINT");
}

#[test]
fn sigkill_leaves_a_container_that_the_next_start_reaps() {
    if !container_backend_or_skip("sigkill_leaves_a_container_that_the_next_start_reaps") {
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["signal_child_helper", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "container")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let id = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.split_once("READY container ").map(|(_, id)| id.to_string()))
        .expect("the child prints READY");
    child.kill().unwrap(); // SIGKILL: no handler, no Drop
    child.wait().unwrap();
    // Its container is still there (unless a concurrent test's start has reaped it already).
    say(format!("after SIGKILL, container {id} still exists: {}", all_container_ids_blocking().contains(&id)));

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let server = nats::start(&container_options()).await.unwrap_or_else(|e| panic!("container backend: {e}"));
        assert!(!all_container_ids().await.contains(&id), "the next start removed the orphan {id}");
        server.stop().await.unwrap();
    });
}
