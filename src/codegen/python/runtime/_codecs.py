"""The codecs of the runtime (see `_runtime`): one class per contract type, each with `dec` (a value from
msgpack.unpackb -> the Python value) and `enc` (the canonical bytes of a Python value), and the message
type that holds a message's fields."""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Optional, Sequence

import msgpack

from ._base import (
    ABSENT,
    ARRAY,
    INF,
    MAP,
    Timestamp,
    _CA,
    _CB,
    _F32,
    _FALSE,
    _Invalid,
    _MISSING,
    _NIL,
    _Pairs,
    _TRUE,
    _expected,
    _len_error,
    _quote,
    _range_error,
)

# Types. Each has `name` (as the contracts write it), `dec(v)` (a value from msgpack.unpackb -> the Python
# value) and `enc(v, out, packer)` (appends the canonical bytes of a Python value to the list `out`).


class _Bool:
    name = "bool"

    def dec(self, v: Any) -> bool:
        if v is True or v is False:
            return v
        raise _expected("bool", v)

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if v is True:
            out.append(_TRUE)
        elif v is False:
            out.append(_FALSE)
        else:
            raise _expected("bool", v)


_INT_RANGES = {
    "int8": (-(1 << 7), (1 << 7) - 1),
    "int16": (-(1 << 15), (1 << 15) - 1),
    "int32": (-(1 << 31), (1 << 31) - 1),
    "int64": (-(1 << 63), (1 << 63) - 1),
    "uint8": (0, (1 << 8) - 1),
    "uint16": (0, (1 << 16) - 1),
    "uint32": (0, (1 << 32) - 1),
    "uint64": (0, (1 << 64) - 1),
}


class _Int:
    def __init__(self, name: str, lo: Optional[int] = None, hi: Optional[int] = None) -> None:
        self.name = name
        self.type_lo, self.type_hi = _INT_RANGES[name]
        self.min, self.max = lo, hi
        self.lo = self.type_lo if lo is None or lo < self.type_lo else lo
        self.hi = self.type_hi if hi is None or hi > self.type_hi else hi

    def _check(self, v: int) -> int:
        if v < self.lo or v > self.hi:
            if v < self.type_lo or v > self.type_hi:
                raise _Invalid(f"{v} is out of range for {self.name} ({self.type_lo}..{self.type_hi})")
            raise _range_error(v, self.min, self.max) or _Invalid(f"{v} is out of range")
        return v

    def dec(self, v: Any) -> int:
        if type(v) is not int:
            raise _expected(self.name, v)
        if v < self.lo or v > self.hi:
            self._check(v)
        return v

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if type(v) is not int:
            if not isinstance(v, int) or isinstance(v, bool):
                raise _expected(self.name, v)
            v = int(v)
        if v < self.lo or v > self.hi:
            self._check(v)
        out.append(p.pack(v))


class _Float:
    def __init__(self, name: str, min: Optional[float] = None, max: Optional[float] = None,
                 allow_nan: bool = False, allow_infinity: bool = False) -> None:
        self.name = name
        self.single = name == "float32"
        self.min, self.max = min, max
        self.allow_nan, self.allow_infinity = allow_nan, allow_infinity

    def _check(self, v: float) -> float:
        if v != v:
            if not self.allow_nan:
                raise _Invalid("NaN is not allowed (allow_nan is not set)")
            return v
        if (v == INF or v == -INF) and not self.allow_infinity:
            raise _Invalid(f"{v!r} is not allowed (allow_infinity is not set)")
        err = _range_error(v, self.min, self.max)
        if err is not None:
            raise err
        return v

    def dec(self, v: Any) -> float:
        t = type(v)
        if t is not float:
            if t is not int:
                raise _expected(self.name, v)
            try:
                f = float(v)
            except OverflowError:
                raise _Invalid(f"integer {v} is out of range for {self.name}") from None
            if f != v:
                raise _Invalid(f"integer {v} is not exactly representable as {self.name}")
            v = f
        if self.single and v == v:
            try:
                exact = _F32.unpack(_F32.pack(v))[0] == v
            except OverflowError:
                exact = False
            if not exact:
                raise _Invalid(f"{v!r} is not exactly representable as float32")
        return self._check(v)

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if type(v) is not float:
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise _expected(self.name, v)
            try:
                v = float(v)
            except OverflowError:
                raise _Invalid(f"{v} is out of range for {self.name}") from None
        if self.single:
            try:
                b = _CA.pack(0xCA, v)
            except OverflowError:
                raise _Invalid(f"{v!r} is out of range for float32") from None
            self._check(_F32.unpack_from(b, 1)[0])
        else:
            b = _CB.pack(0xCB, v)
            self._check(v)
        out.append(b)


class _Str:
    name = "string"

    def __init__(self, min_len: Optional[int] = None, max_len: Optional[int] = None) -> None:
        self.min_len, self.max_len = min_len, max_len
        self.checked = min_len is not None or max_len is not None
        self.lo = min_len or 0
        self.hi = max_len if max_len is not None else float("inf")

    def _check(self, v: str) -> None:
        n = len(v)
        if not v.isascii():
            try:
                n = len(v.encode("utf-8"))
            except UnicodeEncodeError:
                raise _Invalid("the text is not valid Unicode (lone surrogate)") from None
        if n < self.lo or n > self.hi:
            raise _len_error(n, "bytes of UTF-8", self.min_len, self.max_len) or _Invalid("bad length")

    def dec(self, v: Any) -> str:
        if type(v) is not str:
            raise _expected("string (str)", v)
        if self.checked:
            self._check(v)
        return v

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if not isinstance(v, str):
            raise _expected("string (str)", v)
        if self.checked:
            self._check(v)
        try:
            out.append(p.pack(v))
        except UnicodeEncodeError:
            raise _Invalid("the text is not valid Unicode (lone surrogate)") from None


class _Bytes:
    name = "bytes"

    def __init__(self, min_len: Optional[int] = None, max_len: Optional[int] = None) -> None:
        self.min_len, self.max_len = min_len, max_len
        self.checked = min_len is not None or max_len is not None

    def dec(self, v: Any) -> bytes:
        if type(v) is not bytes:
            raise _expected("bytes (bin)", v)
        if self.checked:
            err = _len_error(len(v), "bytes", self.min_len, self.max_len)
            if err is not None:
                raise err
        return v

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if type(v) is not bytes:
            if not isinstance(v, (bytes, bytearray, memoryview)):
                raise _expected("bytes (bin)", v)
            v = bytes(v)
        self.dec(v)
        out.append(p.pack(v))


class _Timestamp:
    name = "timestamp"

    def dec(self, v: Any) -> Timestamp:
        if type(v) is not Timestamp:
            raise _expected("timestamp (ext -1)", v)
        return v

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if not isinstance(v, Timestamp):
            if not isinstance(v, datetime.datetime):
                raise _expected("timestamp (msgpack.Timestamp or an aware datetime)", v)
            if v.tzinfo is None:
                raise _Invalid("a naive datetime has no time zone; use an aware datetime or msgpack.Timestamp")
            v = Timestamp.from_datetime(v)
        try:
            out.append(p.pack(v))
        except (OverflowError, ValueError, TypeError) as e:
            raise _Invalid(f"timestamp out of range: {e}") from None


class _List:
    def __init__(self, item: Any, min_len: Optional[int] = None, max_len: Optional[int] = None) -> None:
        self.item = item
        self.min_len, self.max_len = min_len, max_len

    @property
    def name(self) -> str:
        return f"list<{self.item.name}>"

    def dec(self, v: Any) -> list:
        if type(v) is not list:
            raise _expected(f"{self.name} (array)", v)
        err = _len_error(len(v), "items", self.min_len, self.max_len)
        if err is not None:
            raise err
        dec = self.item.dec
        out = []
        for i, x in enumerate(v):
            try:
                out.append(dec(x))
            except _Invalid as e:
                e.parts.append(f"[{i}]")
                raise
        return out

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if not isinstance(v, (list, tuple)):
            raise _expected(f"{self.name} (list)", v)
        err = _len_error(len(v), "items", self.min_len, self.max_len)
        if err is not None:
            raise err
        out.append(p.pack_array_header(len(v)))
        enc = self.item.enc
        for i, x in enumerate(v):
            try:
                enc(x, out, p)
            except _Invalid as e:
                e.parts.append(f"[{i}]")
                raise


def _key_part(k: Any) -> str:
    return f"[{_quote(k)}]" if isinstance(k, str) else f"[{k!r}]"


class _Map:
    def __init__(self, key: Any, value: Any, min_len: Optional[int] = None, max_len: Optional[int] = None) -> None:
        self.key, self.value = key, value
        self.min_len, self.max_len = min_len, max_len

    @property
    def name(self) -> str:
        return f"map<{self.key.name}, {self.value.name}>"

    def dec(self, v: Any) -> dict:
        if type(v) is not _Pairs:
            raise _expected(f"{self.name} (map)", v)
        err = _len_error(len(v), "entries", self.min_len, self.max_len)
        if err is not None:
            raise err
        kdec, vdec = self.key.dec, self.value.dec
        out = {}
        for k, x in v:
            try:
                k = kdec(k)
            except _Invalid as e:
                raise _Invalid("map key: " + e.reason) from None
            if k in out:
                raise _Invalid(f"duplicate map key {_key_part(k)}")
            try:
                out[k] = vdec(x)
            except _Invalid as e:
                e.parts.append(_key_part(k))
                raise
        return out

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if not isinstance(v, dict):
            raise _expected(f"{self.name} (dict)", v)
        err = _len_error(len(v), "entries", self.min_len, self.max_len)
        if err is not None:
            raise err
        entries = []
        kenc = self.key.enc
        for k, x in v.items():
            kb: List[bytes] = []
            try:
                kenc(k, kb, p)
            except _Invalid as e:
                raise _Invalid("map key: " + e.reason) from None
            entries.append((b"".join(kb), k, x))
        entries.sort(key=lambda e: e[0])
        out.append(p.pack_map_header(len(entries)))
        venc = self.value.enc
        for kb, k, x in entries:
            out.append(kb)
            try:
                venc(x, out, p)
            except _Invalid as e:
                e.parts.append(_key_part(k))
                raise


class _Enum:
    def __init__(self, cls: Any, name: str) -> None:
        self.cls, self.name = cls, name
        self.by_wire = {m.value: m for m in cls}
        self.by_int = issubclass(cls, int)
        self.wire_type = int if self.by_int else str
        packer = msgpack.Packer(autoreset=True, use_bin_type=True)
        self.bytes = {m: packer.pack(m.value) for m in cls}

    def dec(self, v: Any) -> Any:
        if type(v) is not self.wire_type:
            raise _expected(f"{self.name} ({'int' if self.by_int else 'str'})", v)
        m = self.by_wire.get(v)
        if m is None:
            raise _Invalid(f"unknown {self.name} value {v!r}")
        return m

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        b = self.bytes.get(v) if isinstance(v, self.cls) else None
        if b is None:
            raise _expected(f"a member of {self.name}", v)
        out.append(b)


class _Field:
    __slots__ = ("name", "type", "attr", "optional", "nullable", "absent", "key", "part")

    def __init__(self, name: str, type: Any, attr: Optional[str], optional: bool, nullable: bool) -> None:
        self.name, self.type = name, type
        self.attr = attr or name
        self.optional, self.nullable = optional, nullable
        self.absent = ABSENT if optional and nullable else None
        self.key = msgpack.packb(name)
        self.part = "." + name


class _MessageType:
    def __init__(self, cls: Any, name: str, shape: str, fields: Sequence[_Field]) -> None:
        if shape not in (MAP, ARRAY):
            raise ValueError(f"shape must be {MAP!r} or {ARRAY!r}")
        self.cls, self.name, self.array = cls, name, shape == ARRAY
        self.fields = tuple(fields)

    def dec(self, v: Any) -> Any:
        kw = {}
        if self.array:
            if type(v) is not list:
                raise _expected(f"{self.name} (an array)", v)
            n = len(v)
            if n > len(self.fields):
                raise _Invalid(f"{n} items, more than the {len(self.fields)} fields of the array-shaped {self.name}")
            for i, f in enumerate(self.fields):
                if i >= n:
                    if not f.optional:
                        raise _Invalid(f"missing required field (the array has {n} items)", f.part)
                    kw[f.attr] = f.absent
                    continue
                x = v[i]
                if x is None and f.nullable:
                    kw[f.attr] = None
                    continue
                try:
                    kw[f.attr] = f.type.dec(x)
                except _Invalid as e:
                    e.parts.append(f.part)
                    raise
            return self.cls(**kw)
        if type(v) is not _Pairs:
            raise _expected(f"{self.name} (a map)", v)
        got = {}
        for k, x in v:
            if type(k) is str:
                if k in got:
                    raise _Invalid(f"duplicate key {_quote(k)}")
                got[k] = x
        for f in self.fields:
            x = got.get(f.name, _MISSING)
            if x is _MISSING:
                if not f.optional:
                    raise _Invalid("missing required field", f.part)
                kw[f.attr] = f.absent
            elif x is None and f.nullable:
                kw[f.attr] = None
            else:
                try:
                    kw[f.attr] = f.type.dec(x)
                except _Invalid as e:
                    e.parts.append(f.part)
                    raise
        return self.cls(**kw)

    @staticmethod
    def _enc_field(f: _Field, x: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if x is None:
            if not f.nullable:
                raise _Invalid("None is not allowed: the field is not nullable", f.part)
            out.append(_NIL)
            return
        if x is ABSENT:
            raise _Invalid("ABSENT is not allowed: the field is not optional", f.part)
        try:
            f.type.enc(x, out, p)
        except _Invalid as e:
            e.parts.append(f.part)
            raise

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        if not isinstance(v, self.cls):
            raise _expected(self.name, v)
        if self.array:
            values = [(f, getattr(v, f.attr)) for f in self.fields]
            n = len(values)
            while n and _absent(*values[n - 1]):
                n -= 1
            for f, x in values[:n]:
                if _absent(f, x):
                    raise _Invalid("an array-shaped message cannot leave out a field before a field that is sent",
                                   f.part)
            out.append(p.pack_array_header(n))
            for f, x in values[:n]:
                self._enc_field(f, x, out, p)
            return
        start = len(out)
        out.append(b"")
        n = 0
        enc_field = self._enc_field
        for f in self.fields:
            x = getattr(v, f.attr)
            if f.optional and (x is ABSENT or (x is None and not f.nullable)):
                continue
            out.append(f.key)
            enc_field(f, x, out, p)
            n += 1
        out[start] = p.pack_map_header(n)


def _absent(f: _Field, x: Any) -> bool:
    """Whether an optional field's value in a Python object means: do not send the key."""
    return f.optional and (x is ABSENT or (x is None and not f.nullable))


class _Ref:
    """A message or enum named `package.Name`, found in the registry when first used (so that modules may
    refer to each other in any order)."""

    def __init__(self, registry: Dict[str, Any], name: str) -> None:
        self.registry, self.name = registry, name

    def _target(self) -> Any:
        target = self.registry.get(self.name)
        if target is None:
            raise _Invalid(f"type {self.name} is not defined (generated code is incomplete)")
        self.dec, self.enc = target.dec, target.enc
        return target

    def dec(self, v: Any) -> Any:
        return self._target().dec(v)

    def enc(self, v: Any, out: List[bytes], p: msgpack.Packer) -> None:
        self._target().enc(v, out, p)
