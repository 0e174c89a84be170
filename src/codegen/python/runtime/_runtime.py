"""The runtime of the code `msgpact codegen --lang python` generates: strict decoding, canonical encoding.

The generated modules declare one dataclass per message and one enum class per enum, and describe each
message's fields with `define_message`; this module turns the descriptions into decoders and encoders on
msgpack-python (`msgpack.unpackb` and `msgpack.Packer`). It does not depend on any contract. Its parts:
`_base` (constants, `ABSENT`, the errors), `_codecs` (one codec per contract type, and the message type)
and this module, the API that the generated modules and their users call; import from this one.

Absent and None
---------------
- A required field that is not nullable always holds a value.
- nullable (the value may be nil): None is nil (`c0`).
- optional (the key may be absent) and not nullable: None means absent; the key is not written.
- optional and nullable: `ABSENT` means absent and None is nil. `ABSENT` is falsy; test it with `is ABSENT`.
Decoding gives the same representation: an absent optional field decodes to None, or to `ABSENT` when the
field is also nullable. A `default` written in the contract is only the constructor's default.

Encoding (`encode`, `Message.to_msgpack`) writes the canonical bytes of the golden vectors: a message as a
map with its fields in declared order (or a positional array for `shape: array`, ending early when trailing
optional fields are absent), integers in their smallest form, float32 as `ca` and float64 as `cb`, str and
bin kept apart, `map<K, V>` entries sorted by their encoded keys, timestamps as ext -1 in the smallest of
the 32/64/96-bit forms, enums as their name or number. Values are checked as in decoding first.

Decoding (`decode`, `Message.from_msgpack`) is strict about the values (msgpack types, integer ranges, str
versus bin, required fields, nil, enum values, the contract's constraints) and liberal about their encoding:
any valid MessagePack form of a value is accepted (a 5 written as a uint64, map keys in any order, a float32
where float64 is declared; an integer where a float is declared, when the float type holds it exactly; a
float64 where float32 is declared, when float32 holds it exactly). Fields the contract does not know are
ignored (newer writers may add optional fields); a key sent twice is an error.

Both raise `ContractError` (a `ValueError`; `DecodeError` or `EncodeError`) whose message starts with the
path of the field: `$.usage.prompt_tokens: 300 is out of range for uint32`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Type, TypeVar, Union

import msgpack

from ._base import (
    ABSENT,
    ARRAY,
    Absent,
    ContractError,
    DecodeError,
    EncodeError,
    INF,
    MAP,
    NAN,
    Timestamp,
    _Invalid,
    _unpackb,
)
from ._codecs import (
    _Bool,
    _Bytes,
    _Enum,
    _Field,
    _Float,
    _Int,
    _List,
    _Map,
    _MessageType,
    _Ref,
    _Str,
    _Timestamp,
)

__all__ = [
    "ABSENT",
    "ARRAY",
    "Absent",
    "ContractError",
    "DecodeError",
    "EncodeError",
    "INF",
    "MAP",
    "Message",
    "NAN",
    "Timestamp",
    "decode",
    "encode",
]

_M = TypeVar("_M", bound="Message")

_MESSAGES: Dict[str, _MessageType] = {}
_ENUMS: Dict[str, _Enum] = {}
_BY_CLASS: Dict[type, _MessageType] = {}


# The type constructors the generated modules use.


def boolean() -> _Bool:
    return _Bool()


def integer(name: str, *, min: Optional[int] = None, max: Optional[int] = None) -> _Int:
    return _Int(name, min, max)


def float32(*, min: Optional[float] = None, max: Optional[float] = None, allow_nan: bool = False,
            allow_infinity: bool = False) -> _Float:
    return _Float("float32", min, max, allow_nan, allow_infinity)


def float64(*, min: Optional[float] = None, max: Optional[float] = None, allow_nan: bool = False,
            allow_infinity: bool = False) -> _Float:
    return _Float("float64", min, max, allow_nan, allow_infinity)


def string(*, min_len: Optional[int] = None, max_len: Optional[int] = None) -> _Str:
    return _Str(min_len, max_len)


def binary(*, min_len: Optional[int] = None, max_len: Optional[int] = None) -> _Bytes:
    return _Bytes(min_len, max_len)


def timestamp() -> _Timestamp:
    return _Timestamp()


def list_of(item: Any, *, min_len: Optional[int] = None, max_len: Optional[int] = None) -> _List:
    return _List(item, min_len, max_len)


def map_of(key: Any, value: Any, *, min_len: Optional[int] = None, max_len: Optional[int] = None) -> _Map:
    return _Map(key, value, min_len, max_len)


def message_ref(name: str) -> _Ref:
    return _Ref(_MESSAGES, name)


def enum_ref(name: str) -> _Ref:
    return _Ref(_ENUMS, name)


def field(name: str, type: Any, *, optional: bool = False, nullable: bool = False,
          attr: Optional[str] = None) -> _Field:
    """One field: its wire name, its type, and the attribute that holds it when that differs from the name."""
    return _Field(name, type, attr, optional, nullable)


def define_enum(cls: Any, name: str) -> None:
    _ENUMS[name] = _Enum(cls, name)


def define_message(cls: Any, name: str, shape: str, fields: Sequence[_Field]) -> None:
    mt = _MessageType(cls, name, shape, fields)
    _MESSAGES[name] = mt
    _BY_CLASS[cls] = mt


def _message_type(t: Union[str, type]) -> _MessageType:
    if isinstance(t, str):
        mt = _MESSAGES.get(t)
    else:
        mt = next((_BY_CLASS[c] for c in t.__mro__ if c in _BY_CLASS), None)
    if mt is None:
        raise TypeError(f"{t!r} is not a message type of these contracts")
    return mt


def decode(message_type: Union[str, Type[_M]], data: Union[bytes, bytearray, memoryview]) -> Any:
    """Decodes `data` as `message_type` (a generated class or its name, `"chat.ChatRequest"`).

    Raises DecodeError, with the path of the offending field, for anything the contract does not allow."""
    mt = _message_type(message_type)
    try:
        value = _unpackb(data)
    except Exception as e:
        detail = f": {e}" if str(e) else " (nested too deeply?)" if isinstance(e, msgpack.StackError) else ""
        raise DecodeError("$", f"not valid MessagePack: {type(e).__name__}{detail}") from None
    try:
        return mt.dec(value)
    except _Invalid as e:
        raise DecodeError(e.path(), e.reason) from None
    except RecursionError:
        raise DecodeError("$", "nested too deeply") from None


def encode(value: Message) -> bytes:
    """The canonical MessagePack bytes of a message. Raises EncodeError for a value the contract forbids."""
    mt = _message_type(type(value))
    out: List[bytes] = []
    try:
        mt.enc(value, out, msgpack.Packer(autoreset=True, use_bin_type=True))
    except _Invalid as e:
        raise EncodeError(e.path(), e.reason) from None
    except RecursionError:
        raise EncodeError("$", "nested too deeply (a cycle?)") from None
    return b"".join(out)


class Message:
    """The base class of the generated message dataclasses."""

    __slots__ = ()

    def to_msgpack(self) -> bytes:
        """The canonical MessagePack bytes of this message (see `encode`)."""
        return encode(self)

    @classmethod
    def from_msgpack(cls: Type[_M], data: Union[bytes, bytearray, memoryview]) -> _M:
        """Decodes and validates a payload (see `decode`)."""
        return decode(cls, data)
