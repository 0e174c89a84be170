//! The decode and encode functions of this repository's peer: one pair per message type msgpact.toml
//! requires. Replace each with the service's own type and its own rmp-serde calls, as production does them
//! (`rmp_serde::to_vec_named`, not `to_vec`: docs/own-peer.md lists the mistakes rmp-serde makes by default).

@@functions@@
