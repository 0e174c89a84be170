//! The Rust reference peer: every message of the contracts, through the generated rmp-serde types, served
//! with the peer SDK (./peer, crate msgpact-peer).
mod generated;

use msgpact_peer::{Failure, Info, Peer};

fn main() {
    let mut peer = Peer::new(Info::rmp_serde(generated::CONTRACTS_HASH));
    for (name, roundtrip) in generated::TYPES {
        peer.register_raw(name, move |bytes| {
            roundtrip(bytes).map_err(|e| match e {
                generated::rt::Error::Decode(m) => Failure::Decode(m),
                generated::rt::Error::Encode(m) => Failure::Encode(m),
            })
        });
    }
    peer.run();
}
