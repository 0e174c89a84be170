//! The MessagePack layer: the data model, the canonical (smallest-form) encoder and a liberal decoder.
//!
//! This layer knows nothing of contracts. The canonical profile of DESIGN.md is this encoder (smallest
//! forms) plus the shaping that [`crate::contract`] does when it turns a typed value into a [`Value`]
//! (key order, float width, sorted `map<K,V>` keys, timestamps as ext -1).
pub mod decode;
pub mod encode;
pub mod format;
pub mod timestamp;
mod value;

pub use decode::{decode, DecodeError, Token, TokenKind};
pub use encode::{encode, encode_into};
pub use format::Format;
pub use timestamp::Timestamp;
pub use value::Value;

/// A text form of wire data that cannot be read: hex, an RFC 3339 time, the data of a timestamp ext. Payloads
/// that cannot be decoded are [`DecodeError`]s, which also carry the byte and the diagnostic code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TextError(pub String);

impl From<&str> for TextError {
    fn from(s: &str) -> Self {
        TextError(s.to_string())
    }
}

impl From<String> for TextError {
    fn from(s: String) -> Self {
        TextError(s)
    }
}
