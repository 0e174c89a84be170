"""The protocol end to end: a real nats-server, the toy peer as a subprocess, and this test as the runner.

Why this file exists: it checks what the runner will rely on from any Python peer built on msgpact_peer:
the hello handshake, every round-trip status, the echoed case id, pipelined requests, the queue group, and that
no payload can bring the peer down.
"""

from __future__ import annotations

import asyncio
from importlib import metadata

import msgpack

from conftest import connect, hello_json, peer_env, run
from msgpact_peer.fastpath import fast_path_available

TOY_TYPES = ["test.Any", "test.BadDecode", "test.BadEncode", "test.Huge", "test.NotBytes", "test.Point", "test.Slow"]


async def roundtrip(nc, peer, type_name, payload, case="example.minimal", timeout=10.0):
    headers = {}
    if type_name is not None:
        headers["Msgpact-Type"] = type_name
    if case is not None:
        headers["Msgpact-Case"] = case
    return await nc.request(peer.subject("roundtrip"), payload, timeout=timeout, headers=headers or None)


def status(msg):
    return (msg.headers or {}).get("Msgpact-Status")


def error(msg):
    return (msg.headers or {}).get("Msgpact-Error")


def test_hello_reports_the_peer(nats_server, toy_peer):
    async def body():
        async with connect(nats_server.url) as nc:
            return await nc.request(toy_peer.subject("hello"), b"", timeout=10)

    msg = run(body())
    hello = hello_json(msg.data)
    assert hello["protocol"] == 1
    assert hello["name"] == "python" == toy_peer.name
    assert hello["language"] == "python"
    assert hello["library"] == "msgpack"
    # the real version of the msgpack the peer runs with (same interpreter and venv as this test)
    assert hello["library_version"] == metadata.version("msgpack")
    assert hello["library_version"] == ".".join(map(str, msgpack.version))
    assert hello["nats_library"] == "nats-py"
    assert hello["nats_library_version"] == metadata.version("nats-py")
    assert hello["contracts_hash"] == ""
    assert hello["types"] == TOY_TYPES
    assert set(hello) == {"protocol", "name", "language", "library", "library_version", "nats_library",
                          "nats_library_version", "contracts_hash", "types"}


def test_roundtrip_ok_returns_the_library_bytes(nats_server, toy_peer):
    # x as int64 (d3), y as a uint8 (cc): valid, not the smallest form; the peer answers as msgpack.packb writes
    payload = bytes.fromhex("82a178d30000000000000007a179cc05")

    async def body():
        async with connect(nats_server.url) as nc:
            return await roundtrip(nc, toy_peer, "test.Point", payload, case="example.non_canonical")

    msg = run(body())
    assert status(msg) == "ok", msg.headers
    assert msg.headers["Msgpact-Case"] == "example.non_canonical"
    assert "Msgpact-Error" not in msg.headers
    assert msg.data == msgpack.packb({"x": 7, "y": 5}) == bytes.fromhex("82a17807a17905")


def test_decode_error(nats_server, toy_peer):
    async def body():
        async with connect(nats_server.url) as nc:
            raised = await roundtrip(nc, toy_peer, "test.BadDecode", msgpack.packb(1), case="c.bad-decode")
            refused = await roundtrip(nc, toy_peer, "test.Point", msgpack.packb({"x": 1}), case="c.missing-field")
            return raised, refused

    raised, refused = run(body())
    assert status(raised) == "decode-error"
    assert raised.headers["Msgpact-Case"] == "c.bad-decode"
    assert raised.data == b""
    line = error(raised)
    assert line.startswith("ValueError: toy decode refused the payload second line é")
    assert "\n" not in line and "\r" not in line
    assert len(line.encode("utf-8")) <= 1000
    assert status(refused) == "decode-error" and error(refused) == "KeyError: 'y'"


def test_encode_error(nats_server, toy_peer):
    async def body():
        async with connect(nats_server.url) as nc:
            raised = await roundtrip(nc, toy_peer, "test.BadEncode", msgpack.packb(1), case="c.bad-encode")
            not_bytes = await roundtrip(nc, toy_peer, "test.NotBytes", msgpack.packb(1), case="c.not-bytes")
            return raised, not_bytes

    raised, not_bytes = run(body())
    assert status(raised) == "encode-error" and raised.data == b""
    assert raised.headers["Msgpact-Case"] == "c.bad-encode"
    assert error(raised) == "TypeError: toy encode cannot write this value"
    assert status(not_bytes) == "encode-error" and not_bytes.data == b""
    assert "returned str, expected bytes" in error(not_bytes)


def test_unknown_type(nats_server, toy_peer):
    async def body():
        async with connect(nats_server.url) as nc:
            return await roundtrip(nc, toy_peer, "chat.NotServed", msgpack.packb(1), case="c.unknown")

    msg = run(body())
    assert status(msg) == "unknown-type"
    assert msg.headers["Msgpact-Case"] == "c.unknown"
    assert "chat.NotServed" in error(msg)
    assert msg.data == b""


def test_missing_headers_are_internal_errors(nats_server, toy_peer):
    async def body():
        async with connect(nats_server.url) as nc:
            no_type = await roundtrip(nc, toy_peer, None, msgpack.packb(1), case="c.no-type")
            no_case = await roundtrip(nc, toy_peer, "test.Point", msgpack.packb({"x": 1, "y": 2}), case=None)
            none = await roundtrip(nc, toy_peer, None, msgpack.packb(1), case=None)
            return no_type, no_case, none

    no_type, no_case, none = run(body())
    assert status(no_type) == "internal-error" and "Msgpact-Type" in error(no_type)
    assert no_type.headers["Msgpact-Case"] == "c.no-type"
    assert status(no_case) == "internal-error" and "Msgpact-Case" in error(no_case)
    assert status(none) == "internal-error"
    assert "Msgpact-Case" in error(none) and "Msgpact-Type" in error(none)
    assert no_type.data == no_case.data == none.data == b""


def test_header_names_are_matched_without_regard_to_case(nats_server, toy_peer):
    async def body():
        async with connect(nats_server.url) as nc:
            return await nc.request(
                toy_peer.subject("roundtrip"), msgpack.packb({"x": 1, "y": 2}), timeout=10,
                headers={"msgpact-type": "test.Point", "MSGPACT-CASE": "c.lower"},
            )

    msg = run(body())
    assert status(msg) == "ok" and msg.headers["Msgpact-Case"] == "c.lower"


def test_unknown_operation_gets_an_internal_error_reply(nats_server, toy_peer):
    async def body():
        async with connect(nats_server.url) as nc:
            return await nc.request(toy_peer.subject("frobnicate"), b"", timeout=10)

    msg = run(body())
    assert status(msg) == "internal-error" and "frobnicate" in error(msg)


def test_reply_bigger_than_max_payload_is_an_internal_error(nats_server, toy_peer):
    async def body():
        async with connect(nats_server.url) as nc:
            reply = await roundtrip(nc, toy_peer, "test.Huge", msgpack.packb(1), case="c.huge")
            after = await roundtrip(nc, toy_peer, "test.Any", msgpack.packb(1), case="c.after")
            return reply, after

    reply, after = run(body())
    assert status(reply) == "internal-error" and "max_payload" in error(reply)
    assert reply.headers["Msgpact-Case"] == "c.huge"
    assert status(after) == "ok"


def test_many_concurrent_requests_are_all_answered_correctly(nats_server, toy_peer):
    count = 2000

    async def body():
        async with connect(nats_server.url) as nc:
            async def one(i):
                payload = msgpack.packb({"x": i, "y": -i})
                return i, await roundtrip(nc, toy_peer, "test.Point", payload, case=f"concurrent.{i}", timeout=30)

            return await asyncio.gather(*(one(i) for i in range(count)))

    results = run(body())
    assert len(results) == count
    for i, msg in results:
        assert status(msg) == "ok", (i, msg.headers)
        assert msg.headers["Msgpact-Case"] == f"concurrent.{i}"
        assert msg.data == msgpack.packb({"x": i, "y": -i})


def test_mixed_statuses_in_flight_keep_their_case(nats_server, toy_peer):
    kinds = [("test.Point", msgpack.packb({"x": 1, "y": 2}), "ok"),
             ("test.BadDecode", b"\x01", "decode-error"),
             ("test.BadEncode", b"\x01", "encode-error"),
             ("nope.Nope", b"\x01", "unknown-type"),
             ("test.Any", b"\xdb\xff\xff\xff\xff", "decode-error")]

    async def body():
        async with connect(nats_server.url) as nc:
            tasks = []
            for i in range(500):
                type_name, payload, expected = kinds[i % len(kinds)]
                tasks.append((f"mixed.{i}", expected,
                              roundtrip(nc, toy_peer, type_name, payload, case=f"mixed.{i}", timeout=30)))
            replies = await asyncio.gather(*(t[2] for t in tasks))
            return [(case, expected, reply) for (case, expected, _), reply in zip(tasks, replies)]

    for case, expected, reply in run(body()):
        assert reply.headers["Msgpact-Case"] == case
        assert status(reply) == expected, (case, reply.headers)


def test_hostile_payloads_do_not_hurt_the_peer(nats_server, toy_peer):
    hostile = [
        b"",
        b"\xdb\xff\xff\xff\xff",              # str32 claiming 4 GiB
        b"\xdd\xff\xff\xff\xff",              # array32 claiming 4 G elements
        b"\xdf\xff\xff\xff\xff",              # map32 claiming 4 G pairs
        b"\xc6\xff\xff\xff\xff\x00",          # bin32 claiming 4 GiB
        b"\xc9\xff\xff\xff\xff\x01",          # ext32 claiming 4 GiB
        b"\x82\xa1x\x01",                     # truncated map
        b"\xc1",                              # never used
        b"\x91" * 200_000,                    # nested far past any stack
        b"\x81" * 100_000 + b"\x00",          # nested maps
        b"\x01\x02\x03",                      # trailing bytes
        bytes(range(256)) * 64,               # noise
    ]

    async def body():
        async with connect(nats_server.url) as nc:
            replies = []
            for type_name in ("test.Any", "test.Point"):
                for i, payload in enumerate(hostile):
                    replies.append(await roundtrip(nc, toy_peer, type_name, payload, case=f"hostile.{type_name}.{i}"))
            hello = await nc.request(toy_peer.subject("hello"), b"", timeout=10)
            ok = await roundtrip(nc, toy_peer, "test.Point", msgpack.packb({"x": 1, "y": 2}))
            return replies, hello, ok

    replies, hello, ok = run(body())
    for reply in replies:
        assert status(reply) == "decode-error", (reply.headers, reply.data[:20])
        assert reply.data == b""
        assert 0 < len(error(reply).encode("utf-8")) <= 1000
    assert hello_json(hello.data)["name"] == "python"
    assert status(ok) == "ok"
    assert toy_peer.alive(), toy_peer.log()


def test_a_request_without_reply_subject_is_ignored_and_harmless(nats_server, toy_peer):
    async def body():
        async with connect(nats_server.url) as nc:
            await nc.publish(toy_peer.subject("roundtrip"), b"\xdb\xff\xff\xff\xff",
                             headers={"Msgpact-Type": "test.Any", "Msgpact-Case": "c.no-reply"})
            await nc.flush()
            return await roundtrip(nc, toy_peer, "test.Any", msgpack.packb([1, 2]))

    msg = run(body())
    assert status(msg) == "ok" and msg.data == msgpack.packb([1, 2])
    assert toy_peer.alive()


def test_instances_of_one_peer_share_the_load_through_the_queue_group(nats_server, make_peer):
    env = peer_env(nats_server.url, name="shared")
    first = make_peer(env)
    second = make_peer(env)
    count = 300

    async def body():
        async with connect(nats_server.url) as nc:
            inbox = nc.new_inbox()
            replies = []

            async def collect(msg):
                replies.append(msg)

            sub = await nc.subscribe(inbox + ".*", cb=collect)
            for i in range(count):
                await nc.publish(first.subject("roundtrip"), msgpack.packb(i), reply=f"{inbox}.{i}",
                                 headers={"Msgpact-Type": "test.Any", "Msgpact-Case": f"q.{i}"})
            deadline = asyncio.get_running_loop().time() + 20
            while len(replies) < count and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # a second reply per request, if the queue group were missing, arrives here
            await sub.unsubscribe()
            return replies

    replies = run(body())
    cases = sorted(m.headers["Msgpact-Case"] for m in replies)
    assert len(replies) == count, f"{len(replies)} replies for {count} requests"
    assert cases == sorted(f"q.{i}" for i in range(count))
    assert first.alive() and second.alive()



def test_without_the_fast_path_the_replies_are_the_same(nats_server, toy_peer, make_peer):
    plain = make_peer(peer_env(nats_server.url, name="plain", TOY_PEER_NO_FASTPATH="1"))
    requests = [("test.Point", msgpack.packb({"x": 1, "y": 2}), "c.ok"),
                ("test.Point", bytes.fromhex("82a178d30000000000000007a179cc05"), "c.ok2"),
                ("test.BadDecode", b"\x01", "c.dec"),
                ("test.BadEncode", b"\x01", "c.enc"),
                ("test.NotBytes", b"\x01", "c.nb"),
                ("test.Huge", b"\x01", "c.huge"),
                ("nope.Nope", b"\x01", "c.unknown"),
                (None, b"\x01", "c.no-type"),
                ("test.Any", b"\xdb\xff\xff\xff\xff", None)]

    async def body():
        async with connect(nats_server.url) as nc:
            out = []
            for peer in (toy_peer, plain):
                out.append([await roundtrip(nc, peer, t, p, case=c) for t, p, c in requests])
            return out

    fast, slow = run(body())
    assert [(m.headers, m.data) for m in fast] == [(m.headers, m.data) for m in slow]
    assert "ok" in [status(m) for m in slow]
    assert "fast path off" in plain.log()
    # nats-py versions without the internals the fast path needs (older than the pinned one) serve without it
    assert ("fast path on" if fast_path_available() else "fast path off") in toy_peer.log()
