"""Unit tests of the SDK's pure parts: error lines, environment checks, registration, round-trip statuses.

Why this file exists: these rules (what becomes which status, how an error line is cut, which environment is
refused) are cheapest to pin down without a server; the NATS tests then prove the same rules end to end.
"""

from __future__ import annotations

from importlib import metadata

import msgpack
import pytest

from msgpact_peer import Config, ConfigError, Info, Peer
from msgpact_peer.protocol import MAX_ERROR_BYTES, describe, one_line


def point_peer() -> Peer:
    peer = Peer(Info(language="python", library="msgpack", contracts_hash="sha256:abc"))
    peer.register("test.Point", decode=msgpack.unpackb, encode=msgpack.packb)
    return peer


# ------------------------------------------------------------------------------------------- error lines


def test_one_line_removes_line_breaks_and_control_characters():
    assert one_line("first\nsecond\r\nthird\tfourth\x00fifth\u2028sixth") == "first second third fourth fifth sixth"


def test_one_line_cuts_at_1000_utf8_bytes_on_a_character_boundary():
    line = one_line("é" * 5000)  # 2 bytes each
    raw = line.encode("utf-8")
    assert len(raw) <= MAX_ERROR_BYTES
    assert len(raw) >= MAX_ERROR_BYTES - 4
    assert line.endswith("…")
    raw.decode("utf-8")  # whole characters only


def test_one_line_keeps_short_text_unchanged():
    assert one_line("ValueError: Unpack failed: incomplete input") == "ValueError: Unpack failed: incomplete input"


def test_describe_names_the_exception_class_even_without_a_message():
    assert describe(msgpack.exceptions.FormatError()) == "FormatError"
    assert describe(KeyError("x")) == "KeyError: 'x'"

    class Broken(Exception):
        def __str__(self):
            raise RuntimeError("no")

    assert describe(Broken()) == "Broken"


# ------------------------------------------------------------------------------------------- environment


GOOD_ENV = {
    "MSGPACT_NATS_URL": "nats://127.0.0.1:4222",
    "MSGPACT_SUBJECT_PREFIX": "msgpact.run.3f9a1c2b",
    "MSGPACT_PEER": "python",
}


def test_env_is_read_and_gives_the_wildcard_subject():
    env = Config.from_env(GOOD_ENV)
    assert env.subject() == "msgpact.run.3f9a1c2b.python.*"
    assert env.operation_subject("hello") == "msgpact.run.3f9a1c2b.python.hello"
    assert env.nats_creds is None


def test_missing_env_names_every_missing_variable():
    with pytest.raises(ConfigError) as info:
        Config.from_env({})
    text = str(info.value)
    for name in ("MSGPACT_NATS_URL", "MSGPACT_SUBJECT_PREFIX", "MSGPACT_PEER"):
        assert name in text


@pytest.mark.parametrize("name", ["py thon", "py.thon", "py*", ">", ""])
def test_peer_name_must_be_a_subject_token(name):
    with pytest.raises(ConfigError, match="MSGPACT_PEER"):
        Config.from_env({**GOOD_ENV, "MSGPACT_PEER": name})


@pytest.mark.parametrize("prefix", ["msgpact..run", "msgpact.run.", ".msgpact", "msgpact.*", "msgpact run"])
def test_prefix_must_be_subject_tokens(prefix):
    with pytest.raises(ConfigError, match="MSGPACT_SUBJECT_PREFIX"):
        Config.from_env({**GOOD_ENV, "MSGPACT_SUBJECT_PREFIX": prefix})


def test_creds_must_be_an_existing_file(tmp_path):
    with pytest.raises(ConfigError, match="MSGPACT_NATS_CREDS"):
        Config.from_env({**GOOD_ENV, "MSGPACT_NATS_CREDS": str(tmp_path / "missing.creds")})
    creds = tmp_path / "user.creds"
    creds.write_text("x")
    assert Config.from_env({**GOOD_ENV, "MSGPACT_NATS_CREDS": str(creds)}).nats_creds == str(creds)


# ------------------------------------------------------------------------------------------- registration


def test_register_rejects_bad_names_duplicates_and_non_callables():
    peer = point_peer()
    with pytest.raises(ValueError, match="twice"):
        peer.register("test.Point", decode=msgpack.unpackb, encode=msgpack.packb)
    for bad in ("Point", "test.", ".Point", "test Point", "test.Po-int"):
        with pytest.raises(ValueError, match="fully qualified"):
            peer.register(bad, decode=msgpack.unpackb, encode=msgpack.packb)
    with pytest.raises(TypeError):
        peer.register("test.Other", decode=None, encode=msgpack.packb)


def test_types_are_sorted():
    peer = Peer()
    for name in ("voice.AudioChunk", "chat.ChatRequest", "chat.ChatChunk"):
        peer.register(name, decode=msgpack.unpackb, encode=msgpack.packb)
    assert peer.types() == ["chat.ChatChunk", "chat.ChatRequest", "voice.AudioChunk"]


def test_hello_reports_run_time_versions():
    hello = point_peer().hello("python")
    assert hello == {
        "protocol": 1,
        "name": "python",
        "language": "python",
        "library": "msgpack",
        "library_version": metadata.version("msgpack"),
        "nats_library": "nats-py",
        "nats_library_version": metadata.version("nats-py"),
        "contracts_hash": "sha256:abc",
        "types": ["test.Point"],
    }
    # the distribution's version is the module's own version, not a string copied into the SDK
    assert hello["library_version"] == ".".join(str(part) for part in msgpack.version)


def test_hand_written_types_report_the_runs_contracts_hash():
    env = {"MSGPACT_NATS_URL": "nats://127.0.0.1:4222", "MSGPACT_SUBJECT_PREFIX": "msgpact.run.1", "MSGPACT_PEER": "p"}
    config = Config.from_env({**env, "MSGPACT_CONTRACTS_HASH": " sha256:lock "})
    assert config.contracts_hash == "sha256:lock"
    assert Config.from_env(env).contracts_hash == "", "the variable is optional"
    own = Peer()  # Info() gives no contracts hash: the types are the service's own
    own.register("test.Point", decode=msgpack.unpackb, encode=msgpack.packb)
    assert own.hello("p", config.contracts_hash)["contracts_hash"] == "sha256:lock"
    assert own.hello("p")["contracts_hash"] == ""
    # generated types carry their own hash, which wins: a stale peer still says what it was built from
    assert point_peer().hello("p", "sha256:lock")["contracts_hash"] == "sha256:abc"


def test_unknown_library_is_a_config_error_and_an_explicit_version_wins():
    with pytest.raises(ConfigError, match="no-such-msgpack-library"):
        Peer(Info(library="no-such-msgpack-library")).hello("python")
    assert Peer(Info(library="no-such-msgpack-library", library_version="9.9")).hello("p")["library_version"] == "9.9"


# ------------------------------------------------------------------------------------------- round-trip


def test_roundtrip_ok_reencodes_with_the_library():
    # d3 = int64 5: a valid but non-smallest encoding; msgpack-python writes 05 back
    status, body, error = point_peer().roundtrip("test.Point", bytes.fromhex("81a178d30000000000000005"))
    assert (status, body, error) == ("ok", bytes.fromhex("81a17805"), "")


@pytest.mark.parametrize(
    "payload",
    [b"", b"\xdb\xff\xff\xff\xff", b"\xdd\xff\xff\xff\xff", b"\xc1", b"\x82\xa1x", b"\x91" * 100_000, b"\x01\x02"],
)
def test_roundtrip_hostile_payloads_are_decode_errors(payload):
    status, body, error = point_peer().roundtrip("test.Point", payload)
    assert status == "decode-error"
    assert body == b""
    assert error and "\n" not in error and len(error.encode()) <= MAX_ERROR_BYTES


def test_roundtrip_statuses():
    peer = Peer()

    def bad_decode(_):
        raise ValueError("nope")

    def bad_encode(_):
        raise TypeError("cannot")

    peer.register("t.BadDecode", decode=bad_decode, encode=msgpack.packb)
    peer.register("t.BadEncode", decode=msgpack.unpackb, encode=bad_encode)
    peer.register("t.NotBytes", decode=msgpack.unpackb, encode=lambda v: 42)
    peer.register("t.Buffer", decode=msgpack.unpackb, encode=lambda v: bytearray(msgpack.packb(v)))
    assert peer.roundtrip("t.BadDecode", b"\x01") == ("decode-error", b"", "ValueError: nope")
    assert peer.roundtrip("t.BadEncode", b"\x01") == ("encode-error", b"", "TypeError: cannot")
    status, _, error = peer.roundtrip("t.NotBytes", b"\x01")
    assert status == "encode-error" and "returned int" in error
    assert peer.roundtrip("t.Buffer", b"\x01") == ("ok", b"\x01", "")
    status, _, error = peer.roundtrip("t.Missing", b"\x01")
    assert status == "unknown-type" and "t.Missing" in error
    status, _, error = peer.roundtrip(None, b"\x01")
    assert status == "internal-error" and "Msgpact-Type" in error


def test_register_after_serving_started_is_refused():
    peer = point_peer()
    peer._serving = True
    with pytest.raises(RuntimeError, match="before run"):
        peer.register("test.Late", decode=msgpack.unpackb, encode=msgpack.packb)


# ------------------------------------------------------------------------------------------- test fixtures


def test_missing_nats_server_fails_unless_skipped_deliberately_outside_ci(monkeypatch):
    import conftest

    monkeypatch.delenv("MSGPACT_NATS_SERVER", raising=False)
    monkeypatch.setenv("NATS_SERVER_BIN", "/nonexistent/nats-server")
    monkeypatch.delenv("MSGPACT_TEST_SKIP_NATS", raising=False)
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true and nats-server was not found"):
        conftest.require_nats_server()
    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(pytest.fail.Exception, match="MSGPACT_TEST_SKIP_NATS=1"):
        conftest.require_nats_server()
    monkeypatch.setenv("MSGPACT_TEST_SKIP_NATS", "1")
    with pytest.raises(pytest.skip.Exception, match="NOT RUN"):
        conftest.require_nats_server()
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        conftest.require_nats_server()


# ------------------------------------------------------------------------------------------- run() exit statuses


def test_run_without_types_exits_2_before_connecting(capsys):
    with pytest.raises(SystemExit) as info:
        Peer().run(environ=GOOD_ENV)  # nothing listens at GOOD_ENV's URL: a connect attempt would exit 1
    assert info.value.code == 2
    assert "no message types registered" in capsys.readouterr().err


def test_run_with_an_unknown_library_exits_2(capsys):
    peer = Peer(Info(library="no-such-msgpack-library"))
    peer.register("test.Point", decode=msgpack.unpackb, encode=msgpack.packb)
    with pytest.raises(SystemExit) as info:
        peer.run(environ=GOOD_ENV)
    assert info.value.code == 2
    assert "no-such-msgpack-library" in capsys.readouterr().err


def test_run_with_missing_environment_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        point_peer().run(environ={"MSGPACT_PEER": "python"})
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "MSGPACT_NATS_URL" in err and "MSGPACT_SUBJECT_PREFIX" in err


# ------------------------------------------------------------------------------------------- packaging


def test_the_sdk_is_written_in_the_python_its_distribution_declares():
    """pyproject.toml says requires-python >= 3.8: every module of the package must parse as Python 3.8."""
    import ast
    from pathlib import Path

    import msgpact_peer

    package = Path(msgpact_peer.__file__).parent
    modules = sorted(package.glob("*.py"))
    assert len(modules) >= 7, modules
    for module in modules:
        ast.parse(module.read_text(encoding="utf-8"), filename=str(module), feature_version=(3, 8))
    pyproject = package.parent / "pyproject.toml"
    if pyproject.is_file():  # in the source tree (the installed package has no pyproject.toml beside it)
        assert 'requires-python = ">=3.8"' in pyproject.read_text(encoding="utf-8")
