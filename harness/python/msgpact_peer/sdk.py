"""The Peer: the peer side of the msgpact protocol on nats-py (asyncio), in one class.

Why this module exists: every Python peer (the reference peer generated from the contracts, or a team's peer
built from its own application types) has to do the same protocol work: read the MSGPACT_* environment,
connect, subscribe with the queue group, answer `hello`, run each `roundtrip` through the team's own decode and
encode, map every failure to a status header, never die on a payload, and stop cleanly on a signal. With this
class a peer is a list of `register` calls and `run()`.

The per-message path (`_handler`) is kept lean on purpose: no logging, no JSON, the hello reply built once,
the reply header block of an ok round-trip assembled from two constant pieces and the echoed case id.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from importlib import metadata
from typing import Any, Awaitable, Callable, Dict, List, Mapping, NamedTuple, Optional, Tuple

from nats.aio.client import Client

from .config import ConfigError, PeerEnv
from .fastpath import FastClient, fast_path_available, header_block
from .protocol import (
    HEADER_CASE,
    HEADER_ERROR,
    HEADER_STATUS,
    HEADER_TYPE,
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
    TYPE_NAME_RE,
    describe,
    one_line,
)

Decode = Callable[[bytes], Any]
Encode = Callable[[Any], bytes]

NATS_LIBRARY = "nats-py"

_HEADER_TYPE_LOWER = HEADER_TYPE.lower()
_HEADER_CASE_LOWER = HEADER_CASE.lower()
# The reply header block of an ok round-trip, around the echoed case id (FastClient path).
_OK_HEAD = f"NATS/1.0\r\n{HEADER_CASE}: ".encode()
_OK_TAIL = f"\r\n{HEADER_STATUS}: {STATUS_OK}\r\n\r\n".encode()


class NatsUnreachable(Exception):
    """The NATS server could not be reached (or refused the peer) at start-up (exit status 1)."""


class Outcome(NamedTuple):
    """The result of one round-trip: a Msgpact-Status word, the reply body, and the Msgpact-Error line."""

    status: str
    payload: bytes
    error: str


def distribution_version(distribution: str) -> str:
    """The version of an installed distribution as this process sees it (importlib.metadata)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        raise ConfigError(
            f"msgpact peer: cannot find the installed version of {distribution!r}: no distribution of that name is "
            "installed in this Python environment. Name the MessagePack library by its distribution (pip) name, "
            "or pass library_version= to Peer(...)"
        ) from None


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Peer:
    """A msgpact peer: register the message types you serve, then `run()`.

    `language`, `library` and `contracts_hash` are reported in the hello handshake. `library` is the
    distribution name of the MessagePack library the decode/encode functions use (e.g. "msgpack"); its version
    is read from the installed distribution at run time unless `library_version` is given.
    `nats_options` are extra keyword arguments for `nats.connect` (e.g. reconnect settings).
    """

    def __init__(
        self,
        language: str = "python",
        library: str = "msgpack",
        contracts_hash: str = "",
        *,
        library_version: Optional[str] = None,
        nats_options: Optional[Mapping[str, Any]] = None,
        connect_timeout: float = 10.0,
        drain_timeout: float = 5.0,
    ) -> None:
        self.language = language
        self.library = library
        self.contracts_hash = contracts_hash
        self._library_version = library_version
        self.nats_options: Dict[str, Any] = dict(nats_options or {})
        self.connect_timeout = connect_timeout
        self.drain_timeout = drain_timeout
        self._codecs: Dict[str, Tuple[Decode, Encode]] = {}
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

    @property
    def types(self) -> List[str]:
        """The registered message types, sorted (as the hello reply lists them)."""
        return sorted(self._codecs)

    @property
    def library_version(self) -> str:
        if self._library_version is None:
            self._library_version = distribution_version(self.library)
        return self._library_version

    # ----------------------------------------------------------------------------------------- protocol

    def hello(self, name: str) -> Dict[str, Any]:
        """The hello handshake object (protocol section 3) for a peer called `name`."""
        return {
            "protocol": PROTOCOL_VERSION,
            "name": name,
            "language": self.language,
            "library": self.library,
            "library_version": self.library_version,
            "nats_library": NATS_LIBRARY,
            "nats_library_version": distribution_version(NATS_LIBRARY),
            "contracts_hash": self.contracts_hash,
            "types": self.types,
        }

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

    def _handler(self, nc: Any, env: PeerEnv) -> Callable[[Any], Awaitable[None]]:
        """The subscription callback; the hot path of the peer."""
        roundtrip_subject = env.operation_subject(OP_ROUNDTRIP)
        hello_subject = env.operation_subject(OP_HELLO)
        hello_body = json.dumps(self.hello(env.peer)).encode()
        roundtrip = self.roundtrip
        publish = nc.publish
        publish_reply = getattr(nc, "publish_reply", None)  # FastClient: header block encoded here
        fast = publish_reply is not None

        async def reply_error(reply: str, case: Optional[str], status: str, error: str) -> None:
            headers = {HEADER_STATUS: status, HEADER_ERROR: error}
            if case:
                headers = {HEADER_CASE: case, HEADER_STATUS: status, HEADER_ERROR: error}
            if fast:
                await publish_reply(reply, b"", header_block(headers))
            else:
                await publish(reply, b"", headers=headers)

        async def handle(msg: Any) -> None:
            reply = msg.reply
            if not reply:
                return  # a request nobody waits for
            try:
                if msg.subject == roundtrip_subject:
                    headers = msg.headers
                    type_name = case = None
                    if headers:
                        type_name = headers.get(HEADER_TYPE)
                        case = headers.get(HEADER_CASE)
                        if type_name is None or case is None:
                            # header names are matched exactly first, then without regard to case
                            for key, value in headers.items():
                                lower = key.lower()
                                if type_name is None and lower == _HEADER_TYPE_LOWER:
                                    type_name = value
                                elif case is None and lower == _HEADER_CASE_LOWER:
                                    case = value
                    if not case:
                        missing = [HEADER_CASE] + ([] if type_name else [HEADER_TYPE])
                        await reply_error(reply, None, STATUS_INTERNAL_ERROR, "missing header " + ", ".join(missing))
                        return
                    status, body, error = roundtrip(type_name, msg.data)
                    if status == STATUS_OK:
                        max_payload = nc.max_payload
                        if len(body) > max_payload:
                            await reply_error(
                                reply, case, STATUS_INTERNAL_ERROR,
                                f"the re-encoded payload of {len(body)} bytes exceeds the NATS server's "
                                f"max_payload of {max_payload} bytes",
                            )
                        elif fast:
                            raw_case = case.encode()
                            if b"\r" in raw_case or b"\n" in raw_case:
                                block = header_block({HEADER_CASE: case, HEADER_STATUS: STATUS_OK})
                                await publish_reply(reply, body, block)
                            else:
                                await publish_reply(reply, body, _OK_HEAD + raw_case + _OK_TAIL)
                        else:
                            await publish(reply, body, headers={HEADER_CASE: case, HEADER_STATUS: STATUS_OK})
                    else:
                        await reply_error(reply, case, status, error)
                elif msg.subject == hello_subject:
                    await publish(reply, hello_body)
                else:
                    operation = msg.subject.rpartition(".")[2]
                    await reply_error(
                        reply, None, STATUS_INTERNAL_ERROR,
                        one_line(f"unknown operation {operation!r}: this peer speaks msgpact peer protocol "
                                 f"{PROTOCOL_VERSION} ({OP_HELLO}, {OP_ROUNDTRIP})"),
                    )
            except Exception as exc:  # a bug here or a failed publish: answer if we still can, never die
                try:
                    await reply_error(reply, None, STATUS_INTERNAL_ERROR, describe(exc))
                except Exception:
                    pass

        return handle

    async def serve(self, env: Optional[PeerEnv] = None, *, stop: Optional[asyncio.Event] = None) -> None:
        """Connect, subscribe, print the ready line, and serve until `stop` is set or the connection closes.

        `env` defaults to the MSGPACT_* environment. When `stop` is set, the connection is drained (requests
        already received are answered) and serve returns. Raises ConfigError for a bad environment or
        registration, and NatsUnreachable when NATS cannot be reached at start.
        """
        env = env if env is not None else PeerEnv.from_environ()
        if not self._codecs:
            raise ConfigError("msgpact peer: no message types registered: call peer.register(...) before run()")
        self.hello(env.peer)  # resolves the library versions now, so a bad library name fails before connecting
        stop = stop if stop is not None else asyncio.Event()
        self._serving = True
        closed = asyncio.Event()
        error_counts: Dict[str, int] = {}

        async def error_cb(exc: Exception) -> None:
            kind = type(exc).__name__
            count = error_counts.get(kind, 0) + 1
            error_counts[kind] = count
            if count <= 3 or count % 1000 == 0:
                _log(f"msgpact-peer: nats: {describe(exc)}" + (f" (x{count})" if count > 3 else ""))

        async def disconnected_cb() -> None:
            if not stop.is_set():
                _log("msgpact-peer: disconnected from NATS; reconnecting")

        async def reconnected_cb() -> None:
            _log("msgpact-peer: reconnected to NATS")

        async def closed_cb() -> None:
            closed.set()

        options: Dict[str, Any] = {
            "servers": [env.nats_url],
            "name": f"msgpact-peer {env.peer}",
            "error_cb": error_cb,
            "disconnected_cb": disconnected_cb,
            "reconnected_cb": reconnected_cb,
            "closed_cb": closed_cb,
            "drain_timeout": self.drain_timeout,
        }
        if env.creds:
            options["user_credentials"] = env.creds
        options.update(self.nats_options)

        client_class = FastClient if fast_path_available() else Client
        nc = await self._connect(client_class, options, env, stop)
        if nc is None:
            return  # stopped by a signal before the connection was up
        try:
            await nc.subscribe(env.subject, queue=QUEUE_GROUP, cb=self._handler(nc, env))
            await nc.flush()
            _log(
                f"msgpact-peer: {env.peer} serving {len(self._codecs)} type(s) on {env.subject} "
                f"(queue {QUEUE_GROUP}; {self.library} {self.library_version}, "
                f"{NATS_LIBRARY} {distribution_version(NATS_LIBRARY)}; "
                f"fast path {'on' if isinstance(nc, FastClient) else 'off'})"
            )
            _log(READY_LINE)

            stop_wait = asyncio.ensure_future(stop.wait())
            closed_wait = asyncio.ensure_future(closed.wait())
            try:
                await asyncio.wait([stop_wait, closed_wait], return_when=asyncio.FIRST_COMPLETED)
            finally:
                stop_wait.cancel()
                closed_wait.cancel()
            if closed.is_set():
                _log("msgpact-peer: the NATS connection is closed for good; exiting")
                return
            _log("msgpact-peer: stopping: draining the NATS connection")
        finally:
            await self._shutdown(nc)

    async def _connect(self, client_class: Any, options: Dict[str, Any], env: PeerEnv, stop: asyncio.Event) -> Any:
        """Connect within `connect_timeout` seconds; None when `stop` is set first."""
        nc = client_class()
        connect = asyncio.ensure_future(nc.connect(**options))
        stop_wait = asyncio.ensure_future(stop.wait())
        try:
            done, _ = await asyncio.wait(
                [connect, stop_wait], timeout=self.connect_timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stop_wait.cancel()
        if connect in done:
            try:
                connect.result()
                return nc
            except Exception as exc:
                raise NatsUnreachable(
                    f"msgpact peer: cannot connect to NATS at {env.nats_url}: {describe(exc)}"
                ) from exc
        connect.cancel()
        try:
            await connect
        except BaseException:
            pass
        if stop.is_set():
            return None
        raise NatsUnreachable(
            f"msgpact peer: cannot connect to NATS at {env.nats_url} within {self.connect_timeout:g} s "
            f"({'with credentials ' + env.creds if env.creds else 'without credentials'})"
        )

    @staticmethod
    async def _shutdown(nc: Any) -> None:
        if nc.is_closed:
            return
        try:
            await nc.drain()
        except Exception:
            pass
        if not nc.is_closed:
            try:
                await nc.close()
            except Exception:
                pass

    def run(self, environ: Optional[Mapping[str, str]] = None) -> None:
        """Serve until SIGTERM or SIGINT (exit status 0) or until the NATS connection closes for good.

        A missing or invalid MSGPACT_* variable, or a registration problem, exits with status 2 and a message;
        a NATS server that cannot be reached at start exits with status 1.
        """
        try:
            env = PeerEnv.from_environ(environ)
            asyncio.run(self._run(env))
        except ConfigError as exc:
            _log(str(exc))
            raise SystemExit(2) from None
        except NatsUnreachable as exc:
            _log(str(exc))
            raise SystemExit(1) from None

    async def _run(self, env: PeerEnv) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        try:
            await self.serve(env, stop=stop)
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
