//! msgpact: executable MessagePack contracts between Rust, Python and Go services.
//!
//! The modules follow the data's way from contract to verdict, and imports only point backwards:
//!
//! 1. [`source`], [`yaml`], [`diag`]: files, their YAML with positions, and the errors people read;
//!    [`limits`], [`redact`], [`signals`]: the bounds on every input, the secrets no output shows, and the
//!    cleanup of everything started, on any signal.
//! 2. [`contract`]: the contract model, loaded and validated from `contracts/*.yaml`.
//! 3. [`wire`]: the MessagePack data model, the canonical encoder and a liberal decoder.
//! 4. [`annotate`]: a token-by-token reading of any payload against a message type.
//! 5. [`golden`]: golden vectors generated from the contracts, with readable twins, written and checked.
//! 6. [`codegen`]: Rust, Python and Go types generated from the contracts.
//! 7. [`project`]: a service repository's msgpact.toml, its pinned contracts (msgpact.lock, the cache) and
//!    `msgpact init`'s scaffold.
//! 8. [`cli`]: the `msgpact` commands.
//!
//! [`progress`] (long steps reporting that they are alive) and [`fsx`] (atomic writes) serve every layer.
pub mod annotate;
pub mod breaking;
pub mod classes;
pub mod cli;
pub mod codegen;
pub mod contract;
pub mod diag;
pub mod fsx;
pub mod golden;
pub mod limits;
pub mod nats;
pub mod peer;
pub mod progress;
pub mod project;
pub mod redact;
pub mod report;
pub mod signals;
pub mod source;
pub mod verify;
pub mod wire;
pub mod yaml;
