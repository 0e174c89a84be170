"""The fast path must behave exactly like nats-py's own code it replaces.

Why this file exists: msgpact_peer.fastpath replaces two generic nats-py steps (parsing a request's header block,
encoding a reply's header block) for speed. These tests compare them with the installed nats-py's own
implementation on many inputs, so a nats-py upgrade that changes the behaviour fails here instead of silently
changing what the peer reads or writes.
"""

from __future__ import annotations

import asyncio
import random

import pytest
from nats.aio.client import Client
from nats.protocol.command import hpub_cmd

from msgpact_peer.fastpath import FastClient, fast_path_available, header_block


def test_the_installed_nats_py_has_what_the_fast_path_needs():
    assert fast_path_available()


FIXED_BLOCKS = [
    b"Msgpact-Type: chat.ChatRequest\r\nMsgpact-Case: example.minimal\r\n\r\n",
    b"Msgpact-Type:chat.ChatRequest\r\nMsgpact-Case:\texample.minimal \r\n\r\n",
    b"Msgpact-Type: a\r\nMsgpact-Type: b\r\n\r\n",
    b"Bad Name: x\r\nGood: y\r\n\r\n",
    b"NoColon\r\n: empty name\r\n\r\n",
    b"Caf\xc3\xa9: x\r\nK: caf\xc3\xa9 \xff\r\n\r\n",
    b"K\x1c: x\r\nK\x0b: y\r\n\x1fK: z\r\n\r\n",
    b"K: a: b: c\r\nK2: lone\nnewline\r\n\r\n",
    b"\r\n\r\n",
    b"",
]


def random_blocks(count: int, seed: int = 20261125):
    rng = random.Random(seed)
    alphabet = [b"a", b"Z", b"-", b":", b" ", b"\t", b"\r", b"\n", b"\r\n", b"\x1c", b"\x0b", b"\xc3\xa9", b"\xff",
                b"0"]
    for _ in range(count):
        yield b"".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))


def test_header_parser_matches_nats_py():
    blocks = FIXED_BLOCKS + list(random_blocks(20000))
    mismatches = [b for b in blocks if FastClient._parse_header_lines(b) != Client._parse_header_lines(b)]
    assert mismatches == []
    # the inputs do reach both branches: headers kept and lines skipped
    assert sum(1 for b in blocks if Client._parse_header_lines(b)) > 1000
    assert sum(1 for b in blocks if b and not Client._parse_header_lines(b)) > 1000


def nats_py_hpub(subject: str, payload: bytes, headers: dict) -> bytes:
    """What nats-py's own publish writes for these headers (captured at _send_command)."""
    client = Client()
    sent = []

    async def capture(cmd, priority=False):
        sent.append(cmd)

    client._send_command = capture
    client._flush_queue = None
    asyncio.run(client._send_publish(subject, "", payload, len(payload), headers))
    return sent[0]


@pytest.mark.parametrize(
    "headers",
    [
        {"Msgpact-Case": "example.minimal", "Msgpact-Status": "ok"},
        {"Msgpact-Case": " edge.sample_rate.65535 ", "Msgpact-Status": "decode-error",
         "Msgpact-Error": "ValueError: Unpack failed: incomplete input"},
        {"Msgpact-Status": "internal-error", "Msgpact-Error": "line\rwith\nbreaks é"},
    ],
)
def test_header_block_matches_nats_py(headers):
    payload = b"\x82\xa1x\x01\xa1y\x02"
    ours = hpub_cmd("_INBOX.abc.def", "", header_block(headers), payload)
    assert ours == nats_py_hpub("_INBOX.abc.def", payload, headers)


def test_ok_reply_header_matches_nats_py():
    from msgpact_peer.serve import _OK_HEAD, _OK_TAIL

    case = "edge.sample_rate.65535"
    ours = hpub_cmd("_INBOX.x", "", _OK_HEAD + case.encode() + _OK_TAIL, b"\x01")
    assert ours == nats_py_hpub("_INBOX.x", b"\x01", {"Msgpact-Case": case, "Msgpact-Status": "ok"})
