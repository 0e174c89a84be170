// The decode and encode functions of this repository's peer: one pair per message type msgpact.toml
// requires. Replace each with the service's own type and its own codec calls, as production does them
// (docs/own-peer.md lists the mistakes each library makes by default).
package main

import "errors"

@@functions@@
