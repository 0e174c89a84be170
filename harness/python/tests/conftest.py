"""Fixtures for the Python peer SDK tests: a real nats-server and the toy peer as a real subprocess.

Why this file exists: the SDK is only proven by the protocol running over a real NATS server, with the peer
started the way the runner starts it (a process with the MSGPACT_* environment, ready line on stderr, signals,
exit status). A missing nats-server fails the tests; outside CI a developer may skip them deliberately with
MSGPACT_TEST_SKIP_NATS=1 (as in the Go suite). `cargo test --workspace` hands over the nats-server msgpact uses
(MSGPACT_NATS_SERVER) and fails on any skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest

TESTS_DIR = Path(__file__).resolve().parent
PEER_DIR = TESTS_DIR.parent
TOY_PEER = TESTS_DIR / "toy_peer.py"

IN_CI = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
START_TIMEOUT = 20.0

if str(PEER_DIR) not in sys.path:
    sys.path.insert(0, str(PEER_DIR))


NATS_SERVER_VERSION = "v2.15.2"  # the version msgpact builds (NATS_SERVER_VERSION in src/nats/mod.rs)


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _msgpact_cache() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "msgpact" / "nats-server" / NATS_SERVER_VERSION / "bin" / "nats-server"


def find_nats_server() -> Optional[str]:
    """The way msgpact finds one: MSGPACT_NATS_SERVER (what `cargo test` hands over) or NATS_SERVER_BIN, else
    nats-server on PATH, else Debian's /usr/sbin/nats-server (not always on PATH), else the one msgpact built
    once with `go install` into the user's cache."""
    for name in ("MSGPACT_NATS_SERVER", "NATS_SERVER_BIN"):
        explicit = os.environ.get(name)
        if explicit:
            return explicit if _executable(explicit) else None
    found = shutil.which("nats-server")
    if found and _executable(found):
        return found
    for candidate in ("/usr/sbin/nats-server", "/usr/local/sbin/nats-server", str(_msgpact_cache())):
        if _executable(candidate):
            return candidate
    return None


def require_nats_server() -> str:
    path = find_nats_server()
    if path is not None:
        return path
    reason = (
        "nats-server was not found (looked at $MSGPACT_NATS_SERVER, $NATS_SERVER_BIN, PATH, /usr/sbin and "
        f"{_msgpact_cache()}); run these tests from `cargo test --workspace`, which hands over the nats-server "
        "msgpact uses, or install nats-server"
    )
    if IN_CI or os.environ.get("MSGPACT_TEST_SKIP_NATS") != "1":
        pytest.fail(("CI=true and " if IN_CI else "") + reason
                    + ("" if IN_CI else "; to skip these tests deliberately, set MSGPACT_TEST_SKIP_NATS=1"), pytrace=False)
    print(f"\n!!! SKIPPING NATS TESTS (MSGPACT_TEST_SKIP_NATS=1): {reason} !!!", file=sys.stderr)
    pytest.skip("NOT RUN (MSGPACT_TEST_SKIP_NATS=1): " + reason)


class NatsServer:
    """A nats-server on a free loopback port (-p -1: the server picks it and logs it)."""

    _LISTEN = re.compile(r"Listening for client connections on 127\.0\.0\.1:(\d+)")

    def __init__(self, binary: str, workdir: Path, extra_args: Optional[List[str]] = None) -> None:
        self.binary = binary
        self.workdir = workdir
        self.log_path = workdir / f"nats-server-{uuid.uuid4().hex[:8]}.log"
        self.extra_args = extra_args or []
        self.proc: Optional[subprocess.Popen] = None
        self.port: Optional[int] = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> "NatsServer":
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [self.binary, "-a", "127.0.0.1", "-p", "-1", *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            text = self.log_path.read_text(errors="replace")
            match = self._LISTEN.search(text)
            if match and "Server is ready" in text:
                self.port = int(match.group(1))
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"nats-server did not start; its log:\n{self.log_path.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


class PeerProcess:
    """The toy peer (tests/toy_peer.py) as a subprocess with the MSGPACT_* environment."""

    def __init__(self, env: Dict[str, str], log_path: Path, script: Path = TOY_PEER) -> None:
        self.env = env
        self.log_path = log_path
        self.script = script
        self.proc: Optional[subprocess.Popen] = None

    @property
    def prefix(self) -> str:
        return self.env["MSGPACT_SUBJECT_PREFIX"]

    @property
    def name(self) -> str:
        return self.env["MSGPACT_PEER"]

    def subject(self, operation: str) -> str:
        return f"{self.prefix}.{self.name}.{operation}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def spawn(self) -> "PeerProcess":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, str(self.script)],
            env=self.env, stdout=log, stderr=log, stdin=subprocess.DEVNULL, cwd=str(PEER_DIR),
        )
        log.close()
        return self

    def start(self) -> "PeerProcess":
        self.spawn()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if "msgpact-peer ready" in self.log():
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"the toy peer exited with {self.proc.returncode} before ready:\n{self.log()}")
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"the toy peer was not ready within {START_TIMEOUT} s:\n{self.log()}")

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=timeout)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def peer_env(url: str, *, name: str = "python", prefix: Optional[str] = None, **extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSGPACT_")}
    env.update({
        "MSGPACT_NATS_URL": url,
        "MSGPACT_SUBJECT_PREFIX": prefix or f"msgpact.run.{uuid.uuid4().hex[:8]}",
        "MSGPACT_PEER": name,
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def nats_server_bin() -> str:
    return require_nats_server()


@pytest.fixture(scope="session")
def nats_server(nats_server_bin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    """One nats-server shared by the tests that do not stop it."""
    server = NatsServer(nats_server_bin, tmp_path_factory.mktemp("nats")).start()
    yield server
    server.stop()


@pytest.fixture
def own_nats_server(nats_server_bin: str, tmp_path: Path) -> Iterator[NatsServer]:
    """A nats-server for one test (which may stop it)."""
    server = NatsServer(nats_server_bin, tmp_path).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def toy_peer(nats_server: NatsServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PeerProcess]:
    """The toy peer, started once per test module and stopped after it."""
    log = tmp_path_factory.mktemp("peer") / "toy-peer.log"
    peer = PeerProcess(peer_env(nats_server.url), log).start()
    yield peer
    peer.stop()


@pytest.fixture
def make_peer(tmp_path: Path) -> Iterator:
    """Start extra peers for one test; every one still running at the end is stopped."""
    started: List[PeerProcess] = []

    def make(env: Dict[str, str], *, wait_ready: bool = True) -> PeerProcess:
        peer = PeerProcess(env, tmp_path / f"peer-{len(started)}.log")
        started.append(peer)
        return peer.start() if wait_ready else peer.spawn()

    yield make
    for peer in started:
        peer.stop()


def run(coro, timeout: float = 60.0):
    """Run one async test body with a hard time limit."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


class _Utf8HeaderParser:
    """Parses a header block as nats-py 2.16 does (UTF-8 values), for the tests' own client.

    nats-py before 2.15 parses headers with email's BytesParser, which gives no str for a non-ASCII value (such
    as an error line with "é"), and then drops the reply's headers. That is the test client's problem, not the
    peer's: the runner reads headers with async-nats. With this parser the suite checks the peer the same way
    on every nats-py version the SDK supports (tests/sdk/packages.rs runs it on the oldest).
    """

    @staticmethod
    def parsebytes(raw: bytes) -> Dict[str, str]:
        out: Dict[str, str] = {}
        for line in raw.split(b"\r\n"):
            name, sep, value = line.partition(b":")
            if sep and name.strip():
                out[name.strip().decode("ascii", "replace")] = value.strip().decode("utf-8", "replace")
        return out


@contextlib.asynccontextmanager
async def connect(url: str, **options):
    import nats

    nc = await nats.connect(url, allow_reconnect=False, **options)
    nc._hdr_parser = _Utf8HeaderParser()
    try:
        yield nc
    finally:
        await nc.close()


def hello_json(data: bytes) -> dict:
    return json.loads(data.decode("utf-8"))
