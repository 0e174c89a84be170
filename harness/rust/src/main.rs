//! The Rust reference peer: every message of the contracts, through the generated rmp-serde types.
mod generated;

fn main() {
    let mut peer =
        msgpact_peer::Peer::new(msgpact_peer::Info::rmp_serde(generated::CONTRACTS_HASH));
    for (name, roundtrip) in generated::TYPES {
        peer.handle(name, move |bytes| {
            roundtrip(bytes).map_err(|e| match e {
                generated::rt::Error::Decode(m) => msgpact_peer::Failure::Decode(m),
                generated::rt::Error::Encode(m) => msgpact_peer::Failure::Encode(m),
            })
        });
    }
    std::process::exit(peer.run());
}
