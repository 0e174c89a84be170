//! The runner's side of docs/peer-protocol.md: subjects, headers, statuses and the handshake, and the one table
//! of the protocol's constants ([`CONSTANTS`]).
//!
//! That table is the one source of every name and number the peers and the runner must agree on. The Rust,
//! Python and Go peer SDKs (harness/rust/peer/src/protocol.rs, harness/python/msgpact_peer/protocol.py,
//! harness/go/peer/protocol.go) each keep a copy, because each is a package of its own that cannot read this
//! file; tests/sdk/protocol_constants.rs fails when a copy, or the table of docs/peer-protocol.md section 7, differs
//! from this one, and prints what to write.
use super::error::PeerError;
use serde::{Deserialize, Serialize};

/// The `protocol` number of the `hello` handshake; a peer with another is refused.
pub const PROTOCOL_VERSION: u32 = 1;
/// The NATS queue group every peer subscribes with, so that instances of one peer share the load.
pub const QUEUE_GROUP: &str = "msgpact";
/// A peer prints this line to standard error once it is subscribed.
pub const READY_LINE: &str = "msgpact-peer ready";
/// The handshake operation, the last token of `<prefix>.<peer>.hello`.
pub const OP_HELLO: &str = "hello";
/// The round-trip operation, the last token of `<prefix>.<peer>.roundtrip`.
pub const OP_ROUNDTRIP: &str = "roundtrip";
pub const HEADER_TYPE: &str = "Msgpact-Type";
pub const HEADER_CASE: &str = "Msgpact-Case";
pub const HEADER_STATUS: &str = "Msgpact-Status";
pub const HEADER_ERROR: &str = "Msgpact-Error";
pub const STATUS_OK: &str = "ok";
pub const STATUS_DECODE_ERROR: &str = "decode-error";
pub const STATUS_ENCODE_ERROR: &str = "encode-error";
pub const STATUS_UNKNOWN_TYPE: &str = "unknown-type";
pub const STATUS_INTERNAL_ERROR: &str = "internal-error";
/// The most bytes of a `Msgpact-Error` value (the bound of docs/limits.md).
pub const MAX_ERROR_BYTES: usize = crate::limits::MAX_PEER_ERROR_BYTES;
pub const ENV_NATS_URL: &str = "MSGPACT_NATS_URL";
pub const ENV_NATS_CREDS: &str = "MSGPACT_NATS_CREDS";
pub const ENV_SUBJECT_PREFIX: &str = "MSGPACT_SUBJECT_PREFIX";
pub const ENV_PEER: &str = "MSGPACT_PEER";
/// The wire hash of the run's contracts (for pinned contracts, msgpact.lock's): what a peer of hand-written
/// types reports as its hello's `contracts_hash`, its application giving none.
pub const ENV_CONTRACTS_HASH: &str = "MSGPACT_CONTRACTS_HASH";
/// The exit status of a peer whose `MSGPACT_*` environment (or registration) is missing or invalid.
pub const EXIT_CONFIG_ERROR: i32 = 2;
/// The exit status of a peer that cannot reach its NATS server at start.
pub const EXIT_NATS_UNREACHABLE: i32 = 1;
/// After SIGTERM or SIGINT a peer answers what it has received and exits within this many seconds.
pub const STOP_TIMEOUT_SECONDS: u64 = 5;

/// The value of a protocol constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Str(&'static str),
}

/// One constant of the protocol, by the name the Rust and Python SDKs give it (`HEADER_TYPE`; Go writes it
/// `HeaderType`), with its value and what it is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Constant {
    pub name: &'static str,
    pub value: Value,
    pub meaning: &'static str,
}

const fn int(name: &'static str, value: i64, meaning: &'static str) -> Constant {
    Constant { name, value: Value::Int(value), meaning }
}

const fn text(name: &'static str, value: &'static str, meaning: &'static str) -> Constant {
    Constant { name, value: Value::Str(value), meaning }
}

/// Every constant of the protocol, in the order of docs/peer-protocol.md section 7.
pub const CONSTANTS: &[Constant] = &[
    int("PROTOCOL_VERSION", PROTOCOL_VERSION as i64, "the `protocol` number of the `hello` handshake"),
    text("QUEUE_GROUP", QUEUE_GROUP, "the NATS queue group every peer subscribes with"),
    text("READY_LINE", READY_LINE, "printed to standard error once the peer is subscribed"),
    text("OP_HELLO", OP_HELLO, "subject `<prefix>.<peer>.hello`: the handshake"),
    text("OP_ROUNDTRIP", OP_ROUNDTRIP, "subject `<prefix>.<peer>.roundtrip`: one payload"),
    text("HEADER_TYPE", HEADER_TYPE, "request: the fully qualified message type"),
    text("HEADER_CASE", HEADER_CASE, "request and reply: the case id, echoed"),
    text("HEADER_STATUS", HEADER_STATUS, "reply: one of the `STATUS_*` words"),
    text("HEADER_ERROR", HEADER_ERROR, "reply, not for `ok`: one line of text from the library"),
    text("STATUS_OK", STATUS_OK, "the body is the re-encoded payload"),
    text("STATUS_DECODE_ERROR", STATUS_DECODE_ERROR, "the library refused the payload, or a constraint broke"),
    text("STATUS_ENCODE_ERROR", STATUS_ENCODE_ERROR, "decoding worked, encoding the value back failed"),
    text("STATUS_UNKNOWN_TYPE", STATUS_UNKNOWN_TYPE, "the peer does not serve `Msgpact-Type`"),
    text("STATUS_INTERNAL_ERROR", STATUS_INTERNAL_ERROR, "anything else: a panic, a missing header, ..."),
    int("MAX_ERROR_BYTES", MAX_ERROR_BYTES as i64, "the most bytes of a `Msgpact-Error` value"),
    text("ENV_NATS_URL", ENV_NATS_URL, "the NATS server to connect to"),
    text("ENV_NATS_CREDS", ENV_NATS_CREDS, "optional: a NATS credentials file"),
    text("ENV_SUBJECT_PREFIX", ENV_SUBJECT_PREFIX, "this run's subject prefix"),
    text("ENV_PEER", ENV_PEER, "this peer's name in the run"),
    text("ENV_CONTRACTS_HASH", ENV_CONTRACTS_HASH, "optional: the wire hash of the run's contracts"),
    int("EXIT_CONFIG_ERROR", EXIT_CONFIG_ERROR as i64, "exit status: `MSGPACT_*` missing or invalid, no type"),
    int("EXIT_NATS_UNREACHABLE", EXIT_NATS_UNREACHABLE as i64, "exit status: NATS cannot be reached at start"),
    int("STOP_TIMEOUT_SECONDS", STOP_TIMEOUT_SECONDS as i64, "after SIGTERM/SIGINT, exit 0 within this time"),
];

/// The keys of the `hello` reply, in the order of docs/peer-protocol.md section 3.
pub const HELLO_FIELDS: [&str; 9] = [
    "protocol",
    "name",
    "language",
    "library",
    "library_version",
    "nats_library",
    "nats_library_version",
    "contracts_hash",
    "types",
];

/// The name Go gives a constant: `HEADER_TYPE` -> `HeaderType`, initialisms in capitals (`ENV_NATS_URL` ->
/// `EnvNATSURL`, `STATUS_OK` -> `StatusOK`).
pub fn go_name(name: &str) -> String {
    name.split('_')
        .map(|word| match word {
            "NATS" | "URL" | "OK" => word.to_string(),
            _ => word[..1].to_string() + &word[1..].to_lowercase(),
        })
        .collect()
}

pub fn hello_subject(prefix: &str, peer: &str) -> String {
    format!("{prefix}.{peer}.{OP_HELLO}")
}

pub fn roundtrip_subject(prefix: &str, peer: &str) -> String {
    format!("{prefix}.{peer}.{OP_ROUNDTRIP}")
}

/// What a peer says about itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    pub name: String,
    pub language: String,
    pub library: String,
    pub library_version: String,
    #[serde(default)]
    pub nats_library: String,
    #[serde(default)]
    pub nats_library_version: String,
    #[serde(default)]
    pub contracts_hash: String,
    pub types: Vec<String>,
}

impl Hello {
    /// Parses the reply, its texts cleaned for showing (control characters escaped, each at most 1,000 bytes).
    pub fn parse(body: &[u8]) -> Result<Hello, PeerError> {
        let mut h: Hello = serde_json::from_slice(body).map_err(|e| {
            PeerError::Protocol(format!("the hello reply is not the JSON of docs/peer-protocol.md section 3: {e}"))
        })?;
        let clean = |s: &mut String| *s = crate::limits::clean_text(s, crate::limits::MAX_PEER_ERROR_BYTES);
        for s in [
            &mut h.name,
            &mut h.language,
            &mut h.library,
            &mut h.library_version,
            &mut h.nats_library,
            &mut h.nats_library_version,
            &mut h.contracts_hash,
        ] {
            clean(s);
        }
        h.types.iter_mut().for_each(clean);
        Ok(h)
    }

    /// `rmp-serde 1.3.1`.
    pub fn library_line(&self) -> String {
        format!("{} {}", self.library, self.library_version)
    }
}

/// The status a peer puts in `Msgpact-Status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    DecodeError,
    EncodeError,
    UnknownType,
    InternalError,
}

impl Status {
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            STATUS_OK => Status::Ok,
            STATUS_DECODE_ERROR => Status::DecodeError,
            STATUS_ENCODE_ERROR => Status::EncodeError,
            STATUS_UNKNOWN_TYPE => Status::UnknownType,
            STATUS_INTERNAL_ERROR => Status::InternalError,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_parses_and_rejects_other_shapes() {
        let h = Hello::parse(
            br#"{"protocol":1,"name":"go","language":"go","library":"m","library_version":"v5","types":["a.B"]}"#,
        )
        .unwrap();
        assert_eq!(h.types, vec!["a.B"]);
        assert_eq!(h.contracts_hash, "");
        assert!(Hello::parse(b"not json").unwrap_err().to_string().contains("section 3"));
    }

    #[test]
    fn go_names_follow_go_initialisms() {
        assert_eq!(go_name("HEADER_TYPE"), "HeaderType");
        assert_eq!(go_name("ENV_NATS_URL"), "EnvNATSURL");
        assert_eq!(go_name("STATUS_OK"), "StatusOK");
        assert_eq!(go_name("EXIT_NATS_UNREACHABLE"), "ExitNATSUnreachable");
        assert_eq!(go_name("PROTOCOL_VERSION"), "ProtocolVersion");
    }

    #[test]
    fn the_statuses_of_the_table_are_the_ones_parsed() {
        let statuses: Vec<&str> = CONSTANTS
            .iter()
            .filter(|c| c.name.starts_with("STATUS_"))
            .map(|c| match c.value {
                Value::Str(s) => s,
                Value::Int(_) => panic!("{} is a number", c.name),
            })
            .collect();
        assert_eq!(statuses.len(), 5);
        assert!(statuses.iter().all(|s| Status::parse(s).is_some()), "{statuses:?}");
        assert_eq!(Status::parse("banana"), None);
    }

    #[test]
    fn the_hello_struct_has_the_fields_of_the_table() {
        let h =
            Hello::parse(br#"{"protocol":1,"name":"n","language":"l","library":"m","library_version":"v","types":[]}"#)
                .unwrap();
        let keys: Vec<String> = serde_json::to_value(&h).unwrap().as_object().unwrap().keys().cloned().collect();
        let mut want: Vec<String> = HELLO_FIELDS.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(keys, want);
    }
}
