//! The msgpact peer SDK for Rust: serve your own types as a peer of `msgpact verify`.
//!
//! A peer decodes each payload it is sent into a native type and encodes it back; this crate does the
//! rest of the msgpact peer protocol (environment, NATS subscription, handshake, headers, error replies,
//! signals), so that a peer is a short list of types:
//!
//! ```no_run
//! use msgpact_peer::{Info, Peer};
//! # fn decode(b: &[u8]) -> Result<u32, String> { Ok(b.len() as u32) }
//! # fn encode(v: &u32) -> Result<Vec<u8>, String> { Ok(vec![*v as u8]) }
//! let mut peer = Peer::new(Info::rmp_serde("")); // "": hand-written types
//! peer.register("chat.ChatRequest", decode, encode);
//! peer.run(); // reads MSGPACT_* from the runner, serves until SIGTERM
//! ```
//!
//! The files are the same in the Rust, Python and Go SDKs: `protocol` (the protocol's constants), `config`
//! (the `MSGPACT_*` environment), `peer` (`Peer`, `Info`, `register`, `roundtrip`), `serve` (`run`, `serve`)
//! and `hello` (the handshake). The protocol: <https://github.com/msgpact/msgpact/blob/main/docs/peer-protocol.md>.
mod config;
mod hello;
mod peer;
pub mod protocol;
mod serve;

pub use config::{redact_url, with_url_credentials, Config, Error};
pub use hello::{NATS_LIBRARY, NATS_LIBRARY_VERSION};
pub use peer::{Failure, Info, Outcome, Peer};
pub use protocol::*;
