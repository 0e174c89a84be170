//! One verdict per exchange, and what a verdict means for the gate.
use serde::Serialize;
use std::time::Duration;

/// What happened to one payload sent to one peer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Verdict {
    /// The peer wrote the canonical bytes back.
    Identical,
    /// The peer read the value right but wrote other bytes.
    SameValue { detail: Detail },
    /// The peer's bytes hold another value (or none the contract allows).
    DifferentValue { detail: Detail },
    DecodeError { error: String },
    EncodeError { error: String },
    UnknownType { error: String },
    InternalError { error: String },
    /// No answer within the exchange timeout.
    Timeout { seconds: f64 },
    /// The peer process died on this payload.
    Crash { exit: String, output: String },
    /// An answer that does not follow the protocol (no status, another case).
    BadReply { reason: String },
    /// The payload exceeds the server's max_payload.
    TooLarge { size: usize, max: usize },
    /// The peer does not serve this message type (it said so in its handshake).
    NotServed,
    /// Not sent: the producer had no output, NATS went away, or the peer could not be kept running.
    NotRun { reason: String },
}

/// Where and how the bytes differ, for people.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Detail {
    /// `$.usage.prompt_tokens`.
    pub path: String,
    /// Offset of the differing token in the peer's bytes.
    pub offset: Option<usize>,
    /// The canonical token (hex) and what it is.
    pub expected: String,
    /// The peer's token (hex) and what it is.
    pub actual: String,
    /// Why they differ.
    pub note: String,
}

/// What a verdict does to the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Skip,
    Warn,
    Fail,
}

impl Verdict {
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Identical => "identical",
            Verdict::SameValue { .. } => "same-value",
            Verdict::DifferentValue { .. } => "different-value",
            Verdict::DecodeError { .. } => "decode-error",
            Verdict::EncodeError { .. } => "encode-error",
            Verdict::UnknownType { .. } => "unknown-type",
            Verdict::InternalError { .. } => "internal-error",
            Verdict::Timeout { .. } => "timeout",
            Verdict::Crash { .. } => "crash",
            Verdict::BadReply { .. } => "bad-reply",
            Verdict::TooLarge { .. } => "too-large",
            Verdict::NotServed => "not-served",
            Verdict::NotRun { .. } => "not-run",
        }
    }

    /// The default policy: only identical bytes pass; a map<K,V> written in another key order warns.
    pub fn outcome(&self) -> Outcome {
        match self {
            Verdict::Identical => Outcome::Pass,
            Verdict::NotServed => Outcome::Skip,
            Verdict::SameValue { detail } if detail.note.starts_with(MAP_ORDER_NOTE) => Outcome::Warn,
            _ => Outcome::Fail,
        }
    }

    /// One line for the failure list.
    pub fn summary(&self) -> String {
        match self {
            Verdict::Identical => "identical bytes".into(),
            Verdict::SameValue { detail } => format!("same value, other bytes at {}: {}", detail.path, detail.note),
            Verdict::DifferentValue { detail } => format!("different value at {}: {}", detail.path, detail.note),
            Verdict::DecodeError { error } => format!("decode error: {error}"),
            Verdict::EncodeError { error } => format!("encode error: {error}"),
            Verdict::UnknownType { error } => format!("unknown type: {error}"),
            Verdict::InternalError { error } => format!("internal error in the peer: {error}"),
            Verdict::Timeout { seconds } => format!("no answer within {seconds:.1} s (the peer hung on this payload and was restarted)"),
            Verdict::Crash { exit, .. } => format!("the peer crashed on this payload ({exit}) and was restarted"),
            Verdict::BadReply { reason } => format!("reply breaks the peer protocol: {reason}"),
            Verdict::TooLarge { size, max } => format!("payload of {size} bytes exceeds the NATS server's max_payload of {max} bytes"),
            Verdict::NotServed => "not served by this peer".into(),
            Verdict::NotRun { reason } => format!("not run: {reason}"),
        }
    }
}

/// The start of a [`Detail::note`] for keys of a `map<K,V>` in another order (a warning by default).
pub const MAP_ORDER_NOTE: &str = "map keys in another order";

pub fn seconds(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}
