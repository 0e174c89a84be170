"""The Python reference peer (peer.py on the generated types) end to end: a real nats-server, peer.py as a
subprocess started the way the runner starts it, and this test as the runner.

Why this file exists: `msgpact verify` relies on the reference peer answering hello with every message type of
the contracts and the generated wire hash, and on its round-trips returning the canonical bytes; a payload
the contract refuses must come back as a decode-error naming the field, never bring the peer down.
"""

from __future__ import annotations

import asyncio
from importlib import metadata
from typing import Iterator

import msgpack
import pytest

from conftest import PEER_DIR, PeerProcess, connect, hello_json, peer_env, run
from generated import CONTRACTS_HASH, MESSAGE_TYPES
from test_generated import golden, golden_vectors

PEER_SCRIPT = PEER_DIR / "peer.py"


@pytest.fixture(scope="module")
def reference_peer(nats_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PeerProcess]:
    log = tmp_path_factory.mktemp("reference-peer") / "peer.log"
    peer = PeerProcess(peer_env(nats_server.url), log, script=PEER_SCRIPT).start()
    yield peer
    peer.stop()
    assert peer.proc is not None and peer.proc.returncode == 0, peer.log()


async def roundtrip(nc, peer: PeerProcess, type_name: str, payload: bytes, case: str):
    headers = {"Msgpact-Type": type_name, "Msgpact-Case": case}
    return await nc.request(peer.subject("roundtrip"), payload, timeout=20, headers=headers)


def test_hello_lists_every_contract_type_and_the_wire_hash(nats_server, reference_peer):
    async def body():
        async with connect(nats_server.url) as nc:
            return await nc.request(reference_peer.subject("hello"), b"", timeout=10)

    hello = hello_json(run(body()).data)
    assert hello["protocol"] == 1
    assert hello["name"] == "python" and hello["language"] == "python"
    assert hello["library"] == "msgpack" and hello["library_version"] == metadata.version("msgpack")
    assert hello["contracts_hash"] == CONTRACTS_HASH
    assert hello["types"] == sorted(MESSAGE_TYPES)
    assert set(hello["types"]) == {t for t, _, _ in golden_vectors()}


def test_every_golden_vector_comes_back_identical(nats_server, reference_peer):
    vectors = golden_vectors()
    assert len(vectors) > 300

    async def body():
        async with connect(nats_server.url) as nc:
            return await asyncio.gather(*(roundtrip(nc, reference_peer, t, data, case) for t, case, data in vectors))

    replies = run(body(), timeout=120)
    failures = []
    for (type_name, case, data), msg in zip(vectors, replies):
        headers = msg.headers or {}
        if headers.get("Msgpact-Case") != case:
            failures.append(f"{type_name} {case}: reply for case {headers.get('Msgpact-Case')!r}")
        elif headers.get("Msgpact-Status") != "ok":
            failures.append(f"{type_name} {case}: {headers.get('Msgpact-Status')}: {headers.get('Msgpact-Error')}")
        elif msg.data != data:
            failures.append(f"{type_name} {case}: other bytes: {msg.data[:24].hex(' ')} ...")
    assert not failures, f"{len(failures)} of {len(vectors)} failed:\n" + "\n".join(failures)


def test_a_few_roundtrips_one_by_one(nats_server, reference_peer):
    cases = [("chat.ChatRequest", "example.with-audio"), ("pipeline.PipelineParams", "example.typical"),
             ("voice.VoiceActivity", "example.speech-start"), ("stream.ResponseChunk", "edge.finish_reason.nil")]

    async def body():
        async with connect(nats_server.url) as nc:
            return [await roundtrip(nc, reference_peer, t, golden(t, c), c) for t, c in cases]

    for (type_name, case), msg in zip(cases, run(body())):
        assert msg.headers["Msgpact-Status"] == "ok", msg.headers
        assert msg.headers["Msgpact-Case"] == case
        assert msg.data == golden(type_name, case)


def test_non_canonical_payload_comes_back_canonical(nats_server, reference_peer):
    usage = b"\x83\xadprompt_tokens\xd3" + (812).to_bytes(8, "big") + \
        b"\xb1completion_tokens\xce" + (230).to_bytes(4, "big") + b"\xactotal_tokens\xcd\x04\x12"

    async def body():
        async with connect(nats_server.url) as nc:
            return await roundtrip(nc, reference_peer, "common.TokenUsage", usage, "c.wide-ints")

    msg = run(body())
    assert msg.headers["Msgpact-Status"] == "ok", msg.headers
    assert msg.data == golden("common.TokenUsage", "example.typical")


def test_broken_payloads_are_decode_errors_naming_the_field(nats_server, reference_peer):
    turn = msgpack.unpackb(golden("chat.ChatRequest", "example.with-audio"))
    turn["history"][1]["role"] = "admin"
    bad_role = msgpack.packb(turn)
    usage = msgpack.packb({"prompt_tokens": 2**32, "completion_tokens": 0, "total_tokens": 0})

    async def body():
        async with connect(nats_server.url) as nc:
            return (await roundtrip(nc, reference_peer, "chat.ChatRequest", bad_role, "c.bad-role"),
                    await roundtrip(nc, reference_peer, "common.TokenUsage", usage, "c.out-of-range"),
                    await roundtrip(nc, reference_peer, "common.TokenUsage", b"\xc1", "c.not-msgpack"),
                    await roundtrip(nc, reference_peer, "chat.ChatTurn", golden("chat.ChatTurn", "example.minimal"),
                                    "c.after"))

    bad_role, out_of_range, not_msgpack, after = run(body())
    assert bad_role.headers["Msgpact-Status"] == "decode-error" and bad_role.data == b""
    assert bad_role.headers["Msgpact-Case"] == "c.bad-role"
    assert bad_role.headers["Msgpact-Error"] == "DecodeError: $.history[1].role: unknown common.Role value 'admin'"
    assert out_of_range.headers["Msgpact-Status"] == "decode-error"
    assert out_of_range.headers["Msgpact-Error"].startswith("DecodeError: $.prompt_tokens: 4294967296 is out of range")
    assert not_msgpack.headers["Msgpact-Status"] == "decode-error"
    assert "not valid MessagePack" in not_msgpack.headers["Msgpact-Error"]
    # the peer is still serving
    assert after.headers["Msgpact-Status"] == "ok" and after.data == golden("chat.ChatTurn", "example.minimal")
    assert reference_peer.alive()
