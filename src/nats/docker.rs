//! Finding a Docker API (Docker or Podman) quickly, and the few calls msgpact makes on it directly.
//!
//! testcontainers starts the container, but it assumes an engine is there and only reads `DOCKER_HOST`.
//! Auto mode has to know within about a second whether one answers (and has the image) before it commits to
//! the container backend, and cleanup must work without testcontainers' own client: when no runtime is
//! left, on a signal, or for containers leaked by a process that was killed. Those calls live here, on
//! bollard (re-exported by testcontainers).
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use futures::StreamExt;
use testcontainers::bollard::query_parameters::{
    CreateImageOptionsBuilder, ListContainersOptionsBuilder, RemoveContainerOptionsBuilder,
};
use testcontainers::bollard::{Docker, API_DEFAULT_VERSION};

/// How long a probe waits for `GET /_ping`.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// Docker's own socket: where testcontainers looks when `DOCKER_HOST` is unset.
pub(crate) const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

pub(crate) const NO_ENGINE_HINT: &str = "start Docker, or Podman's API socket (`mkdir -p /run/podman && \
    podman system service --time=0 unix:///run/podman/podman.sock &` and `export \
    DOCKER_HOST=unix:///run/podman/podman.sock`; bash ci/setup-nats.sh does all of it), or use --nats binary";

/// Labels on every container msgpact starts; see [`reap_orphans`].
pub(crate) const LABEL: &str = "msgpact.nats";
pub(crate) const LABEL_SESSION: &str = "msgpact.nats.session";
pub(crate) const LABEL_PID: &str = "msgpact.nats.owner-pid";
pub(crate) const LABEL_HOST: &str = "msgpact.nats.owner-host";

/// A Docker API that answered.
#[derive(Clone, Debug)]
pub(crate) struct Engine {
    /// As `DOCKER_HOST` spells it: `unix:///run/podman/podman.sock`, `tcp://host:2375`.
    pub host: String,
    pub docker: Docker,
}

/// The hosts to try: `DOCKER_HOST` alone when it is set (it is authoritative, as for the docker CLI),
/// else Docker's default socket and then Podman's (rootful, then rootless).
fn candidates(configured: Option<&str>) -> Vec<String> {
    if let Some(h) = configured {
        return vec![h.to_string()];
    }
    let mut c = vec![DEFAULT_HOST.to_string(), "unix:///run/podman/podman.sock".to_string()];
    if let Ok(dir) = std::env::var("XDG_RUNTIME_DIR") {
        if !dir.is_empty() && dir != "/run" {
            c.push(format!("unix://{dir}/podman/podman.sock"));
        }
    }
    c
}

/// A client for `host` whose requests time out after `timeout` (whole seconds, at least 1).
pub(crate) fn client(host: &str, timeout: Duration) -> Result<Docker, String> {
    let secs = timeout.as_secs().max(1);
    let r = if host.starts_with("unix://") {
        Docker::connect_with_unix(host, secs, API_DEFAULT_VERSION)
    } else if (host.starts_with("tcp://") || host.starts_with("http://"))
        && std::env::var_os("DOCKER_TLS_VERIFY").is_none()
    {
        Docker::connect_with_http(host, secs, API_DEFAULT_VERSION)
    } else {
        Docker::connect_with_host(host).map(|d| d.with_timeout(Duration::from_secs(secs)))
    };
    r.map_err(|e| e.to_string())
}

/// The first candidate whose `GET /_ping` answers within a second; `Err` lists what was tried and why each
/// failed, for the reason line or the error.
pub(crate) async fn find_engine(configured: Option<&str>) -> Result<Engine, String> {
    let mut tried = Vec::new();
    for host in candidates(configured) {
        if let Some(path) = host.strip_prefix("unix://") {
            if !Path::new(path).exists() {
                tried.push(format!("{host}: no socket"));
                continue;
            }
        }
        let docker = match client(&host, Duration::from_secs(5)) {
            Ok(d) => d,
            Err(e) => {
                tried.push(format!("{host}: {e}"));
                continue;
            }
        };
        match tokio::time::timeout(PROBE_TIMEOUT, docker.ping()).await {
            Ok(Ok(_)) => return Ok(Engine { host, docker }),
            Ok(Err(e)) => tried.push(format!("{host}: {}", one_line(&e.to_string()))),
            Err(_) => tried.push(format!("{host}: no answer within {PROBE_TIMEOUT:?}")),
        }
    }
    Err(tried.join("; "))
}

/// When `DOCKER_HOST` is unset: probes the usual sockets in the order of [`find_engine`] (a plain
/// `GET /_ping` on a Unix socket, at most [`PROBE_TIMEOUT`] each) and sets `DOCKER_HOST` to the first that
/// answers, so that testcontainers, which reads only the environment, uses the engine the container backend
/// chose. It writes the process environment, so it must run before any other thread exists: `msgpact
/// verify` calls it first thing, before the signal handler's thread and the async runtime. Returns the host
/// it set, if any.
pub fn pin_docker_host() -> Option<String> {
    if std::env::var_os("DOCKER_HOST").is_some_and(|h| !h.is_empty()) {
        return None;
    }
    let host = candidates(None).into_iter().find(|h| h.strip_prefix("unix://").is_some_and(ping_unix))?;
    // SAFETY (and soundness before edition 2024 marks it unsafe): no other thread exists yet; see above.
    std::env::set_var("DOCKER_HOST", &host);
    Some(host)
}

/// `GET /_ping` over the Unix socket at `path`, synchronously: whether a Docker API answers 200.
fn ping_unix(path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::os::unix::net::UnixStream::connect(path) else { return false };
    let _ = s.set_read_timeout(Some(PROBE_TIMEOUT));
    let _ = s.set_write_timeout(Some(PROBE_TIMEOUT));
    if s.write_all(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n").is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.") && &head[8..12] == b" 200"
}

/// Makes sure `image` is there: `Ok(false)` if it was, `Ok(true)` if it was pulled just now.
pub(crate) async fn ensure_image(engine: &Engine, image: &str, pull_timeout: Duration) -> Result<bool, String> {
    split_image(image)?;
    match engine.docker.inspect_image(image).await {
        Ok(_) => return Ok(false),
        Err(testcontainers::bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }) => {}
        Err(e) => return Err(one_line(&e.to_string())),
    }
    let (name, tag) = split_image(image)?;
    let opts = CreateImageOptionsBuilder::new().from_image(&name).tag(&tag).build();
    let pull = async {
        let mut stream = engine.docker.create_image(Some(opts), None, None);
        while let Some(item) = stream.next().await {
            item.map_err(|e| format!("not present, and the pull failed: {}", one_line(&e.to_string())))?;
        }
        Ok(true)
    };
    tokio::time::timeout(pull_timeout, pull)
        .await
        .unwrap_or_else(|_| Err(format!("not present, and the pull did not finish within {pull_timeout:?}")))
}

/// `registry/name:tag` -> (`registry/name`, `tag`); no tag means `latest`. Digests are not supported.
pub(crate) fn split_image(image: &str) -> Result<(String, String), String> {
    if image.contains('@') {
        return Err(format!("image references by digest are not supported ({image}); use name:tag"));
    }
    let slash = image.rfind('/').map(|i| i + 1).unwrap_or(0);
    Ok(match image[slash..].rfind(':') {
        Some(i) => (image[..slash + i].to_string(), image[slash + i + 1..].to_string()),
        None => (image.to_string(), "latest".to_string()),
    })
}

/// Removes (forcibly) every container labelled with this session, e.g. one whose start failed half-way.
pub(crate) async fn remove_session(docker: &Docker, session: &str) -> Result<usize, String> {
    let filters = HashMap::from([("label", vec![format!("{LABEL_SESSION}={session}")])]);
    remove_matching(docker, &filters, |_| true).await
}

/// Removes containers a msgpact process on this host started and left behind when it died (SIGKILL,
/// power loss): their owner pid no longer exists. Best effort, for the container backend's start.
pub(crate) async fn reap_orphans(docker: &Docker) -> Result<usize, String> {
    if !Path::new("/proc/self").exists() {
        return Ok(0);
    }
    let filters = HashMap::from([("label", vec![format!("{LABEL_HOST}={}", hostname())])]);
    remove_matching(docker, &filters, |labels| match labels.get(LABEL_PID).and_then(|p| p.parse::<u32>().ok()) {
        Some(pid) => !Path::new(&format!("/proc/{pid}")).exists(),
        None => false,
    })
    .await
}

async fn remove_matching(
    docker: &Docker,
    filters: &HashMap<&str, Vec<String>>,
    keep: impl Fn(&HashMap<String, String>) -> bool,
) -> Result<usize, String> {
    // Podman reports a container between stop and removal in the state `stopped`, which bollard's state enum
    // does not know: the whole list then fails to parse for a moment, so it is asked again.
    let mut attempt = 0;
    let containers = loop {
        let list = ListContainersOptionsBuilder::new().all(true).filters(filters).build();
        match docker.list_containers(Some(list)).await {
            Ok(c) => break c,
            Err(testcontainers::bollard::errors::Error::JsonDataError { .. }) if attempt < 40 => attempt += 1,
            Err(e) => return Err(one_line(&e.to_string())),
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let mut removed = 0;
    for c in containers {
        let (Some(id), labels) = (c.id, c.labels.unwrap_or_default()) else { continue };
        if keep(&labels) {
            remove(docker, &id).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// `DELETE /containers/{id}?force=true&v=true`; a container that is already gone counts as removed.
pub(crate) async fn remove(docker: &Docker, id: &str) -> Result<(), String> {
    let opts = RemoveContainerOptionsBuilder::new().force(true).v(true).build();
    match docker.remove_container(id, Some(opts)).await {
        Ok(()) => Ok(()),
        Err(testcontainers::bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }) => Ok(()),
        Err(e) => Err(one_line(&e.to_string())),
    }
}

pub(crate) fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".to_string())
}

pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_image_references() {
        assert_eq!(split_image("nats:2.10").unwrap(), ("nats".into(), "2.10".into()));
        assert_eq!(split_image("nats").unwrap(), ("nats".into(), "latest".into()));
        assert_eq!(
            split_image("localhost:5000/msgpact-nats:2.15.2").unwrap(),
            ("localhost:5000/msgpact-nats".into(), "2.15.2".into())
        );
        assert_eq!(split_image("localhost:5000/nats").unwrap(), ("localhost:5000/nats".into(), "latest".into()));
        assert!(split_image("nats@sha256:abc").is_err());
    }

    /// A Unix socket that answers one request with `reply`.
    fn fake_api(dir: &Path, reply: &'static [u8]) -> String {
        use std::io::{Read, Write};
        let path = dir.join("api.sock");
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut buf = [0u8; 256];
                let _ = s.read(&mut buf);
                let _ = s.write_all(reply);
            }
        });
        path.display().to_string()
    }

    #[test]
    fn the_sync_probe_knows_a_docker_api_by_its_ping() {
        let t = tempfile::tempdir().unwrap();
        let (a, b) = (t.path().join("a"), t.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let ok = fake_api(&a, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
        assert!(ping_unix(&ok));
        let not_found = fake_api(&b, b"HTTP/1.1 404 Not Found\r\n\r\n");
        assert!(!ping_unix(&not_found));
        assert!(!ping_unix(&t.path().join("none.sock").display().to_string()));
    }

    #[test]
    fn docker_host_is_authoritative() {
        assert_eq!(candidates(Some("tcp://h:2375")), vec!["tcp://h:2375".to_string()]);
        assert!(candidates(None).contains(&"unix:///run/podman/podman.sock".to_string()));
    }
}
