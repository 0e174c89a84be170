//! Golden vectors: the canonical bytes of every example and of edge cases derived from the types, each
//! with a readable twin, on disk under `golden/<package>/<Message>/<case>.{msgpack,snap}`.
//!
//! [`points`] holds the edge points of each scalar type, [`budget`] weighs the cases before they exist (the
//! bounds of docs/limits.md), [`cases`] derives them, [`reject`] derives the payloads every peer must refuse,
//! [`twin`] renders the readable twin (an insta snapshot, so `cargo test`
//! fails on an unreviewed change), and [`store`] writes and checks the files. [`saved`] adds the cases
//! `msgpact fuzz --save` kept, which are not derived from the contracts.
pub mod budget;
pub mod cases;
pub mod diff;
mod points;
pub mod reject;
pub mod saved;
pub mod store;
pub mod twin;

pub use cases::{Case, Origin};

/// Every case of every message, in contract order: per message its examples and edge cases, then its
/// must-reject cases.
pub fn generate(c: &crate::contract::Contracts) -> Vec<Case> {
    let per_message = |id| {
        let mut out = cases::for_message(c, id);
        out.extend(reject::for_message(c, id));
        out
    };
    c.message_ids().flat_map(per_message).collect()
}
