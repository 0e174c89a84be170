"""Shared pieces of the runtime (see `_runtime`): constants, `ABSENT`, the errors, and the helpers that
describe values in error messages."""

from __future__ import annotations

import struct
from typing import Any, Optional, Union

import msgpack

#: ext -1 timestamps; keeps nanoseconds. `Timestamp.from_datetime` / `.to_datetime()` convert.
Timestamp = msgpack.Timestamp

#: For defaults written in the contracts.
NAN = float("nan")
INF = float("inf")

MAP = "map"
ARRAY = "array"

_F32 = struct.Struct(">f")
_CA = struct.Struct(">Bf")
_CB = struct.Struct(">Bd")
_NIL = b"\xc0"
_TRUE = b"\xc3"
_FALSE = b"\xc2"
_MISSING = object()


class Absent:
    """The type of `ABSENT`: the key of an optional and nullable field is not sent."""

    __slots__ = ()

    def __new__(cls) -> Absent:
        try:
            return ABSENT
        except NameError:
            return object.__new__(cls)

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "ABSENT"

    def __copy__(self) -> Absent:
        return self

    def __deepcopy__(self, memo: Any) -> Absent:
        return self


ABSENT = Absent()


class ContractError(ValueError):
    """A payload or a value that breaks its contract. `path` names the field, `reason` says why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class DecodeError(ContractError):
    """The payload is not valid MessagePack, or not a valid value of its message type."""


class EncodeError(ContractError):
    """The value cannot be encoded as its contract says."""


class _Invalid(Exception):
    """Raised inside the codecs; the path is collected on the way out, innermost part first."""

    def __init__(self, reason: str, part: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.parts = [part] if part else []

    def path(self) -> str:
        return "$" + "".join(reversed(self.parts))


class _Pairs(list):
    """A decoded MessagePack map: its (key, value) pairs in wire order (msgpack's object_pairs_hook)."""

    __slots__ = ()


def _unpackb(data: Any) -> Any:
    return msgpack.unpackb(data, raw=False, strict_map_key=False, object_pairs_hook=_Pairs, use_list=True,
                           timestamp=0)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _describe(v: Any) -> str:
    """A value as decoded by msgpack, or as found in a Python object, for error messages."""
    if v is None:
        return "nil"
    t = type(v)
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return f"int {v}"
    if t is float:
        return f"float {v!r}"
    if t is str:
        return "str " + _short(_quote(v))
    if t is bytes:
        return f"bin ({len(v)} byte{'' if len(v) == 1 else 's'})"
    if t is _Pairs:
        return f"map ({len(v)} entries)"
    if t is list:
        return f"array ({len(v)} items)"
    if t is Timestamp:
        return "timestamp"
    if t is msgpack.ExtType:
        return f"ext type {v.code}"
    return f"{t.__module__}.{t.__qualname__} {_short(repr(v))}"


def _expected(what: str, v: Any) -> _Invalid:
    if v is None:
        return _Invalid(f"expected {what}, got nil (not nullable)")
    return _Invalid(f"expected {what}, got {_describe(v)}")


def _len_error(n: int, unit: str, min_len: Optional[int], max_len: Optional[int]) -> Optional[_Invalid]:
    if min_len is not None and n < min_len:
        return _Invalid(f"{n} {unit}, fewer than min_len {min_len}")
    if max_len is not None and n > max_len:
        return _Invalid(f"{n} {unit}, more than max_len {max_len}")
    return None


def _range_error(v: Union[int, float], lo: Any, hi: Any) -> Optional[_Invalid]:
    if lo is not None and v < lo:
        return _Invalid(f"{v!r} is less than min {lo!r}")
    if hi is not None and v > hi:
        return _Invalid(f"{v!r} is greater than max {hi!r}")
    return None
