//! The Rust mutants of msgpact's mutation suite (docs/mutation-suite.md, tests/verify/mutation_suite.rs): peers
//! written the way a team would write them with serde + rmp-serde and their DEFAULTS, each with one of the
//! interop bugs of INTEROP.md. `MSGPACT_MUTANT` (set in each mutant's `tests/mutants/peers/*/peer.toml`)
//! picks the bug; everything else about the peer is right, so that the bug is the only thing
//! `msgpact verify` can find on the case the suite checks.
//!
//! These are deliberately broken peers. Do not copy them: docs/own-peer.md shows the right way.
use msgpact_peer::{Info, Peer};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct TokenUsage {
    prompt_tokens: u32,
    completion_tokens: u32,
    total_tokens: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FinishReason {
    Stop,
    Length,
    ContentFilter,
    Error,
}

/// bin-as-str: the text fields as `String`, read with serde's defaults: rmp-serde hands serde a bin as
/// bytes, and `String` takes any bytes that are UTF-8, so a bin where the contract says str is accepted.
#[derive(Serialize, Deserialize)]
struct ChatTurn {
    role: String,
    text: String,
}

/// skip-none-to-vec: `skip_serializing_if` on the options, written with `rmp_serde::to_vec`: a positional
/// array with one item fewer per absent option (rmp-serde #86), decodable by nobody.
#[derive(Serialize, Deserialize)]
struct ResponseChunkSkipNone {
    request_id: String,
    index: u32,
    delta: String,
    done: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    usage: Option<TokenUsage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    finish_reason: Option<FinishReason>,
}

/// option-nil: `Option` without `skip_serializing_if`: an absent `usage` goes out as `usage: nil` (c0, key
/// kept), where the contract omits the key of an absent optional field.
#[derive(Serialize, Deserialize)]
struct ResponseChunkOptionNil {
    request_id: String,
    index: u32,
    delta: String,
    done: bool,
    #[serde(default)]
    usage: Option<TokenUsage>,
    finish_reason: Option<FinishReason>,
}

/// no-usage: the service's type predates `usage`. serde ignores unknown fields by default, so the usage of
/// the last chunk is read, dropped, and never written back.
#[derive(Serialize, Deserialize)]
struct ResponseChunkNoUsage {
    request_id: String,
    index: u32,
    delta: String,
    done: bool,
    finish_reason: Option<FinishReason>,
}

/// vec-u8: `Vec<u8>` without `serde_bytes`: serde sees a sequence of u8, so rmp-serde writes an array of ints
/// and refuses to read `bin` into it.
#[derive(Serialize, Deserialize)]
struct AudioChunkVecU8 {
    stream_id: String,
    seq: u32,
    sample_rate: u32,
    channels: u8,
    format: u8,
    audio: Vec<u8>,
    #[serde(rename = "final")]
    final_: bool,
}

/// enum-name: the int enum AudioFormat as a plain Rust enum: serde writes a unit variant as its NAME, and
/// rmp-serde reads an integer as the variant's INDEX (2, opus, becomes the third variant, mulaw).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum AudioFormat {
    Pcm16,
    Opus,
    Mulaw,
    Flac,
}

#[derive(Serialize, Deserialize)]
struct AudioChunkEnum {
    stream_id: String,
    seq: u32,
    sample_rate: u32,
    channels: u8,
    format: AudioFormat,
    #[serde(with = "serde_bytes")]
    audio: Vec<u8>,
    #[serde(rename = "final")]
    final_: bool,
}

fn main() {
    let mutant = std::env::var("MSGPACT_MUTANT").unwrap_or_default();
    let mut peer = Peer::new(Info::rmp_serde(""));
    match mutant.as_str() {
        // rmp_serde::to_vec: structs as positional arrays (DefaultConfig is not named).
        "to-vec" => peer.register(
            "common.TokenUsage",
            |b| rmp_serde::from_slice::<TokenUsage>(b),
            rmp_serde::to_vec,
        ),
        "skip-none-to-vec" => peer.register(
            "stream.ResponseChunk",
            |b| rmp_serde::from_slice::<ResponseChunkSkipNone>(b),
            rmp_serde::to_vec,
        ),
        "option-nil" => peer.register(
            "stream.ResponseChunk",
            |b| rmp_serde::from_slice::<ResponseChunkOptionNil>(b),
            rmp_serde::to_vec_named,
        ),
        "no-usage" => peer.register(
            "stream.ResponseChunk",
            |b| rmp_serde::from_slice::<ResponseChunkNoUsage>(b),
            rmp_serde::to_vec_named,
        ),
        "vec-u8" => peer.register(
            "voice.AudioChunk",
            |b| rmp_serde::from_slice::<AudioChunkVecU8>(b),
            rmp_serde::to_vec_named,
        ),
        "enum-name" => peer.register(
            "voice.AudioChunk",
            |b| rmp_serde::from_slice::<AudioChunkEnum>(b),
            rmp_serde::to_vec_named,
        ),
        "bin-as-str" => peer.register(
            "chat.ChatTurn",
            |b| rmp_serde::from_slice::<ChatTurn>(b),
            rmp_serde::to_vec_named,
        ),
        other => {
            eprintln!("msgpact-mutant-peer: MSGPACT_MUTANT=`{other}` is not one of to-vec, skip-none-to-vec, option-nil, no-usage, vec-u8, enum-name, bin-as-str");
            std::process::exit(2);
        }
    }
    peer.run();
}
