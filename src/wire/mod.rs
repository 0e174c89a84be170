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
