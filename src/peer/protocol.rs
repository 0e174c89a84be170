//! The runner's side of docs/peer-protocol.md: subjects, headers, statuses and the handshake.
use super::error::PeerError;
use serde::{Deserialize, Serialize};

pub const PROTOCOL: u32 = 1;
pub const HEADER_TYPE: &str = "Msgpact-Type";
pub const HEADER_CASE: &str = "Msgpact-Case";
pub const HEADER_STATUS: &str = "Msgpact-Status";
pub const HEADER_ERROR: &str = "Msgpact-Error";
pub const READY_LINE: &str = "msgpact-peer ready";

pub fn hello_subject(prefix: &str, peer: &str) -> String {
    format!("{prefix}.{peer}.hello")
}

pub fn roundtrip_subject(prefix: &str, peer: &str) -> String {
    format!("{prefix}.{peer}.roundtrip")
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
            "ok" => Status::Ok,
            "decode-error" => Status::DecodeError,
            "encode-error" => Status::EncodeError,
            "unknown-type" => Status::UnknownType,
            "internal-error" => Status::InternalError,
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
}
