//! One verdict per exchange, and what a verdict means for the gate.
use crate::classes::{Class, Gate};
use serde::Serialize;
use std::time::Duration;

/// What happened to one payload sent to one peer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Verdict {
    /// The peer wrote the canonical bytes back.
    Identical,
    /// The peer read the value right but wrote other bytes.
    SameValue {
        detail: Detail,
    },
    /// The peer's bytes hold another value (or none the contract allows).
    DifferentValue {
        detail: Detail,
    },
    DecodeError {
        error: String,
    },
    EncodeError {
        error: String,
    },
    UnknownType {
        error: String,
    },
    InternalError {
        error: String,
    },
    /// A must-reject payload refused, as it must be.
    Refused {
        error: String,
    },
    /// A must-reject payload accepted: what the peer made of it, and what it wrote back.
    AcceptsInvalid {
        reject: crate::classes::RejectKind,
        /// Why the payload must be refused (the twin's `why:` line).
        why: String,
        /// What the peer decoded, as it wrote it back (the rendered value of `output`).
        decoded: String,
        /// What the peer wrote back (hex, shortened).
        output: String,
    },
    /// No answer within the exchange timeout.
    Timeout {
        seconds: f64,
    },
    /// The peer process died on this payload.
    Crash {
        exit: String,
        output: String,
    },
    /// An answer that does not follow the protocol (no status, another case).
    BadReply {
        reason: String,
    },
    /// The payload exceeds the server's max_payload.
    TooLarge {
        size: usize,
        max: usize,
    },
    /// The peer does not serve this message type (it said so in its handshake).
    NotServed,
    /// Not sent: the producer had no output, NATS went away, or the peer could not be kept running.
    NotRun {
        reason: String,
    },
}

/// Where and how the bytes differ, for people.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Detail {
    /// `$.usage.prompt_tokens`.
    pub path: String,
    /// Offset of the differing token in the peer's bytes.
    pub offset: Option<usize>,
    /// The canonical token (hex) and what it is.
    pub expected: String,
    /// The peer's token (hex) and what it is.
    pub actual: String,
    /// What kind of interop bug it is.
    pub class: Class,
    /// Why they differ.
    pub note: String,
    /// The other findings in the same payload, after this first one (a second bug is not hidden behind it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Also>,
    /// The peer's bytes are not well-formed MessagePack (a header that does not fit what follows): the
    /// finding is where the reading went wrong, and the hint says so instead of a class's usual remedy.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub malformed: bool,
}

/// Another finding in the payload of a [`Detail`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Also {
    pub path: String,
    pub class: Class,
    pub note: String,
}

/// What a verdict does to the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Skip,
    Warn,
    /// A failure the peer's expected-failure list accepts for now.
    Xfail,
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
            Verdict::Refused { .. } => "refused",
            Verdict::AcceptsInvalid { .. } => "accepts-invalid",
            Verdict::Timeout { .. } => "timeout",
            Verdict::Crash { .. } => "crash",
            Verdict::BadReply { .. } => "bad-reply",
            Verdict::TooLarge { .. } => "too-large",
            Verdict::NotServed => "not-served",
            Verdict::NotRun { .. } => "not-run",
        }
    }

    /// The outcome under a policy that says which classes only warn: identical bytes pass, a class the
    /// policy lets through warns, everything else fails.
    pub fn outcome(&self, class: Option<Class>, gate: impl Fn(Class) -> Gate) -> Outcome {
        match self {
            Verdict::Identical | Verdict::Refused { .. } => Outcome::Pass,
            Verdict::NotServed => Outcome::Skip,
            _ => match class.map(gate) {
                Some(Gate::Warn) => Outcome::Warn,
                Some(Gate::Allow) => Outcome::Pass,
                _ => Outcome::Fail,
            },
        }
    }

    pub fn detail(&self) -> Option<&Detail> {
        match self {
            Verdict::SameValue { detail } | Verdict::DifferentValue { detail } => Some(detail),
            _ => None,
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
            Verdict::Refused { error } => format!("refused as it must be: {error}"),
            Verdict::AcceptsInvalid { why, .. } => {
                format!("accepted a payload it must refuse ({why}) and answered ok")
            }
            Verdict::Timeout { seconds } => {
                format!("no answer within {seconds:.1} s (the peer hung on this payload and was restarted)")
            }
            Verdict::Crash { exit, .. } => format!("the peer crashed on this payload ({exit}) and was restarted"),
            Verdict::BadReply { reason } => format!("reply breaks the peer protocol: {reason}"),
            Verdict::TooLarge { size, max } => {
                format!("payload of {size} bytes exceeds the NATS server's max_payload of {max} bytes")
            }
            Verdict::NotServed => "not served by this peer".into(),
            Verdict::NotRun { reason } => format!("not run: {reason}"),
        }
    }
}

pub fn seconds(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}
