"""A team's own Python peer: its hand-written application types, served to `msgpact verify`.

Nothing here comes from `msgpact codegen`: these are the classes and the msgpack-python calls the service
itself uses, and that is the point. Run it with `msgpact verify --harness examples/own-peers` (docs/own-peer.md).
"""

import enum
import os
from dataclasses import dataclass

import msgpack
from msgpact_peer import Info, Peer

# For tests/verify/own_peers.rs only: OWN_PEER_BUG=float-tokens makes the encoder write completion_tokens as a float
# (`cb`), a slip msgpact must report at `$.completion_tokens`. Leave it out of a real peer.
FLOAT_TOKENS_BUG = os.environ.get("OWN_PEER_BUG") == "float-tokens"


# ---- the application's own types (in a real service: imported from its package) ----

class Role(enum.Enum):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"


@dataclass
class TokenUsage:
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


@dataclass
class ChatTurn:
    role: Role
    text: str


def uint32(value):
    """Refuse what the contract's uint32 does not hold (msgpack-python would give a float or a big int)."""
    if type(value) is not int or not 0 <= value <= 0xFFFF_FFFF:
        raise ValueError(f"{value!r} is not a uint32")
    return value


# ---- the peer: decode and encode the way the service does ----

def decode_usage(b: bytes) -> TokenUsage:
    d = msgpack.unpackb(b)  # raw=False: str is str, bin is bytes
    return TokenUsage(uint32(d["prompt_tokens"]), uint32(d["completion_tokens"]), uint32(d["total_tokens"]))


def encode_usage(u: TokenUsage) -> bytes:
    completion = float(u.completion_tokens) if FLOAT_TOKENS_BUG else u.completion_tokens
    # a dict keeps insertion order: the keys go out in the contract's declared order
    return msgpack.packb({"prompt_tokens": u.prompt_tokens, "completion_tokens": completion,
                          "total_tokens": u.total_tokens}, use_bin_type=True)


def decode_turn(b: bytes) -> ChatTurn:
    d = msgpack.unpackb(b)
    if type(d["text"]) is not str:
        raise ValueError(f"text: {d['text']!r} is not a str")
    return ChatTurn(Role(d["role"]), d["text"])  # Role("admin") raises: an unknown role is a decode error


def encode_turn(t: ChatTurn) -> bytes:
    return msgpack.packb({"role": t.role.value, "text": t.text}, use_bin_type=True)  # the enum's name as str


if __name__ == "__main__":
    peer = Peer(Info(language="python", library="msgpack", contracts_hash=""))  # "": hand-written types
    peer.register("common.TokenUsage", decode=decode_usage, encode=encode_usage)
    peer.register("chat.ChatTurn", decode=decode_turn, encode=encode_turn)
    peer.run()  # reads MSGPACT_* from the runner, serves until SIGTERM
