//! What a peer is: its identity ([`Info`], reported in `hello`) and the table of message types it serves,
//! filled by [`Peer::register`], with the round-trip of one payload ([`Peer::roundtrip`]).
//!
//! Why this module exists: the decision of protocol section 4 (which status a payload gets) is made here,
//! without NATS, so that it can be tested on its own and so that a team can unit-test its own codecs.
use crate::protocol::{
    one_line, STATUS_DECODE_ERROR, STATUS_ENCODE_ERROR, STATUS_INTERNAL_ERROR, STATUS_OK,
    STATUS_UNKNOWN_TYPE,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the handshake says about this peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    /// Shown in reports, e.g. `rust`.
    pub language: String,
    /// The MessagePack library under its crate name, e.g. `rmp-serde`.
    pub library: String,
    /// Its version, as the binary was built with it.
    pub library_version: String,
    /// The wire hash of the contracts the types were generated from, or "" for hand-written types.
    pub contracts_hash: String,
}

impl Info {
    /// A Rust peer on rmp-serde, with the version this binary was built with (read from the `Cargo.lock`
    /// of the workspace being built, see build.rs).
    pub fn rmp_serde(contracts_hash: &str) -> Info {
        Info {
            language: "rust".into(),
            library: "rmp-serde".into(),
            library_version: env!("MSGPACT_RMP_SERDE_VERSION").into(),
            contracts_hash: contracts_hash.into(),
        }
    }
}

/// Why a payload could not be served: the status is `decode-error` or `encode-error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    Decode(String),
    Encode(String),
}

/// The result of one round-trip: a `Msgpact-Status` word, the reply body, and the `Msgpact-Error` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: &'static str,
    pub payload: Vec<u8>,
    pub error: String,
}

impl Outcome {
    fn failed(status: &'static str, error: &str) -> Outcome {
        Outcome {
            status,
            payload: Vec::new(),
            error: one_line(error),
        }
    }
}

type Roundtrip = Arc<dyn Fn(&[u8]) -> Result<Vec<u8>, Failure> + Send + Sync>;

/// A msgpact peer: register the message types you serve, then [`Peer::run`].
pub struct Peer {
    pub(crate) info: Info,
    types: BTreeMap<String, Roundtrip>,
}

impl Peer {
    pub fn new(info: Info) -> Peer {
        Peer {
            info,
            types: BTreeMap::new(),
        }
    }

    /// Serves `type_name` (`package.Message`) with a decode function and an encode function of your own
    /// type. An error from `decode` is a decode-error reply (also the way to report a value that breaks a
    /// contract constraint), an error from `encode` an encode-error reply, a panic in either an
    /// internal-error reply; the peer keeps serving in every case.
    ///
    /// Panics when `type_name` is not of the form `package.Message` or is registered twice: these are
    /// mistakes in the peer's source.
    pub fn register<T, E1: std::fmt::Display, E2: std::fmt::Display>(
        &mut self,
        type_name: &str,
        decode: impl Fn(&[u8]) -> Result<T, E1> + Send + Sync + 'static,
        encode: impl Fn(&T) -> Result<Vec<u8>, E2> + Send + Sync + 'static,
    ) {
        self.register_raw(type_name, move |bytes| {
            let v = decode(bytes).map_err(|e| Failure::Decode(e.to_string()))?;
            encode(&v).map_err(|e| Failure::Encode(e.to_string()))
        });
    }

    /// Serves `type_name` with a serde type: rmp-serde reads it, and writes it back with struct fields as a
    /// map (`to_vec_named`), as the canonical profile wants. Bytes still need `serde_bytes`, timestamps an
    /// ext -1 type; msgpact verify tells when they are missing.
    pub fn register_serde<T: serde::de::DeserializeOwned + serde::Serialize + 'static>(
        &mut self,
        type_name: &str,
    ) {
        self.register(
            type_name,
            |b: &[u8]| rmp_serde::from_slice::<T>(b),
            |v: &T| rmp_serde::to_vec_named(v),
        );
    }

    /// Serves `type_name` with one function from the payload to the re-encoded payload, for code that
    /// decodes and encodes in one step (the reference peer's generated round-trips).
    pub fn register_raw(
        &mut self,
        type_name: &str,
        roundtrip: impl Fn(&[u8]) -> Result<Vec<u8>, Failure> + Send + Sync + 'static,
    ) {
        if let Err(e) = check_type_name(type_name) {
            panic!("msgpact peer: {e}");
        }
        let fresh = self
            .types
            .insert(type_name.to_string(), Arc::new(roundtrip))
            .is_none();
        assert!(fresh, "msgpact peer: `{type_name}` is registered twice");
    }

    /// The registered message types, sorted (as the hello reply lists them).
    pub fn types(&self) -> Vec<&str> {
        self.types.keys().map(String::as_str).collect()
    }

    /// Decodes `payload` as `type_name` and encodes it back; every failure becomes a status, never a panic.
    pub fn roundtrip(&self, type_name: &str, payload: &[u8]) -> Outcome {
        let Some(roundtrip) = self.types.get(type_name) else {
            return Outcome::failed(
                STATUS_UNKNOWN_TYPE,
                &format!("this peer does not serve `{type_name}`"),
            );
        };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| roundtrip(payload))) {
            Ok(Ok(bytes)) => Outcome {
                status: STATUS_OK,
                payload: bytes,
                error: String::new(),
            },
            Ok(Err(Failure::Decode(e))) => Outcome::failed(STATUS_DECODE_ERROR, &e),
            Ok(Err(Failure::Encode(e))) => Outcome::failed(STATUS_ENCODE_ERROR, &e),
            Err(panic) => {
                let text = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                Outcome::failed(
                    STATUS_INTERNAL_ERROR,
                    &format!("panic in {type_name}: {text}"),
                )
            }
        }
    }
}

/// Insists on `package.Message`: a bare `ChatRequest` would only show up later as "not served".
fn check_type_name(name: &str) -> Result<(), String> {
    let ident = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match name.rsplit_once('.') {
        Some((package, message)) if package.split('.').all(ident) && ident(message) => Ok(()),
        _ => Err(format!(
            "`{name}` is not a fully qualified message type like `chat.ChatRequest`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_statuses() {
        let mut p = Peer::new(Info::rmp_serde(""));
        p.register_raw("t.Ok", |b| Ok(b.to_vec()));
        p.register_raw("t.Bad", |_| {
            Err(Failure::Decode("nope\nsecond line".into()))
        });
        p.register(
            "t.Enc",
            |b: &[u8]| Ok::<_, String>(b.len()),
            |_: &usize| Err::<Vec<u8>, _>("no"),
        );
        p.register_raw("t.Panic", |_| panic!("boom"));
        p.register_serde::<BTreeMap<String, u32>>("t.Map");
        assert_eq!(p.types(), ["t.Bad", "t.Enc", "t.Map", "t.Ok", "t.Panic"]);
        let ok = p.roundtrip("t.Ok", b"\x01");
        assert_eq!(
            (ok.status, ok.payload, ok.error),
            (STATUS_OK, b"\x01".to_vec(), String::new())
        );
        assert_eq!(
            p.roundtrip("t.Bad", b"\x01"),
            Outcome::failed(STATUS_DECODE_ERROR, "nope second line")
        );
        assert_eq!(p.roundtrip("t.Enc", b"\x01").status, STATUS_ENCODE_ERROR);
        let panicked = p.roundtrip("t.Panic", b"");
        assert_eq!(panicked.status, STATUS_INTERNAL_ERROR);
        assert!(panicked.error.contains("boom"), "{}", panicked.error);
        assert_eq!(p.roundtrip("t.None", b"\x01").status, STATUS_UNKNOWN_TYPE);
        let map = p.roundtrip("t.Map", b"\x81\xa1a\xcd\x00\x05");
        assert_eq!(
            map.payload, b"\x81\xa1a\x05",
            "re-encoded in the smallest form"
        );
    }

    #[test]
    fn type_names_must_be_qualified() {
        assert!(check_type_name("chat.ChatRequest").is_ok());
        assert!(check_type_name("a.b.C").is_ok());
        for bad in ["ChatRequest", "chat.", ".Chat", "a.B C", "a..B", ""] {
            assert!(check_type_name(bad).is_err(), "{bad}");
        }
        let mut p = Peer::new(Info::rmp_serde(""));
        p.register_raw("a.B", |b| Ok(b.to_vec()));
        let twice = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            p.register_raw("a.B", |b| Ok(b.to_vec()))
        }));
        assert!(twice.is_err());
    }
}
