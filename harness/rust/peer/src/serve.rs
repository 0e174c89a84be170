//! A peer's life (protocol sections 1 and 4): connect, subscribe with the queue group, say ready, answer
//! every request with its headers, and stop on SIGTERM/SIGINT or when the NATS connection ends.
//!
//! Why this module exists: everything that needs NATS or signals is here, apart from the decision of what a
//! payload's status is ([`Peer::roundtrip`], without NATS) and the handshake (`hello.rs`).
use crate::config::{redact_url, with_url_credentials, Config, Error};
use crate::peer::{Outcome, Peer};
use crate::protocol::{
    one_line, ENV_NATS_CREDS, ENV_NATS_URL, HEADER_CASE, HEADER_ERROR, HEADER_STATUS, HEADER_TYPE,
    OP_HELLO, OP_ROUNDTRIP, QUEUE_GROUP, READY_LINE, STATUS_INTERNAL_ERROR, STATUS_OK,
    STOP_TIMEOUT_SECONDS,
};
use async_nats::HeaderMap;
use futures::StreamExt;
use std::future::Future;
use std::time::Duration;

impl Peer {
    /// Reads the `MSGPACT_*` environment and serves until SIGTERM or SIGINT, or until the NATS connection
    /// ends; then returns, and `main` returns with status 0. A peer that cannot start does not return: it
    /// prints why and exits with status 2 ([`crate::EXIT_CONFIG_ERROR`]: a missing or invalid variable, no
    /// type registered) or 1 ([`crate::EXIT_NATS_UNREACHABLE`]: NATS cannot be reached).
    pub fn run(self) {
        let result = Config::from_env().and_then(|config| {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| {
                    Error::Nats(format!("msgpact peer: cannot start the async runtime: {e}"))
                })?;
            rt.block_on(async {
                let stop = stop_signal();
                self.serve(config, stop).await
            })
        });
        if let Err(e) = result {
            eprintln!("{e}");
            std::process::exit(e.exit_code());
        }
    }

    /// Connects as `config` says, prints the ready line and serves until `stop` completes (then returns
    /// `Ok`) or the connection ends for good (`Ok` too, as the protocol asks). Errors are for a peer that
    /// cannot start: a bad configuration, no type registered, NATS unreachable or refusing the subscription.
    pub async fn serve(self, config: Config, stop: impl Future<Output = ()>) -> Result<(), Error> {
        config.validate()?;
        if self.types().is_empty() {
            return Err(Error::Config(
                "msgpact peer: no message types registered: call peer.register(...) before run()"
                    .into(),
            ));
        }
        let shown = redact_url(&config.nats_url);
        let mut opts =
            async_nats::ConnectOptions::new().name(format!("msgpact-peer {}", config.name));
        if let Some(creds) = &config.nats_creds {
            opts = opts.credentials_file(creds).await.map_err(|e| {
                Error::Config(format!(
                    "msgpact peer: cannot read {ENV_NATS_CREDS} {creds}: {e}"
                ))
            })?;
        }
        let (opts, addrs) = with_url_credentials(opts, &config.nats_url)
            .map_err(|e| Error::Config(format!("msgpact peer: {ENV_NATS_URL} {shown}: {e}")))?;
        let client = opts.connect(addrs).await.map_err(|e| {
            Error::Nats(format!(
                "msgpact peer: cannot connect to NATS at {shown}: {e}"
            ))
        })?;
        let subject = config.subject();
        let mut sub = client
            .queue_subscribe(subject.clone(), QUEUE_GROUP.into())
            .await
            .map_err(|e| {
                Error::Nats(format!("msgpact peer: cannot subscribe to {subject}: {e}"))
            })?;
        client
            .flush()
            .await
            .map_err(|e| Error::Nats(format!("msgpact peer: cannot flush: {e}")))?;
        let hello = self.hello(&config.name, &config.contracts_hash);
        eprintln!("{READY_LINE}");
        tokio::pin!(stop);
        loop {
            let msg = tokio::select! {
                m = sub.next() => m,
                _ = &mut stop => break,
            };
            let Some(msg) = msg else {
                eprintln!("msgpact-peer: the NATS subscription ended; exiting");
                return Ok(());
            };
            let Some(reply) = msg.reply.clone() else {
                continue; // a request nobody waits for
            };
            let op = msg.subject.rsplit('.').next().unwrap_or("");
            let (headers, body) = match op {
                OP_HELLO => (HeaderMap::new(), hello.clone().into_bytes()),
                OP_ROUNDTRIP => self.answer(msg.headers.as_ref(), &msg.payload, client.server_info().max_payload),
                other => failure(
                    None,
                    STATUS_INTERNAL_ERROR,
                    &format!("unknown operation `{other}` (this peer serves {OP_HELLO} and {OP_ROUNDTRIP})"),
                ),
            };
            if let Err(e) = client
                .publish_with_headers(reply, headers, body.into())
                .await
            {
                eprintln!("msgpact-peer: cannot reply: {e}");
            }
        }
        eprintln!("msgpact-peer: stopping");
        let drained = tokio::time::timeout(Duration::from_secs(STOP_TIMEOUT_SECONDS), async {
            let _ = sub.unsubscribe().await;
            let _ = client.flush().await;
        });
        if drained.await.is_err() {
            eprintln!("msgpact-peer: stopping timed out after {STOP_TIMEOUT_SECONDS} s");
        }
        Ok(())
    }

    /// The reply to a round-trip request: its headers checked, the payload's [`Outcome`], the reply headers.
    fn answer(
        &self,
        headers: Option<&HeaderMap>,
        payload: &[u8],
        max_payload: usize,
    ) -> (HeaderMap, Vec<u8>) {
        let get = |name: &str| {
            headers
                .and_then(|m| m.get(name))
                .map(|v| v.as_str().to_string())
                .filter(|v| !v.is_empty())
        };
        let (case, type_name) = (get(HEADER_CASE), get(HEADER_TYPE));
        let Some(case) = case else {
            let missing = if type_name.is_some() {
                HEADER_CASE.to_string()
            } else {
                format!("{HEADER_CASE}, {HEADER_TYPE}")
            };
            return failure(
                None,
                STATUS_INTERNAL_ERROR,
                &format!("missing header {missing}"),
            );
        };
        let Some(type_name) = type_name else {
            return failure(
                Some(&case),
                STATUS_INTERNAL_ERROR,
                &format!("missing header {HEADER_TYPE}"),
            );
        };
        let Outcome {
            status,
            payload,
            error,
        } = self.roundtrip(&type_name, payload);
        if status != STATUS_OK {
            return failure(Some(&case), status, &error);
        }
        if payload.len() > max_payload {
            let text = format!(
                "the re-encoded payload of {} bytes exceeds the NATS server's max_payload of {max_payload} bytes",
                payload.len()
            );
            return failure(Some(&case), STATUS_INTERNAL_ERROR, &text);
        }
        let mut h = HeaderMap::new();
        h.insert(HEADER_CASE, case.as_str());
        h.insert(HEADER_STATUS, STATUS_OK);
        (h, payload)
    }
}

/// An error reply: `Msgpact-Case` (when known), `Msgpact-Status` and a one-line `Msgpact-Error`, no body.
fn failure(case: Option<&str>, status: &str, error: &str) -> (HeaderMap, Vec<u8>) {
    let mut h = HeaderMap::new();
    if let Some(c) = case {
        h.insert(HEADER_CASE, c);
    }
    h.insert(HEADER_STATUS, status);
    h.insert(HEADER_ERROR, one_line(error).as_str());
    (h, Vec::new())
}

/// Completes on SIGTERM or SIGINT. Both handlers are installed now, before the ready line, so that a signal
/// that comes early still stops the peer in order instead of killing it.
fn stop_signal() -> impl Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())
        .map_err(|e| eprintln!("msgpact-peer: cannot watch SIGTERM: {e}"))
        .ok();
    let mut int = signal(SignalKind::interrupt())
        .map_err(|e| eprintln!("msgpact-peer: cannot watch SIGINT: {e}"))
        .ok();
    async move {
        let term = async {
            match term.as_mut() {
                Some(s) => drop(s.recv().await),
                None => std::future::pending().await,
            }
        };
        let int = async {
            match int.as_mut() {
                Some(s) => drop(s.recv().await),
                None => std::future::pending().await,
            }
        };
        tokio::select! { _ = term => {}, _ = int => {} }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Failure, Info, STATUS_DECODE_ERROR, STATUS_UNKNOWN_TYPE};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, *v);
        }
        h
    }

    fn get(h: &HeaderMap, k: &str) -> Option<String> {
        h.get(k).map(|v| v.as_str().to_string())
    }

    #[test]
    fn replies_carry_the_case_status_and_one_error_line() {
        let mut p = Peer::new(Info::rmp_serde(""));
        p.register_raw("t.Ok", |b| Ok(b.to_vec()));
        p.register_raw("t.Bad", |_| Err(Failure::Decode("nope\nat $.x".into())));
        let (h, body) = p.answer(
            Some(&headers(&[(HEADER_TYPE, "t.Ok"), (HEADER_CASE, "c1")])),
            b"\x01",
            1024,
        );
        assert_eq!(
            (
                get(&h, HEADER_STATUS).as_deref(),
                get(&h, HEADER_CASE).as_deref()
            ),
            (Some(STATUS_OK), Some("c1"))
        );
        assert_eq!((body, get(&h, HEADER_ERROR)), (b"\x01".to_vec(), None));
        let (h, _) = p.answer(
            Some(&headers(&[(HEADER_TYPE, "t.Bad"), (HEADER_CASE, "c2")])),
            b"\x01",
            1024,
        );
        assert_eq!(get(&h, HEADER_STATUS).as_deref(), Some(STATUS_DECODE_ERROR));
        assert_eq!(get(&h, HEADER_ERROR).as_deref(), Some("nope at $.x"));
        let (h, _) = p.answer(
            Some(&headers(&[(HEADER_TYPE, "t.None"), (HEADER_CASE, "c3")])),
            b"",
            1024,
        );
        assert_eq!(get(&h, HEADER_STATUS).as_deref(), Some(STATUS_UNKNOWN_TYPE));
        let (h, _) = p.answer(
            Some(&headers(&[(HEADER_TYPE, "t.Ok"), (HEADER_CASE, "c4")])),
            &[0; 9],
            8,
        );
        assert_eq!(
            get(&h, HEADER_STATUS).as_deref(),
            Some(STATUS_INTERNAL_ERROR)
        );
        assert!(get(&h, HEADER_ERROR)
            .unwrap()
            .contains("max_payload of 8 bytes"));
        assert_eq!(get(&h, HEADER_CASE).as_deref(), Some("c4"));
    }

    #[test]
    fn missing_headers_are_internal_errors() {
        let mut p = Peer::new(Info::rmp_serde(""));
        p.register_raw("t.Ok", |b| Ok(b.to_vec()));
        let (h, _) = p.answer(None, b"\x01", 1024);
        assert_eq!(
            get(&h, HEADER_STATUS).as_deref(),
            Some(STATUS_INTERNAL_ERROR)
        );
        assert_eq!(
            get(&h, HEADER_ERROR).unwrap(),
            format!("missing header {HEADER_CASE}, {HEADER_TYPE}")
        );
        assert_eq!(get(&h, HEADER_CASE), None);
        let (h, _) = p.answer(
            Some(&headers(&[(HEADER_CASE, "c1"), (HEADER_TYPE, "")])),
            b"\x01",
            1024,
        );
        assert_eq!(
            get(&h, HEADER_ERROR).unwrap(),
            format!("missing header {HEADER_TYPE}")
        );
        assert_eq!(
            get(&h, HEADER_CASE).as_deref(),
            Some("c1"),
            "the case is echoed when the request has one"
        );
    }
}
