"""The Python mutants of msgpact's mutation suite (docs/mutation-suite.md).

Peers written the way a team would write them with msgpack-python 1.x and its defaults (or with code copied
from the msgpack 0.x days), each with one of the interop bugs of ../shared/INTEROP.md. MSGPACT_MUTANT (set in
each mutant's peer.toml) picks the bug; everything else about the peer is right, so that the bug is the only
thing `msgpact verify` can find on the case the suite checks.

These are deliberately broken peers. Do not copy them: examples/own-peers/python is the right way.
"""

import dataclasses
import enum
import os
import sys
from dataclasses import dataclass
from typing import Optional

import msgpack
from msgpact_peer import Info, Peer


# ---- no-bin-type: `use_bin_type=False`, the msgpack < 1.0 default still found in copied code ----
# bytes go out in the old raw (str) family, and strings never use str8: 32..255 bytes take str16.

def no_bin_type(payload: bytes) -> dict:
    return msgpack.unpackb(payload)


def no_bin_type_encode(d: dict) -> bytes:
    return msgpack.packb(d, use_bin_type=False)


# ---- float-tokens: a count recomputed with true division is a float, written as `cb` ----

@dataclass
class TokenUsage:
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


def decode_usage(payload: bytes) -> TokenUsage:
    d = msgpack.unpackb(payload)
    return TokenUsage(d["prompt_tokens"], d["completion_tokens"], d["total_tokens"])


def encode_usage_float(u: TokenUsage) -> bytes:
    batches = 1
    total = (u.prompt_tokens + u.completion_tokens) * batches / batches  # `/` is true division: 1042.0
    return msgpack.packb({"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens, "total_tokens": total})


# ---- sorted-keys: keys sorted "for stable bytes" (a json.dumps(sort_keys=True) habit) ----

def encode_usage_sorted(u: TokenUsage) -> bytes:
    return msgpack.packb(dict(sorted(dataclasses.asdict(u).items())))


# ---- enum-index: the string enum FinishReason held as an IntEnum, which msgpack packs as its number ----

class FinishReason(enum.IntEnum):
    STOP = 0
    LENGTH = 1
    CONTENT_FILTER = 2
    ERROR = 3


def decode_chunk_int_enum(payload: bytes) -> dict:
    d = msgpack.unpackb(payload)
    if d.get("finish_reason") is not None:
        d["finish_reason"] = FinishReason[d["finish_reason"].upper()]
    return d


def encode_plain(d: dict) -> bytes:
    return msgpack.packb(d)


# ---- asdict-none: a dataclass with `Optional[...] = None`, packed with dataclasses.asdict ----
# an absent optional field goes out as `usage: None` (c0, key kept) where the contract omits the key.

@dataclass
class ResponseChunk:
    request_id: str
    index: int
    delta: str
    done: bool
    usage: Optional[TokenUsage] = None
    finish_reason: Optional[str] = None


def decode_chunk_dataclass(payload: bytes) -> ResponseChunk:
    d = msgpack.unpackb(payload)
    usage = TokenUsage(**d["usage"]) if d.get("usage") is not None else None
    return ResponseChunk(d["request_id"], d["index"], d["delta"], d["done"], usage, d.get("finish_reason"))


def encode_chunk_dataclass(c: ResponseChunk) -> bytes:
    return msgpack.packb(dataclasses.asdict(c))


# ---- isoformat: timestamps read as datetime (timestamp=3), written with default=isoformat ----
# packb refuses a datetime without datetime=True; the usual "fix" found online is a `default` hook.

def decode_datetimes(payload: bytes) -> dict:
    return msgpack.unpackb(payload, timestamp=3)  # ext -1 -> tz-aware datetime (nanoseconds cut to us)


def encode_isoformat(d: dict) -> bytes:
    return msgpack.packb(d, default=lambda o: o.isoformat())


# ---- datetime-us: the same datetimes written back with datetime=True: ext -1, but microseconds ----

def encode_datetime(d: dict) -> bytes:
    return msgpack.packb(d, datetime=True)


# ---- float64: every float written as `cb` (msgpack-python has one width for all floats) ----
# PipelineParams.temperature is a float32 (`ca`). (use_single_float=True would break the float64 top_p.)

def decode_params(payload: bytes) -> dict:
    return msgpack.unpackb(payload)


# ---- drop-none: "no nulls on the wire" -- None values dropped from the dict before packing ----
# `locale` is nullable, not optional: its key must be there (nil when unknown), and dropping it is the bug.

def decode_plain(payload: bytes) -> dict:
    return msgpack.unpackb(payload)


def encode_drop_none(d: dict) -> bytes:
    return msgpack.packb({k: v for k, v in d.items() if v is not None})


# ---- no-datetime-flag: timestamps read as datetime (timestamp=3), packed back without datetime=True ----
# packb raises TypeError ("can not serialize 'datetime.datetime' object") on every ChatRequest: one bug.

def encode_no_datetime_flag(d: dict) -> bytes:
    return msgpack.packb(d)


# ---- no-range: the counts read from the dict and written back, with no range check ----
# Python ints are unbounded: 4294967296 in a uint32 field is read, kept and packed back (as a uint64), and a
# key sent twice silently keeps its last value (unpackb builds a dict).

def encode_usage(u: TokenUsage) -> bytes:
    return msgpack.packb(dataclasses.asdict(u))


# ---- Fuzz-only mutants: no golden vector triggers them; `msgpact fuzz` finds them (docs/mutation-suite.md) ----

# ---- str-chars: a hand-written packer that picks the str format from the character count ----
# The length field holds the UTF-8 byte count, as it must; the format (fixstr, str8, str16) is chosen from
# len(s), the number of characters: the format-selection half of the str-length bugs of
# vsergeev/u-msgpack-python#8, arthurprs/msgpack-delphi#1 and dotnet/signalr-client-swift#112. Any string
# whose characters and bytes fall on different sides of a format boundary (32 to 124 bytes in fewer than
# 32 characters, say) gets a header that cannot hold its length. ASCII strings, and short non-ASCII ones
# (golden's edge.text.utf8 is 27 bytes), come out right.

def pack_str_by_chars(s: str) -> bytes:
    b = s.encode("utf-8")
    n = len(s)  # the bug: characters, where the format needs bytes
    if n <= 31:
        return bytes([(0xA0 + len(b)) & 0xFF]) + b
    if n <= 0xFF:
        return b"\xd9" + bytes([len(b) & 0xFF]) + b
    if n <= 0xFFFF:
        return b"\xda" + (len(b) & 0xFFFF).to_bytes(2, "big") + b
    return b"\xdb" + len(b).to_bytes(4, "big") + b


def pack_by_chars(o) -> bytes:
    if isinstance(o, str):
        return pack_str_by_chars(o)
    if isinstance(o, dict):
        n = len(o)
        head = bytes([0x80 | n]) if n <= 15 else b"\xde" + n.to_bytes(2, "big")
        return head + b"".join(pack_by_chars(k) + pack_by_chars(v) for k, v in o.items())
    return msgpack.packb(o)


def encode_by_chars(d: dict) -> bytes:
    return pack_by_chars(d)


# Both fuzz-only mutants read through the generated type first, which refuses what the contract forbids (the
# must-reject vectors): everything about them is right but their one bug, which only fuzzing reaches.

def decode_checked(payload: bytes) -> dict:
    from generated.chat import ChatTurn

    ChatTurn.from_msgpack(payload)
    d = msgpack.unpackb(payload)
    return {"role": d["role"], "text": d["text"]}


# ---- nul-cstring: the text passes through a C API as a char* (ctypes.c_char_p), which ends at NUL ----
# What tarantool/tarantool#5041 ('\0' truncates string) and capnproto/pycapnp#19 reported: a string with an
# embedded NUL comes back cut at the NUL. Golden strings have no NUL.

def decode_through_c(payload: bytes) -> dict:
    import ctypes

    d = decode_checked(payload)
    d["text"] = ctypes.c_char_p(d["text"].encode("utf-8")).value.decode("utf-8")
    return d


MUTANTS = {
    "no-bin-type": [("voice.AudioChunk", no_bin_type, no_bin_type_encode), ("chat.ChatTurn", no_bin_type, no_bin_type_encode)],
    "float-tokens": [("common.TokenUsage", decode_usage, encode_usage_float)],
    "sorted-keys": [("common.TokenUsage", decode_usage, encode_usage_sorted)],
    "enum-index": [("stream.ResponseChunk", decode_chunk_int_enum, encode_plain)],
    "asdict-none": [("stream.ResponseChunk", decode_chunk_dataclass, encode_chunk_dataclass)],
    "isoformat": [("chat.ChatRequest", decode_datetimes, encode_isoformat)],
    "datetime-us": [("chat.ChatRequest", decode_datetimes, encode_datetime)],
    "float64": [("pipeline.PipelineParams", decode_params, encode_plain)],
    "str-chars": [("chat.ChatTurn", decode_checked, encode_by_chars)],
    "nul-cstring": [("chat.ChatTurn", decode_through_c, encode_plain)],
    "no-range": [("common.TokenUsage", decode_usage, encode_usage)],
    "drop-none": [("chat.ChatRequest", decode_plain, encode_drop_none)],
    "no-datetime-flag": [("chat.ChatRequest", decode_datetimes, encode_no_datetime_flag)],
}


if __name__ == "__main__":
    mutant = os.environ.get("MSGPACT_MUTANT", "")
    if mutant not in MUTANTS:
        print(f"mutant_peer.py: MSGPACT_MUTANT={mutant!r} is not one of {', '.join(MUTANTS)}", file=sys.stderr)
        sys.exit(2)
    peer = Peer(Info(language="python", library="msgpack", contracts_hash=""))
    for type_name, decode, encode in MUTANTS[mutant]:
        peer.register(type_name, decode=decode, encode=encode)
    peer.run()
