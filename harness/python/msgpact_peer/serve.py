"""A peer's life (protocol sections 1 and 4) on nats-py (asyncio): connect, subscribe with the queue group, say
ready, answer every request with its headers, and stop cleanly on SIGTERM/SIGINT or when the connection closes.

Why this module exists: everything that needs NATS, asyncio or signals is here, apart from the decision of what a
payload's status is (`Peer.roundtrip` in peer.py, without NATS) and the handshake (hello.py). `Peer.serve` and
`Peer.run` call the functions below.

The per-message path (`_handler`) is kept lean on purpose: no logging, no JSON, the hello reply built once, the
reply header block of an ok round-trip assembled from two constant pieces and the echoed case id.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, Mapping, Optional

from nats.aio.client import Client

from .config import Config, ConfigError
from .fastpath import FastClient, fast_path_available, header_block
from .hello import NATS_LIBRARY, distribution_version
from .protocol import (
    EXIT_CONFIG_ERROR,
    EXIT_NATS_UNREACHABLE,
    HEADER_CASE,
    HEADER_ERROR,
    HEADER_STATUS,
    HEADER_TYPE,
    OP_HELLO,
    OP_ROUNDTRIP,
    PROTOCOL_VERSION,
    QUEUE_GROUP,
    READY_LINE,
    STATUS_INTERNAL_ERROR,
    STATUS_OK,
    describe,
    one_line,
)

if TYPE_CHECKING:
    from .peer import Peer

_HEADER_TYPE_LOWER = HEADER_TYPE.lower()
_HEADER_CASE_LOWER = HEADER_CASE.lower()
# The reply header block of an ok round-trip, around the echoed case id (FastClient path).
_OK_HEAD = f"NATS/1.0\r\n{HEADER_CASE}: ".encode()
_OK_TAIL = f"\r\n{HEADER_STATUS}: {STATUS_OK}\r\n\r\n".encode()


class NatsUnreachable(Exception):
    """The NATS server could not be reached (or refused the peer) at start-up (exit status 1)."""


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _handler(peer: "Peer", nc: Any, config: Config) -> Callable[[Any], Awaitable[None]]:
    """The subscription callback; the hot path of the peer."""
    roundtrip_subject = config.operation_subject(OP_ROUNDTRIP)
    hello_subject = config.operation_subject(OP_HELLO)
    hello_body = json.dumps(peer.hello(config.name, config.contracts_hash)).encode()
    roundtrip = peer.roundtrip
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


async def serve(peer: "Peer", config: Optional[Config] = None, stop: Optional[asyncio.Event] = None) -> None:
    """`Peer.serve`: connect, subscribe, print the ready line, serve until `stop` is set or the connection closes."""
    config = config if config is not None else Config.from_env()
    config.validate()
    if not peer.types():
        raise ConfigError("msgpact peer: no message types registered: call peer.register(...) before run()")
    # Resolves the library versions now, so that a bad library name fails before connecting.
    peer.hello(config.name, config.contracts_hash)
    stop = stop if stop is not None else asyncio.Event()
    peer._serving = True
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
        "servers": [config.nats_url],
        "name": f"msgpact-peer {config.name}",
        "error_cb": error_cb,
        "disconnected_cb": disconnected_cb,
        "reconnected_cb": reconnected_cb,
        "closed_cb": closed_cb,
        "drain_timeout": peer.drain_timeout,
    }
    if config.nats_creds:
        options["user_credentials"] = config.nats_creds
    options.update(peer.nats_options)

    client_class = FastClient if fast_path_available() else Client
    nc = await _connect(peer, client_class, options, config, stop)
    if nc is None:
        return  # stopped by a signal before the connection was up
    try:
        await nc.subscribe(config.subject(), queue=QUEUE_GROUP, cb=_handler(peer, nc, config))
        await nc.flush()
        _log(
            f"msgpact-peer: {config.name} serving {len(peer.types())} type(s) on {config.subject()} "
            f"(queue {QUEUE_GROUP}; {peer.info.library} {peer.library_version}, "
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
        await _shutdown(nc)


async def _connect(
    peer: "Peer", client_class: Any, options: Dict[str, Any], config: Config, stop: asyncio.Event
) -> Any:
    """Connect within `peer.connect_timeout` seconds; None when `stop` is set first."""
    nc = client_class()
    connect = asyncio.ensure_future(nc.connect(**options))
    stop_wait = asyncio.ensure_future(stop.wait())
    try:
        done, _ = await asyncio.wait(
            [connect, stop_wait], timeout=peer.connect_timeout, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        stop_wait.cancel()
    if connect in done:
        try:
            connect.result()
            return nc
        except Exception as exc:
            raise NatsUnreachable(
                f"msgpact peer: cannot connect to NATS at {config.nats_url}: {describe(exc)}"
            ) from exc
    connect.cancel()
    try:
        await connect
    except BaseException:
        pass
    if stop.is_set():
        return None
    raise NatsUnreachable(
        f"msgpact peer: cannot connect to NATS at {config.nats_url} within {peer.connect_timeout:g} s "
        f"({'with credentials ' + config.nats_creds if config.nats_creds else 'without credentials'})"
    )


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


def run(peer: "Peer", environ: Optional[Mapping[str, str]] = None) -> None:
    """`Peer.run`: serve from the environment until a signal; exit 2 or 1 when the peer cannot start."""
    try:
        config = Config.from_env(environ)
        asyncio.run(_run(peer, config))
    except ConfigError as exc:
        _log(str(exc))
        raise SystemExit(EXIT_CONFIG_ERROR) from None
    except NatsUnreachable as exc:
        _log(str(exc))
        raise SystemExit(EXIT_NATS_UNREACHABLE) from None


async def _run(peer: "Peer", config: Config) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await serve(peer, config, stop)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
