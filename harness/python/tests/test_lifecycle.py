"""The peer process's life: start-up errors, the ready line, signals, a lost server, and credentials.

Why this file exists: the runner judges a peer by its process as much as by its replies (exit status 2 for a
wrong environment, ready line, exit 0 on SIGTERM/SIGINT after answering what it received, exit when NATS is
gone for good), and a NATS server with authentication must be reachable through MSGPACT_NATS_CREDS.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import signal
import time

import msgpack
import nkeys
import pytest

from conftest import NatsServer, connect, hello_json, peer_env, run


def test_missing_environment_exits_2_and_names_the_variables(nats_server, make_peer):
    env = {k: v for k, v in peer_env(nats_server.url).items() if not k.startswith("MSGPACT_")}
    peer = make_peer(env, wait_ready=False)
    assert peer.wait(timeout=30) == 2
    log = peer.log()
    for name in ("MSGPACT_NATS_URL", "MSGPACT_SUBJECT_PREFIX", "MSGPACT_PEER"):
        assert name in log
    assert "msgpact-peer ready" not in log
    assert "Traceback" not in log


def test_invalid_peer_name_exits_2(nats_server, make_peer):
    peer = make_peer(peer_env(nats_server.url, name="not a token"), wait_ready=False)
    assert peer.wait(timeout=30) == 2
    assert "MSGPACT_PEER" in peer.log() and "Traceback" not in peer.log()


def test_missing_creds_file_exits_2(nats_server, make_peer, tmp_path):
    env = peer_env(nats_server.url, MSGPACT_NATS_CREDS=str(tmp_path / "absent.creds"))
    peer = make_peer(env, wait_ready=False)
    assert peer.wait(timeout=30) == 2
    assert "MSGPACT_NATS_CREDS" in peer.log()


def test_unreachable_server_exits_1_with_a_message(own_nats_server, make_peer):
    url = own_nats_server.url
    own_nats_server.stop()  # a port that just had a server and now has none
    peer = make_peer(peer_env(url, TOY_PEER_CONNECT_TIMEOUT="2"), wait_ready=False)
    assert peer.wait(timeout=30) == 1
    assert "cannot connect to NATS" in peer.log()
    assert "msgpact-peer ready" not in peer.log()


def test_ready_means_subscribed(nats_server, make_peer):
    """The first request sent right after the ready line is answered: no retry needed."""
    peer = make_peer(peer_env(nats_server.url))

    async def body():
        async with connect(nats_server.url) as nc:
            return await nc.request(peer.subject("hello"), b"", timeout=5)

    assert hello_json(run(body()).data)["name"] == "python"
    assert peer.log().count("msgpact-peer ready") == 1


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_exits_0_after_answering_requests_in_flight(nats_server, make_peer, signum):
    peer = make_peer(peer_env(nats_server.url))

    async def body():
        async with connect(nats_server.url) as nc:
            def request(i):
                return asyncio.ensure_future(nc.request(
                    peer.subject("roundtrip"), msgpack.packb(i), timeout=15,
                    headers={"Msgpact-Type": "test.Slow", "Msgpact-Case": f"slow.{i}"}))

            # test.Slow blocks the peer 0.5 s per request. The first one is being handled when the others are
            # sent and when the signal arrives: those are received but not yet handled, and a drain answers them.
            requests = [request(0)]
            await nc.flush()
            await asyncio.sleep(0.2)
            requests += [request(1), request(2)]
            await nc.flush()
            peer.proc.send_signal(signum)
            return await asyncio.gather(*requests)

    replies = run(body())
    assert [r.headers["Msgpact-Status"] for r in replies] == ["ok", "ok", "ok"]
    assert [r.data for r in replies] == [msgpack.packb(i) for i in range(3)]
    assert peer.wait(timeout=20) == 0, peer.log()
    assert "Traceback" not in peer.log()


def test_exits_0_when_the_nats_connection_is_closed_for_good(own_nats_server, make_peer):
    options = json.dumps({"max_reconnect_attempts": 2, "reconnect_time_wait": 0.2})
    peer = make_peer(peer_env(own_nats_server.url, TOY_PEER_NATS_OPTIONS=options))
    own_nats_server.stop()
    started = time.monotonic()
    assert peer.wait(timeout=30) == 0, peer.log()
    assert time.monotonic() - started < 30
    assert "closed for good" in peer.log()


# ------------------------------------------------------------------------------------------- credentials


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _keypair(prefix: int):
    seed = nkeys.encode_seed(os.urandom(32), prefix)
    kp = nkeys.from_seed(bytearray(seed))
    return seed.decode(), kp.public_key.decode(), kp


def _jwt(signer, issuer: str, subject: str, name: str, nats_claims: dict) -> str:
    claims = {"iat": int(time.time()), "iss": issuer, "name": name, "sub": subject, "nats": nats_claims}
    claims["jti"] = base64.b32encode(hashlib.sha256(json.dumps(claims).encode()).digest()).decode().rstrip("=")
    header = _b64(json.dumps({"typ": "JWT", "alg": "ed25519-nkey"}).encode())
    signed = header + "." + _b64(json.dumps(claims).encode())
    return signed + "." + _b64(signer.sign(signed.encode()))


@pytest.fixture
def operator_mode_server(nats_server_bin, tmp_path):
    """A nats-server that only accepts users signed by its operator's account (decentralized JWT auth),
    and a credentials file for one such user."""
    _, op_pub, op_kp = _keypair(nkeys.PREFIX_BYTE_OPERATOR)
    _, ac_pub, ac_kp = _keypair(nkeys.PREFIX_BYTE_ACCOUNT)
    us_seed, us_pub, _ = _keypair(nkeys.PREFIX_BYTE_USER)
    unlimited = {"subs": -1, "data": -1, "payload": -1}
    op_jwt = _jwt(op_kp, op_pub, op_pub, "msgpact-test", {"type": "operator", "version": 2})
    ac_jwt = _jwt(op_kp, op_pub, ac_pub, "run", {
        "type": "account", "version": 2,
        "limits": {**unlimited, "imports": -1, "exports": -1, "wildcards": True, "conn": -1, "leaf": -1},
    })
    us_jwt = _jwt(ac_kp, ac_pub, us_pub, "peer", {"type": "user", "version": 2, "pub": {}, "sub": {}, **unlimited})
    conf = tmp_path / "operator.conf"
    conf.write_text(f'operator: "{op_jwt}"\nresolver: MEMORY\nresolver_preload: {{\n  {ac_pub}: "{ac_jwt}"\n}}\n')
    creds = tmp_path / "user.creds"
    creds.write_text(
        f"-----BEGIN NATS USER JWT-----\n{us_jwt}\n------END NATS USER JWT------\n\n"
        f"-----BEGIN USER NKEY SEED-----\n{us_seed}\n------END USER NKEY SEED------\n"
    )
    server = NatsServer(nats_server_bin, tmp_path, ["-c", str(conf)]).start()
    yield server, str(creds)
    server.stop()


def test_creds_are_used_to_connect(operator_mode_server, make_peer):
    server, creds = operator_mode_server
    without = make_peer(peer_env(server.url, TOY_PEER_CONNECT_TIMEOUT="2"), wait_ready=False)
    assert without.wait(timeout=30) == 1
    assert "Authorization Violation" in without.log()

    peer = make_peer(peer_env(server.url, MSGPACT_NATS_CREDS=creds))

    async def body():
        async with connect(server.url, user_credentials=creds) as nc:
            return await nc.request(peer.subject("roundtrip"), msgpack.packb({"x": 1, "y": 2}), timeout=10,
                                    headers={"Msgpact-Type": "test.Point", "Msgpact-Case": "c.creds"})

    msg = run(body())
    assert msg.headers["Msgpact-Status"] == "ok" and msg.data == msgpack.packb({"x": 1, "y": 2})
