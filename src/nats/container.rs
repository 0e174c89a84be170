//! The container backend: a NATS image with JetStream, started through the Docker API by testcontainers.
//!
//! It is the default when an engine is there, because it needs nothing on the host but the engine and
//! gives every run the same server version. Two things differ from a textbook testcontainers start:
//! - Podman 4.3 reports port bindings with an empty HostIp, so `get_host_port_ipv4` fails with
//!   `PortNotExposed`. msgpact picks a free host port itself and maps it explicitly (on 127.0.0.1 for a local
//!   engine), retrying on another port if that one is taken before the engine binds it.
//! - Cleanup must not depend on the happy path: every container carries labels (session, owner pid, owner
//!   host), registered for the Ctrl-C handler before it is created; a failed start removes what it left by
//!   label; drop removes the container even without a runtime; a later start reaps containers whose owner
//!   process is gone.
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use testcontainers::core::{IntoContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};

use super::docker::{self, Engine};
use super::{free_port, nats_info, Backend, NatsError, NatsOptions, NatsServer, Running as ServerRunning};
use crate::signals;

/// How many host ports a start tries when the chosen one turns out to be taken.
const PORT_ATTEMPTS: usize = 3;

/// A running NATS container. Dropping it removes the container.
pub(crate) struct Running {
    container: Option<ContainerAsync<GenericImage>>,
    id: String,
    host: String,
    session: String,
    _registration: signals::Registration,
}

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("container::Running").field("id", &self.id).field("host", &self.host).finish()
    }
}

impl Running {
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    /// Removes the container (forcibly) and checks that it is gone.
    pub(crate) async fn stop(mut self) -> Result<(), NatsError> {
        let Some(container) = self.container.take() else { return Ok(()) };
        let fail = |e: String| {
            NatsError::new(
                format!("container backend: could not remove container {} at {}: {e}", short(&self.id), self.host),
                format!("remove it by hand: `podman rm -f {0}` or `docker rm -f {0}`", self.id),
            )
        };
        if container.rm().await.is_err() {
            // testcontainers' client failed; try once more with a fresh one, by session label.
            let docker = docker::client(&self.host, Duration::from_secs(30)).map_err(fail)?;
            docker::remove_session(&docker, &self.session).await.map_err(fail)?;
        }
        Ok(())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let Some(container) = self.container.take() else { return };
        if tokio::runtime::Handle::try_current().is_ok() {
            // testcontainers' own Drop removes it (blocking in place, or on its drop-worker thread).
            drop(container);
            return;
        }
        // No runtime here: testcontainers' Drop would panic. Remove the container from a helper thread with
        // a runtime and a client of its own, then forget the handle (its Drop must not run).
        let (host, id, session) = (self.host.clone(), self.id.clone(), self.session.clone());
        let removed = std::thread::spawn(move || -> Result<(), String> {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
            rt.block_on(async {
                let docker = docker::client(&host, Duration::from_secs(30))?;
                docker::remove(&docker, &id).await?;
                docker::remove_session(&docker, &session).await.map(|_| ())
            })
        })
        .join();
        std::mem::forget(container);
        match removed {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("msgpact: could not remove NATS container {}: {e}", self.id),
            Err(_) => eprintln!("msgpact: could not remove NATS container {}: the cleanup thread panicked", self.id),
        }
    }
}

/// Starts `image` at `engine`, waits for "Server is ready" and for an INFO greeting on the mapped port.
pub(crate) async fn start(
    opts: &NatsOptions,
    engine: &Engine,
    image: &str,
    reason: String,
) -> Result<NatsServer, NatsError> {
    let _ = docker::reap_orphans(&engine.docker).await;
    testcontainers_sees(&engine.host)?;
    let (name, tag) = docker::split_image(image).map_err(|e| NatsError::new(format!("container backend: {e}"), ""))?;
    let local = engine.host.starts_with("unix://");
    let url_host = if local { "127.0.0.1".to_string() } else { remote_host(&engine.host) };

    let mut taken = Vec::new();
    for _ in 0..PORT_ATTEMPTS {
        let port = free_port()?;
        let session = new_session();
        // Registered before the container exists, so that Ctrl-C during the start removes it too.
        let registration = signals::register(removal(&engine.host, &session));
        let deadline = Instant::now() + opts.startup_timeout;
        let mut request = GenericImage::new(name.clone(), tag.clone())
            .with_wait_for(WaitFor::message_on_stderr("Server is ready"))
            .with_cmd(["-js", "-sd", "/tmp/nats"])
            .with_mapped_port(port, 4222.tcp())
            .with_labels([
                (docker::LABEL, "1".to_string()),
                (docker::LABEL_SESSION, session.clone()),
                (docker::LABEL_PID, std::process::id().to_string()),
                (docker::LABEL_HOST, docker::hostname()),
            ])
            .with_startup_timeout(opts.startup_timeout);
        if local {
            // Listen on loopback only, as the binary backend does.
            request = request.with_host_config_modifier(|hc| {
                for bindings in hc.port_bindings.iter_mut().flat_map(|m| m.values_mut()).flatten() {
                    for b in bindings.iter_mut() {
                        b.host_ip = Some("127.0.0.1".to_string());
                    }
                }
            });
        }
        let started = request.start().await;
        let container = match started {
            Ok(c) => c,
            Err(e) => {
                let e = docker::one_line(&e.to_string());
                let _ = docker::remove_session(&engine.docker, &session).await;
                if e.contains("address already in use") || e.contains("port is already allocated") {
                    taken.push(port.to_string());
                    continue;
                }
                return Err(NatsError::new(
                    format!("container backend: {image} did not start at {}: {e}", engine.host),
                    start_hint(&e),
                ));
            }
        };
        let id = container.id().to_string();
        let running =
            Running { container: Some(container), id, host: engine.host.clone(), session, _registration: registration };
        // "Server is ready" is said inside the container; wait until the mapped port forwards, too.
        let addr = format!("{url_host}:{port}");
        let mut last = String::new();
        while Instant::now() < deadline {
            match nats_info(&addr, Duration::from_millis(500)).await {
                Ok(()) => {
                    return Ok(NatsServer {
                        url: format!("nats://{addr}"),
                        backend: Backend::Container,
                        reason,
                        startup_time: Duration::ZERO,
                        creds: None,
                        running: ServerRunning::Container(Box::new(running)),
                    })
                }
                Err(e) => last = e,
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let _ = running.stop().await;
        return Err(NatsError::new(
            format!("container backend: the server in {image} said it was ready, but {addr} did not answer: {last}"),
            "check the engine's port forwarding (`podman port -a`), or use --nats binary",
        ));
    }
    Err(NatsError::new(
        format!("container backend: host ports {} were taken before the engine could bind them", taken.join(", ")),
        "try again, or use --nats binary",
    ))
}

/// testcontainers creates its client from `DOCKER_HOST` (else Docker's default socket) and cannot be handed
/// an engine. Writing the environment here, with the runtime's threads running, would race with every
/// thread that reads it; so the engine is chosen before any thread starts ([`docker::pin_docker_host`],
/// which `msgpact verify` calls first thing), and here it is only checked that testcontainers will find
/// the engine the probe chose.
fn testcontainers_sees(host: &str) -> Result<(), NatsError> {
    let configured = std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty());
    match configured.as_deref() {
        Some(h) if h == host => Ok(()),
        None if host == docker::DEFAULT_HOST => Ok(()),
        Some(h) => Err(NatsError::new(
            format!("container backend: the Docker API chosen is {host}, but DOCKER_HOST is {h}, which testcontainers would use"),
            format!("set DOCKER_HOST={host} (or leave NatsOptions::docker_host unset)"),
        )),
        None => Err(NatsError::new(
            format!("container backend: the Docker API at {host} answered, but DOCKER_HOST is unset and testcontainers reads the engine only from there"),
            format!("export DOCKER_HOST={host}; a program using msgpact as a library calls msgpact::nats::pin_docker_host() before it starts any thread (msgpact verify does)"),
        )),
    }
}

/// A label value unique to one start: pid, time, counter.
fn new_session() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}-{nanos:x}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// `tcp://host:2375` -> `host` (IPv6 keeps its brackets): a remote engine publishes ports on its own address.
fn remote_host(docker_host: &str) -> String {
    let rest = docker_host.split("://").nth(1).unwrap_or(docker_host);
    let authority = rest.split('/').next().unwrap_or(rest);
    match authority.rsplit_once(':') {
        Some((h, _)) if !h.is_empty() => h.to_string(),
        _ => authority.to_string(),
    }
}

fn start_hint(error: &str) -> String {
    if error.contains("cgroup") || error.contains("setrlimit") || error.contains("crun") {
        "Podman needs /etc/containers/containers.conf with runtime \"runc\", cgroup_manager \"cgroupfs\" and \
         default_ulimits (docs/nats.md; bash ci/setup-nats.sh writes it), or use --nats binary"
            .to_string()
    } else if error.contains("pull") || error.contains("No such image") || error.contains("not found") {
        super::missing_image_hint()
    } else {
        "see the engine's log (e.g. `podman logs`), or use --nats binary".to_string()
    }
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// The cleanup step for the signal handler: remove the containers of `session` at `host`.
fn removal(host: &str, session: &str) -> signals::Entry {
    let (host, session) = (host.to_string(), session.to_string());
    let what = format!("the NATS container (label {session})");
    let task: signals::Task = Box::new(move || {
        Box::pin(async move {
            let removed = async {
                let docker = docker::client(&host, Duration::from_secs(10))?;
                docker::remove_session(&docker, &session).await
            };
            if let Err(e) = removed.await {
                eprintln!("msgpact: could not remove the NATS container (label {session}) at {host}: {e}");
            }
        })
    });
    signals::Entry::Task { what, task }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_host_takes_the_address_of_the_engine() {
        assert_eq!(remote_host("tcp://10.0.0.5:2375"), "10.0.0.5");
        assert_eq!(remote_host("tcp://docker:2376/"), "docker");
        assert_eq!(remote_host("tcp://[::1]:2375"), "[::1]");
    }
}
