//! The url backend and client connections: an existing server, and how msgpact connects to any server.
//!
//! A team that runs NATS already (a shared CI server, a cluster across jobs) points msgpact at it with
//! `NATS_URL` or `--nats-url`; nothing is started or stopped then. Credentials come in the URL
//! (`nats://user:pass@host:4222`, `nats://token@host:4222`) or as a creds file. async-nats does not read
//! credentials from a URL, so this module does, for the check at start and for every later [`connect`].
//! URLs in messages have their credentials replaced by `***` ([`crate::redact`], where the password or
//! token is also registered so that it is hidden wherever else it shows up).
use std::path::Path;
use std::time::Duration;

use async_nats::{ConnectOptions, ServerAddr};

use super::{Backend, NatsError, NatsOptions, NatsServer, Running};
use crate::redact::percent_decode;

/// How long the check at start waits for the server at most (less if the startup timeout is shorter).
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// Checks that the server at `url` answers (CONNECT, PING/PONG with the credentials given) and returns it.
pub(crate) async fn start(url: &str, opts: &NatsOptions, reason: String) -> Result<NatsServer, NatsError> {
    let timeout = CHECK_TIMEOUT.min(opts.startup_timeout);
    let server = NatsServer {
        url: url.to_string(),
        backend: Backend::Url,
        reason,
        startup_time: Duration::ZERO,
        creds: opts.creds.clone(),
        running: Running::External,
    };
    let client = connect_within(&server, ConnectOptions::new(), timeout).await?;
    let flushed = tokio::time::timeout(timeout, client.flush()).await;
    if !matches!(flushed, Ok(Ok(()))) {
        return Err(NatsError::new(
            format!("url backend: the NATS server at {} accepted a connection but did not answer a PING", redact(url)),
            "check that the URL points at a NATS client port (usually 4222)",
        ));
    }
    Ok(server)
}

/// A client for `server`, with the credentials of its URL and creds file. Fails after about 5 s.
pub async fn connect(server: &NatsServer) -> Result<async_nats::Client, NatsError> {
    connect_with(server, ConnectOptions::new()).await
}

/// Like [`connect`], starting from `options` (name, timeouts, callbacks...); the server's credentials are
/// added to them.
pub async fn connect_with(server: &NatsServer, options: ConnectOptions) -> Result<async_nats::Client, NatsError> {
    connect_within(server, options, CHECK_TIMEOUT).await
}

async fn connect_within(
    server: &NatsServer,
    options: ConnectOptions,
    timeout: Duration,
) -> Result<async_nats::Client, NatsError> {
    let url = server.url();
    let shown = redact(url);
    let addrs = parse(url)?;
    let mut options = options.connection_timeout(timeout);
    if let Some(creds) = server.creds() {
        options = with_creds_file(options, creds).await?;
    } else if let Some(a) = addrs.iter().find(|a| a.has_user_pass()) {
        let user = percent_decode(a.username().unwrap_or_default());
        options = match a.password() {
            Some(pass) => options.user_and_password(user, percent_decode(pass)),
            None => options.token(user),
        };
    }
    let connected = tokio::time::timeout(timeout + Duration::from_millis(500), options.connect(addrs)).await;
    match connected {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(e)) => {
            use async_nats::ConnectErrorKind as K;
            let hint = match e.kind() {
                K::Authentication | K::AuthorizationViolation => {
                    "check the credentials: user:pass@ or token@ in the URL, or --nats-creds / NATS_CREDS FILE"
                }
                K::Tls => "check the TLS setup of the server and the URL scheme (tls://)",
                _ => {
                    "check that the server runs and is reachable, and the URL (NATS_URL / --nats-url); or \
                      unset NATS_URL so that msgpact starts its own server"
                }
            };
            Err(NatsError::new(format!("url backend: cannot connect to NATS at {shown}: {e}"), hint))
        }
        Err(_) => Err(NatsError::new(
            format!("url backend: no answer from NATS at {shown} within {timeout:?}"),
            "check that the server runs and is reachable (firewall, host, port), and the URL (NATS_URL / \
             --nats-url); or unset NATS_URL so that msgpact starts its own server",
        )),
    }
}

async fn with_creds_file(options: ConnectOptions, creds: &Path) -> Result<ConnectOptions, NatsError> {
    // `ConnectOptions::credentials_file` consumes the options; read the file first so an error keeps them.
    if let Err(e) = std::fs::metadata(creds) {
        return Err(NatsError::new(
            format!("url backend: cannot read the credentials file {}: {e}", creds.display()),
            "check --nats-creds / NATS_CREDS",
        ));
    }
    options.credentials_file(creds).await.map_err(|e| {
        NatsError::new(
            format!("url backend: {} is not a usable NATS credentials file: {e}", creds.display()),
            "it must hold a user JWT and an NKey seed, as `nsc generate creds` writes them",
        )
    })
}

/// `a,b,c` -> the server addresses (scheme `nats://` and port 4222 assumed when missing).
fn parse(url: &str) -> Result<Vec<ServerAddr>, NatsError> {
    let parts: Vec<&str> = url.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if parts.is_empty() {
        return Err(NatsError::new("url backend: the server URL is empty", "set NATS_URL to nats://HOST:PORT"));
    }
    parts
        .into_iter()
        .map(|p| {
            p.parse::<ServerAddr>().map_err(|e| {
                NatsError::new(
                    format!("url backend: `{}` is not a NATS server URL: {e}", redact(p)),
                    "use nats://[USER:PASS@|TOKEN@]HOST[:PORT], several separated by commas",
                )
            })
        })
        .collect()
}

/// Each URL of a comma-separated list with its user info (user, password, token) replaced by `***`.
pub(crate) fn redact(url: &str) -> String {
    crate::redact::url(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_credentials() {
        assert_eq!(redact("nats://u:p@h:4222"), "nats://***@h:4222");
        assert_eq!(redact("nats://tok@h:4222,nats://h2"), "nats://***@h:4222,nats://h2");
        assert_eq!(redact("h:4222"), "h:4222");
    }
}
