//! This repository's msgpact peer (written by `msgpact init`, docs/adopt.md): it serves the message types
//! msgpact.toml requires through the service's own types and rmp-serde calls, so that `msgpact verify`
//! checks them against the shared contracts. The decode and encode functions are in codec.rs.
mod codec;

use msgpact_peer::{Info, Peer};

fn main() {
    let mut peer = Peer::new(Info::rmp_serde(""));
@@registrations@@
    peer.run(); // reads MSGPACT_* from msgpact verify, serves until SIGTERM
}
