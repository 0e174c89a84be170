//! The constants of the msgpact peer protocol (docs/peer-protocol.md), and the one-line rule for error texts.
//!
//! Why this module exists: subjects, headers, status words, environment variables and limits are named once
//! here, with the same names as in the Python (harness/python/msgpact_peer/protocol.py) and Go
//! (harness/go/peer/protocol.go) SDKs. msgpact's `src/peer/protocol.rs` holds the one table they all come
//! from, and its test (`tests/sdk/protocol_constants.rs`) fails when a copy here differs.

/// The `protocol` number of the `hello` handshake.
pub const PROTOCOL_VERSION: u32 = 1;
/// The NATS queue group every peer subscribes with, so that instances of one peer share the load.
pub const QUEUE_GROUP: &str = "msgpact";
/// Printed to standard error once the peer is subscribed.
pub const READY_LINE: &str = "msgpact-peer ready";

/// The handshake operation: the last token of `<prefix>.<peer>.hello`.
pub const OP_HELLO: &str = "hello";
/// The round-trip operation: the last token of `<prefix>.<peer>.roundtrip`.
pub const OP_ROUNDTRIP: &str = "roundtrip";

/// Request header: the fully qualified message type.
pub const HEADER_TYPE: &str = "Msgpact-Type";
/// Request and reply header: the case id, echoed in the reply.
pub const HEADER_CASE: &str = "Msgpact-Case";
/// Reply header: one of the `STATUS_*` words.
pub const HEADER_STATUS: &str = "Msgpact-Status";
/// Reply header (not for `ok`): one line of text from the library.
pub const HEADER_ERROR: &str = "Msgpact-Error";

/// The body is the re-encoded payload.
pub const STATUS_OK: &str = "ok";
/// The library refused the payload, or the decoded value broke a contract constraint.
pub const STATUS_DECODE_ERROR: &str = "decode-error";
/// Decoding worked; encoding the value back failed.
pub const STATUS_ENCODE_ERROR: &str = "encode-error";
/// The peer does not serve the `Msgpact-Type`.
pub const STATUS_UNKNOWN_TYPE: &str = "unknown-type";
/// Anything else: a panic, a missing header, an unknown operation, a reply over `max_payload`.
pub const STATUS_INTERNAL_ERROR: &str = "internal-error";

/// The most bytes a `Msgpact-Error` value holds.
pub const MAX_ERROR_BYTES: usize = 1000;

/// The NATS server to connect to.
pub const ENV_NATS_URL: &str = "MSGPACT_NATS_URL";
/// Optional: a NATS credentials file.
pub const ENV_NATS_CREDS: &str = "MSGPACT_NATS_CREDS";
/// This run's subject prefix.
pub const ENV_SUBJECT_PREFIX: &str = "MSGPACT_SUBJECT_PREFIX";
/// This peer's name in the run.
pub const ENV_PEER: &str = "MSGPACT_PEER";
/// Optional: the wire hash of the run's contracts, reported in `hello` when [`crate::Info`] gives none.
pub const ENV_CONTRACTS_HASH: &str = "MSGPACT_CONTRACTS_HASH";

/// The exit status of a peer whose `MSGPACT_*` environment (or registration) is missing or invalid.
pub const EXIT_CONFIG_ERROR: i32 = 2;
/// The exit status of a peer that cannot reach its NATS server at start.
pub const EXIT_NATS_UNREACHABLE: i32 = 1;
/// After SIGTERM or SIGINT a peer answers what it has received and exits within this many seconds.
pub const STOP_TIMEOUT_SECONDS: u64 = 5;

/// `text` as one line for the `Msgpact-Error` header: control characters (line breaks included) become
/// spaces, and a text over [`MAX_ERROR_BYTES`] is cut on a character boundary and ends with `…`.
pub fn one_line(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let s_trimmed = s.trim();
    if s_trimmed.len() != s.len() {
        s = s_trimmed.to_string();
    }
    if s.len() > MAX_ERROR_BYTES {
        let mut end = MAX_ERROR_BYTES - '…'.len_utf8();
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_one_short_line() {
        assert_eq!(one_line("a\nb"), "a b");
        assert_eq!(one_line("a\u{2028}b\u{85}c"), "a b c");
        let long = "é".repeat(800);
        let cut = one_line(&long);
        assert!(
            cut.len() <= MAX_ERROR_BYTES && cut.ends_with('…'),
            "{}",
            cut.len()
        );
        assert_eq!(
            one_line(&"x".repeat(MAX_ERROR_BYTES)).len(),
            MAX_ERROR_BYTES
        );
    }
}
