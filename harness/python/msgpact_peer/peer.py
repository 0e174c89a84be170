"""What a peer is: its identity (`Info`, reported in `hello`) and the table of message types it serves, filled by
`Peer.register`, with the round-trip of one payload (`Peer.roundtrip`).

Why this module exists: the decision of protocol section 4 (which status a payload gets) is made here, without
NATS, so that it can be tested on its own and so that a team can unit-test its own codecs. Serving (NATS,
signals, exit statuses) is in serve.py, the handshake in hello.py.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Tuple

from . import serve as _serve
from .config import Config
from .hello import distribution_version, hello
from .protocol import (
    HEADER_TYPE,
    STATUS_DECODE_ERROR,
    STATUS_ENCODE_ERROR,
    STATUS_INTERNAL_ERROR,
    STATUS_OK,
    STATUS_UNKNOWN_TYPE,
    STOP_TIMEOUT_SECONDS,
    TYPE_NAME_RE,
    describe,
    one_line,
)

Decode = Callable[[bytes], Any]
Encode = Callable[[Any], bytes]


@dataclass(frozen=True)
class Info:
    """What the handshake says about this peer.

    `library` is the distribution (pip) name of the MessagePack library the decode/encode functions use; its
    version is read from the installed distribution at run time unless `library_version` is given.
    `contracts_hash` is the wire hash of the contracts the types were generated from, "" for hand-written types.
    """

    language: str = "python"
    library: str = "msgpack"
    contracts_hash: str = ""
    library_version: Optional[str] = None


class Outcome(NamedTuple):
    """The result of one round-trip: a Msgpact-Status word, the reply body, and the Msgpact-Error line."""

    status: str
    payload: bytes
    error: str


class Peer:
    """A msgpact peer: register the message types you serve, then `run()`.

    `nats_options` are extra keyword arguments for `nats.connect` (e.g. reconnect settings); `connect_timeout`
    bounds the first connection, `drain_timeout` the answering of requests already received when stopping.
    """

    def __init__(
        self,
        info: Optional[Info] = None,
        *,
        nats_options: Optional[Mapping[str, Any]] = None,
        connect_timeout: float = 10.0,
        drain_timeout: float = float(STOP_TIMEOUT_SECONDS),
    ) -> None:
        if info is not None and not isinstance(info, Info):
            raise TypeError(f"msgpact peer: Peer(info) takes an Info, not {type(info).__name__}")
        self.info = info if info is not None else Info()
        self.nats_options: Dict[str, Any] = dict(nats_options or {})
        self.connect_timeout = connect_timeout
        self.drain_timeout = drain_timeout
        self._codecs: Dict[str, Tuple[Decode, Encode]] = {}
        self._library_version = self.info.library_version
        self._serving = False

    # ----------------------------------------------------------------------------------------- registration

    def register(self, type_name: str, decode: Decode, encode: Encode) -> None:
        """Serve `type_name` (`package.Message`): `decode(bytes) -> value`, `encode(value) -> bytes`.

        An exception from `decode` is a decode-error reply (also the way to report a value that breaks a
        contract constraint); an exception from `encode`, or an `encode` that returns something other than
        bytes, is an encode-error reply.
        """
        if self._serving:
            raise RuntimeError("msgpact peer: register every type before run()/serve()")
        if not isinstance(type_name, str) or not TYPE_NAME_RE.fullmatch(type_name):
            raise ValueError(
                f"msgpact peer: {type_name!r} is not a fully qualified message type like 'chat.ChatRequest'"
            )
        if type_name in self._codecs:
            raise ValueError(f"msgpact peer: {type_name!r} is registered twice")
        if not callable(decode) or not callable(encode):
            raise TypeError(f"msgpact peer: decode and encode of {type_name!r} must be callables")
        self._codecs[type_name] = (decode, encode)

    def types(self) -> List[str]:
        """The registered message types, sorted (as the hello reply lists them)."""
        return sorted(self._codecs)

    @property
    def library_version(self) -> str:
        if self._library_version is None:
            self._library_version = distribution_version(self.info.library)
        return self._library_version

    # ----------------------------------------------------------------------------------------- protocol

    def hello(self, name: str, run_contracts_hash: str = "") -> Dict[str, Any]:
        """The hello handshake object (protocol section 3) for a peer called `name`.

        Its contracts_hash is Info's, or, when that is "" (types written by hand), `run_contracts_hash`: the
        run's MSGPACT_CONTRACTS_HASH (Config.contracts_hash), the contracts msgpact checks the types against.
        """
        info = self.info
        contracts_hash = info.contracts_hash or run_contracts_hash
        return hello(name, info.language, info.library, self.library_version, contracts_hash, self.types())

    def roundtrip(self, type_name: Optional[str], payload: bytes) -> Outcome:
        """Decode `payload` as `type_name` and encode it back; every failure becomes a status, never a raise."""
        if not type_name:
            return Outcome(STATUS_INTERNAL_ERROR, b"", f"missing header {HEADER_TYPE}")
        codec = self._codecs.get(type_name)
        if codec is None:
            return Outcome(STATUS_UNKNOWN_TYPE, b"", one_line(f"this peer does not serve {type_name!r}"))
        try:
            value = codec[0](payload)
        except Exception as exc:
            return Outcome(STATUS_DECODE_ERROR, b"", describe(exc))
        try:
            out = codec[1](value)
        except Exception as exc:
            return Outcome(STATUS_ENCODE_ERROR, b"", describe(exc))
        if type(out) is not bytes:
            if isinstance(out, (bytearray, memoryview)):
                out = bytes(out)
            else:
                return Outcome(
                    STATUS_ENCODE_ERROR,
                    b"",
                    one_line(f"encode for {type_name} returned {type(out).__name__}, expected bytes"),
                )
        return Outcome(STATUS_OK, out, "")

    # ----------------------------------------------------------------------------------------- serving

    async def serve(self, config: Optional[Config] = None, *, stop: Optional[asyncio.Event] = None) -> None:
        """Connect, subscribe, print the ready line, and serve until `stop` is set or the connection closes.

        `config` defaults to `Config.from_env()`. When `stop` is set, the connection is drained (requests
        already received are answered) and serve returns. Raises ConfigError for a bad configuration or
        registration, and NatsUnreachable when NATS cannot be reached at start.
        """
        await _serve.serve(self, config, stop)

    def run(self, environ: Optional[Mapping[str, str]] = None) -> None:
        """Serve until SIGTERM or SIGINT (exit status 0) or until the NATS connection closes for good.

        A missing or invalid MSGPACT_* variable, or a registration problem, exits with status 2 and a message;
        a NATS server that cannot be reached at start exits with status 1.
        """
        _serve.run(self, environ)
