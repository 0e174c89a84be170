//! MessagePack itself: the vendored decode corpus and property tests of the encoder, the decoder and the annotator.
//!
//! One test binary per stage of the data's way (issue 13 step 5: fewer binaries link faster); each module
//! is one subject. Helpers shared by the modules live in tests/common only.
#[path = "../common/mod.rs"]
mod common;

mod corpus;
mod properties;
