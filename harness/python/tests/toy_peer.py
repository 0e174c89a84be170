"""A toy peer for the SDK's tests: it serves a few test types through msgpact_peer, as a team's peer would.

Why this file exists: the tests run the SDK the way the runner does, as a real subprocess started with the
MSGPACT_* environment, so that start-up, the ready line, signals and exit statuses are tested for real.
Types:
  test.Point     a small application class decoded from and encoded to a msgpack map {x, y}
  test.Any       msgpack.unpackb / msgpack.packb of any value
  test.BadDecode decode always raises (a long, multi-line message)
  test.BadEncode encode always raises
  test.NotBytes  encode returns a str instead of bytes
  test.Huge      encode returns more bytes than the NATS server's max_payload
  test.Slow      decode sleeps 0.5 s (blocking), to test that a stop drains requests in flight
Extra nats.connect options can be given as JSON in TOY_PEER_NATS_OPTIONS, the start-up connect timeout in
TOY_PEER_CONNECT_TIMEOUT (seconds); TOY_PEER_NO_FASTPATH=1 turns msgpact_peer's fast path off.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import msgpack  # noqa: E402

import msgpact_peer.serve  # noqa: E402
from msgpact_peer import Info, Peer  # noqa: E402

if os.environ.get("TOY_PEER_NO_FASTPATH") == "1":
    # serve through nats-py's public publish only, as with a nats-py version the fast path does not know
    msgpact_peer.serve.fast_path_available = lambda: False


class Point:
    def __init__(self, x: int, y: int) -> None:
        self.x, self.y = x, y

    @classmethod
    def from_dict(cls, d: dict) -> "Point":
        if not isinstance(d, dict):
            raise TypeError(f"Point expects a map, got {type(d).__name__}")
        return cls(int(d["x"]), int(d["y"]))

    def to_dict(self) -> dict:
        return {"x": self.x, "y": self.y}


def bad_decode(_b: bytes):
    raise ValueError("toy decode refused the payload\nsecond line " + "é" * 2000)


def bad_encode(_v):
    raise TypeError("toy encode cannot write this value")


def slow_decode(b: bytes):
    time.sleep(0.5)
    return msgpack.unpackb(b)


peer = Peer(
    Info(language="python", library="msgpack", contracts_hash=""),
    nats_options=json.loads(os.environ.get("TOY_PEER_NATS_OPTIONS", "{}")),
    connect_timeout=float(os.environ.get("TOY_PEER_CONNECT_TIMEOUT", "10")),
)
peer.register("test.Point",
              decode=lambda b: Point.from_dict(msgpack.unpackb(b)),
              encode=lambda v: msgpack.packb(v.to_dict()))
peer.register("test.Any", decode=msgpack.unpackb, encode=msgpack.packb)
peer.register("test.BadDecode", decode=bad_decode, encode=msgpack.packb)
peer.register("test.BadEncode", decode=msgpack.unpackb, encode=bad_encode)
peer.register("test.NotBytes", decode=msgpack.unpackb, encode=lambda v: "not bytes")
peer.register("test.Huge", decode=msgpack.unpackb, encode=lambda v: b"\x00" * (2 * 1024 * 1024))
peer.register("test.Slow", decode=slow_decode, encode=msgpack.packb)
peer.run()
