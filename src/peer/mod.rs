//! Peers: the processes that decode and re-encode vectors with a language's usual library.
//!
//! A peer is a directory with a `peer.toml` ([`manifest`]); msgpact builds it once and caches the build
//! ([`build`]), starts it with the run's NATS URL and subject prefix and watches it ([`process`]), and
//! speaks docs/peer-protocol.md with it ([`protocol`]). Nothing here knows any particular language. Every
//! error is a [`PeerError`].
pub mod build;
mod error;
pub mod expected;
pub mod manifest;
pub mod process;
pub mod protocol;

pub use error::{BuildError, ManifestError, PeerError};
pub use manifest::Manifest;
pub use protocol::Hello;
