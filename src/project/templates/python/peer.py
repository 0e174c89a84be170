"""This repository's msgpact peer (written by `msgpact init`, docs/adopt.md).

It serves the message types msgpact.toml requires through the service's own types and msgpack calls, so that
`msgpact verify` checks them against the shared contracts. The decode and encode functions are in codec.py.
"""

import codec
from msgpact_peer import Info, Peer

if __name__ == "__main__":
    peer = Peer(Info(language="python", library="msgpack"))
@@registrations@@
    peer.run()  # reads MSGPACT_* from msgpact verify, serves until SIGTERM
