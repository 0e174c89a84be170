"""msgpact_peer: the Python peer SDK of msgpact (docs/peer-protocol.md).

Why this package exists: a team verifies its OWN Python types against the msgpact contracts by serving them as
a peer; this package does the protocol (NATS, hello, roundtrip, statuses, signals) so that the team writes only
one `register(type_name, decode, encode)` per message type::

    from msgpact_peer import Info, Peer

    peer = Peer(Info(language="python", library="msgpack", contracts_hash=""))  # "": hand-written types
    peer.register("chat.ChatRequest", decode=..., encode=...)
    peer.run()  # reads MSGPACT_* from the runner, serves until SIGTERM

The modules are the same in the Rust, Python and Go SDKs: `protocol` (the protocol's constants), `config`
(`Config`, the MSGPACT_* environment), `peer` (`Peer`, `Info`, `register`, `roundtrip`), `serve` (`run`,
`serve`) and `hello` (the handshake); `fastpath` is Python's own (a leaner nats-py reply path).
"""

from .config import Config, ConfigError
from .hello import NATS_LIBRARY
from .peer import Info, Outcome, Peer
from .protocol import (
    ENV_NATS_CREDS,
    ENV_NATS_URL,
    ENV_PEER,
    ENV_SUBJECT_PREFIX,
    EXIT_CONFIG_ERROR,
    EXIT_NATS_UNREACHABLE,
    HEADER_CASE,
    HEADER_ERROR,
    HEADER_STATUS,
    HEADER_TYPE,
    MAX_ERROR_BYTES,
    OP_HELLO,
    OP_ROUNDTRIP,
    PROTOCOL_VERSION,
    QUEUE_GROUP,
    READY_LINE,
    STATUS_DECODE_ERROR,
    STATUS_ENCODE_ERROR,
    STATUS_INTERNAL_ERROR,
    STATUS_OK,
    STATUS_UNKNOWN_TYPE,
    STOP_TIMEOUT_SECONDS,
    one_line,
)
from .serve import NatsUnreachable

__version__ = "0.1.0"

__all__ = [
    "Peer",
    "Info",
    "Outcome",
    "Config",
    "ConfigError",
    "NatsUnreachable",
    "NATS_LIBRARY",
    "one_line",
    "PROTOCOL_VERSION",
    "QUEUE_GROUP",
    "READY_LINE",
    "OP_HELLO",
    "OP_ROUNDTRIP",
    "HEADER_TYPE",
    "HEADER_CASE",
    "HEADER_STATUS",
    "HEADER_ERROR",
    "STATUS_OK",
    "STATUS_DECODE_ERROR",
    "STATUS_ENCODE_ERROR",
    "STATUS_UNKNOWN_TYPE",
    "STATUS_INTERNAL_ERROR",
    "MAX_ERROR_BYTES",
    "ENV_NATS_URL",
    "ENV_NATS_CREDS",
    "ENV_SUBJECT_PREFIX",
    "ENV_PEER",
    "EXIT_CONFIG_ERROR",
    "EXIT_NATS_UNREACHABLE",
    "STOP_TIMEOUT_SECONDS",
]
