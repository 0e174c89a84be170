"""msgpact_peer: the Python peer SDK of msgpact (docs/peer-protocol.md).

Why this package exists: a team verifies its OWN Python types against the msgpact contracts by serving them as
a peer; this package does the protocol (NATS, hello, roundtrip, statuses, signals) so that the team writes only
one `register(type, decode, encode)` per message type::

    from msgpact_peer import Peer

    peer = Peer(language="python", library="msgpack", contracts_hash="")
    peer.register("chat.ChatRequest", decode=..., encode=...)
    peer.run()
"""

from .config import ConfigError, PeerEnv
from .protocol import (
    HEADER_CASE,
    HEADER_ERROR,
    HEADER_STATUS,
    HEADER_TYPE,
    PROTOCOL_VERSION,
    QUEUE_GROUP,
    READY_LINE,
    STATUS_DECODE_ERROR,
    STATUS_ENCODE_ERROR,
    STATUS_INTERNAL_ERROR,
    STATUS_OK,
    STATUS_UNKNOWN_TYPE,
)
from .sdk import NatsUnreachable, Outcome, Peer

__all__ = [
    "Peer",
    "Outcome",
    "PeerEnv",
    "ConfigError",
    "NatsUnreachable",
    "PROTOCOL_VERSION",
    "QUEUE_GROUP",
    "READY_LINE",
    "HEADER_TYPE",
    "HEADER_CASE",
    "HEADER_STATUS",
    "HEADER_ERROR",
    "STATUS_OK",
    "STATUS_DECODE_ERROR",
    "STATUS_ENCODE_ERROR",
    "STATUS_UNKNOWN_TYPE",
    "STATUS_INTERNAL_ERROR",
]
