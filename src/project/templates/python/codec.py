"""The decode and encode functions of this repository's peer: one pair per message type msgpact.toml requires.

Replace each with the service's own type and its own msgpack calls, as production does them (docs/own-peer.md
lists the mistakes msgpack-python makes by default). An exception in decode is reported as a decode error, in
encode as an encode error.
"""


@@functions@@
