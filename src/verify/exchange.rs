//! One request to a peer and what came back, before any judgement. A peer's header values (its error text
//! above all) are cleaned here, where they enter msgpact (docs/peer-protocol.md: at most 1,000 bytes).
use crate::limits::{clean_text, MAX_PEER_ERROR_BYTES};
use crate::peer::protocol::{Status, HEADER_CASE, HEADER_ERROR, HEADER_STATUS, HEADER_TYPE};
use async_nats::{HeaderMap, RequestErrorKind};
use bytes::Bytes;
use std::time::{Duration, Instant};

/// The transport-level result of one exchange.
#[derive(Debug)]
pub enum Raw {
    Reply {
        status: Option<String>,
        case: Option<String>,
        error: Option<String>,
        body: Bytes,
    },
    /// No answer within the timeout.
    Timeout,
    /// Nobody is subscribed: the peer is gone.
    NoResponders,
    /// The connection to NATS failed.
    Transport(String),
}

impl Raw {
    /// A result that says more about the peer's (or NATS's) health than about the payload.
    pub fn is_suspect(&self) -> bool {
        matches!(self, Raw::Timeout | Raw::NoResponders | Raw::Transport(_))
    }
}

/// Sends `payload` as message type `ty`, case `case`, and waits at most `timeout` for the reply.
pub async fn send(
    client: &async_nats::Client,
    subject: &str,
    ty: &str,
    case: &str,
    payload: Bytes,
    timeout: Duration,
) -> (Raw, Duration) {
    let start = Instant::now();
    let mut headers = HeaderMap::new();
    headers.insert(HEADER_TYPE, ty);
    headers.insert(HEADER_CASE, case);
    let request = client.request_with_headers(subject.to_string(), headers, payload);
    let raw = match tokio::time::timeout(timeout, request).await {
        Err(_) => Raw::Timeout,
        Ok(Err(e)) => match e.kind() {
            RequestErrorKind::NoResponders => Raw::NoResponders,
            RequestErrorKind::TimedOut => Raw::Timeout,
            _ => Raw::Transport(e.to_string()),
        },
        Ok(Ok(msg)) => {
            // Whatever a peer puts in its headers is cleaned here, before any verdict or reporter sees it:
            // control characters escaped (no terminal escapes), at most the protocol's 1,000 bytes.
            let get = |h: &str| {
                msg.headers.as_ref().and_then(|m| m.get(h)).map(|v| clean_text(v.as_str(), MAX_PEER_ERROR_BYTES))
            };
            Raw::Reply {
                status: get(HEADER_STATUS),
                case: get(HEADER_CASE),
                error: get(HEADER_ERROR),
                body: msg.payload,
            }
        }
    };
    (raw, start.elapsed())
}

/// The peer's own status, or why the reply breaks the protocol.
pub(super) fn status_of(status: Option<&str>, case: Option<&str>, expected_case: &str) -> Result<Status, String> {
    let Some(s) = status else { return Err("no Msgpact-Status header".into()) };
    let Some(st) = Status::parse(s) else { return Err(format!("unknown Msgpact-Status `{s}`")) };
    match case {
        Some(c) if c == expected_case => Ok(st),
        Some(c) => Err(format!("the reply is for case `{c}`, not `{expected_case}`")),
        None => Err("no Msgpact-Case header in the reply".into()),
    }
}
