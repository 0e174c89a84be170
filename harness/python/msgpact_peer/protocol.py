"""The constants of the msgpact peer protocol (docs/peer-protocol.md), and the one-line rule for error texts.

Why this module exists: subjects, headers, status words, environment variables and limits are named once here,
with the same names as in the Rust (harness/rust/peer/src/protocol.rs) and Go (harness/go/peer/protocol.go) SDKs.
msgpact's src/peer/protocol.rs holds the one table they all come from, and its test (tests/sdk/protocol_constants.rs)
fails when a copy here differs.
"""

from __future__ import annotations

import re

PROTOCOL_VERSION = 1

# Subject operations: <prefix>.<peer>.<operation>
OP_HELLO = "hello"
OP_ROUNDTRIP = "roundtrip"

QUEUE_GROUP = "msgpact"
READY_LINE = "msgpact-peer ready"

# Headers
HEADER_TYPE = "Msgpact-Type"
HEADER_CASE = "Msgpact-Case"
HEADER_STATUS = "Msgpact-Status"
HEADER_ERROR = "Msgpact-Error"

# Values of Msgpact-Status
STATUS_OK = "ok"
STATUS_DECODE_ERROR = "decode-error"
STATUS_ENCODE_ERROR = "encode-error"
STATUS_UNKNOWN_TYPE = "unknown-type"
STATUS_INTERNAL_ERROR = "internal-error"

MAX_ERROR_BYTES = 1000

# Environment
ENV_NATS_URL = "MSGPACT_NATS_URL"
ENV_NATS_CREDS = "MSGPACT_NATS_CREDS"
ENV_SUBJECT_PREFIX = "MSGPACT_SUBJECT_PREFIX"
ENV_PEER = "MSGPACT_PEER"
# Optional: the wire hash of the run's contracts, reported in hello when the application's Info gives none.
ENV_CONTRACTS_HASH = "MSGPACT_CONTRACTS_HASH"

# Exit statuses of a peer that cannot start, and the time a stopping peer has to answer what it received
EXIT_CONFIG_ERROR = 2
EXIT_NATS_UNREACHABLE = 1
STOP_TIMEOUT_SECONDS = 5

# Peer names and prefix tokens are NATS subject tokens: [A-Za-z0-9_-]+ ; a prefix is one or more of them.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+")
PREFIX_RE = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")
# A fully qualified message type: package.Message (the package may itself be dotted).
TYPE_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")

# Control characters (C0, DEL, C1 and the Unicode line/paragraph separators) become spaces in an error line.
_ELLIPSIS = "…".encode("utf-8")
_CONTROL = {c: " " for c in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)) + [0x2028, 0x2029]}


def one_line(text: str, limit: int = MAX_ERROR_BYTES) -> str:
    """Return `text` as one line of at most `limit` UTF-8 bytes, for the Msgpact-Error header.

    Control characters (newlines included) become spaces, runs of spaces collapse, and an over-long line is
    cut at a character boundary and ends with "…".
    """
    line = " ".join(text.translate(_CONTROL).split())
    raw = line.encode("utf-8", "replace")
    if len(raw) <= limit:
        return line
    cut = raw[: max(limit - len(_ELLIPSIS), 0)].decode("utf-8", "ignore")
    return cut + "…"


def describe(exc: BaseException) -> str:
    """One error line naming the exception's class and its message, e.g. `ValueError: Unpack failed: ...`."""
    name = type(exc).__name__
    try:
        message = str(exc)
    except Exception:  # a broken __str__ must not turn an error reply into a crash
        message = ""
    return one_line(f"{name}: {message}" if message else name)
