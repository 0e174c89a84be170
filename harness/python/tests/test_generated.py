"""The generated Python types (generated/, from `msgpact codegen --lang python`) against the golden vectors.

Why this file exists: the Python reference peer is only as good as its generated types. Every golden vector must
decode and re-encode to the identical bytes (the canonical profile), and decoding must refuse what the contract
forbids with an error that names the field path, while accepting every valid encoding of a valid value.
"""

from __future__ import annotations

import dataclasses
import math
import struct
from pathlib import Path
from typing import List, Tuple

import msgpack
import pytest

import generated
from generated import ABSENT, CONTRACTS_HASH, MESSAGE_TYPES, DecodeError, EncodeError, Timestamp, _runtime as rt
from generated.chat import ChatRequest, ChatTurn
from generated.common import Role, TokenUsage
from generated.pipeline import PipelineParams
from generated.stream import FinishReason, ResponseChunk
from generated.voice import AudioChunk, AudioFormat, VoiceActivity

PEER_DIR = Path(__file__).resolve().parent.parent
GOLDEN = PEER_DIR.parent.parent / "golden"
GENERATED = PEER_DIR / "generated"


def all_vectors() -> List[Tuple[str, str, bytes]]:
    """(type name, case, bytes) of every golden/<package>/<Message>/<case>.msgpack."""
    out = []
    for path in sorted(GOLDEN.glob("*/*/*.msgpack")):
        package, message = path.parent.parent.name, path.parent.name
        out.append((f"{package}.{message}", path.name[: -len(".msgpack")], path.read_bytes()))
    return out


def golden_vectors() -> List[Tuple[str, str, bytes]]:
    """The golden vectors a reader must accept (every case but the must-reject ones)."""
    return [v for v in all_vectors() if not v[1].startswith("reject.")]


def reject_vectors() -> List[Tuple[str, str, bytes]]:
    """The must-reject vectors (`reject.<kind>...`): payloads the contract forbids."""
    return [v for v in all_vectors() if v[1].startswith("reject.")]


def golden(type_name: str, case: str) -> bytes:
    package, message = type_name.split(".")
    return (GOLDEN / package / message / f"{case}.msgpack").read_bytes()


def fields(type_name: str, case: str) -> dict:
    """A golden vector as a plain dict (map-shaped messages), to break on purpose."""
    return msgpack.unpackb(golden(type_name, case), strict_map_key=False)


def refused(type_name: str, payload: bytes) -> DecodeError:
    with pytest.raises(DecodeError) as info:
        MESSAGE_TYPES[type_name].from_msgpack(payload)
    return info.value


# --- golden vectors ---------------------------------------------------------------------------------------------

def test_every_golden_vector_roundtrips_to_identical_bytes():
    vectors = golden_vectors()
    assert len(vectors) > 300, f"only {len(vectors)} golden vectors found under {GOLDEN}"
    failures = []
    for type_name, case, data in vectors:
        cls = MESSAGE_TYPES.get(type_name)
        if cls is None:
            failures.append(f"{type_name} {case}: no generated class")
            continue
        try:
            value = cls.from_msgpack(data)
        except Exception as e:  # noqa: BLE001 - every failure is reported, with its case
            failures.append(f"{type_name} {case}: decode failed: {type(e).__name__}: {e}")
            continue
        try:
            out = value.to_msgpack()
        except Exception as e:  # noqa: BLE001
            failures.append(f"{type_name} {case}: encode failed: {type(e).__name__}: {e}")
            continue
        if out != data:
            at = next((i for i, (a, b) in enumerate(zip(out, data)) if a != b), min(len(out), len(data)))
            failures.append(f"{type_name} {case}: bytes differ at offset {at}: golden {data[at:at + 12].hex(' ')} "
                            f"!= generated {out[at:at + 12].hex(' ')} (lengths {len(data)}, {len(out)})")
    assert not failures, f"{len(failures)} of {len(vectors)} golden vectors failed:\n" + "\n".join(failures)


def test_every_must_reject_vector_is_refused():
    vectors = reject_vectors()
    assert len(vectors) > 150, f"only {len(vectors)} must-reject vectors found under {GOLDEN}"
    failures = []
    for type_name, case, data in vectors:
        try:
            MESSAGE_TYPES[type_name].from_msgpack(data)
        except DecodeError:
            if case == "reject.unknown-key":
                failures.append(f"{type_name} {case}: unknown keys are ignored on purpose, but it was refused")
            continue
        except Exception as e:  # noqa: BLE001 - a refusal must be a DecodeError, not any exception
            failures.append(f"{type_name} {case}: refused with {type(e).__name__} instead of DecodeError: {e}")
            continue
        if case != "reject.unknown-key":
            failures.append(f"{type_name} {case}: accepted a payload the contract forbids")
    assert not failures, f"{len(failures)} of {len(vectors)} must-reject vectors:\n" + "\n".join(failures)


def test_the_golden_types_are_the_generated_types():
    assert {t for t, _, _ in golden_vectors()} == set(MESSAGE_TYPES)
    assert generated.decode("chat.ChatTurn", golden("chat.ChatTurn", "example.minimal")) == \
        ChatTurn(role=Role.USER, text="")


def test_values_of_the_examples():
    req = ChatRequest.from_msgpack(golden("chat.ChatRequest", "example.with-audio"))
    assert req.audio == bytes.fromhex("52 49 46 46 24 00 00 00 57 41 56 45")
    assert req.history == [ChatTurn(role=Role.USER, text="Bonjour"),
                           ChatTurn(role=Role.ASSISTANT, text="Bonjour ! Comment puis-je vous aider ?")]
    assert req.sent_at == Timestamp(1714564800, 123456789)  # nanoseconds kept
    assert req.locale == "fr-FR" and req.client_version is None and req.premium is True
    minimal = ChatRequest.from_msgpack(golden("chat.ChatRequest", "example.minimal"))
    assert minimal.audio is None and minimal.history is None and minimal.locale is None
    chunk = ResponseChunk.from_msgpack(golden("stream.ResponseChunk", "example.last"))
    assert chunk.usage == TokenUsage(prompt_tokens=812, completion_tokens=230, total_tokens=1042)
    assert chunk.finish_reason is FinishReason.STOP
    audio = AudioChunk.from_msgpack(golden("voice.AudioChunk", "example.opus-frame"))
    assert audio.format is AudioFormat.OPUS and audio.channels == 2
    vad = VoiceActivity.from_msgpack(golden("voice.VoiceActivity", "example.minimal"))
    assert vad.offset_ms is None and vad.energy == 0.0
    params = PipelineParams.from_msgpack(golden("pipeline.PipelineParams", "example.typical"))
    assert params.shard_weights == {1: 0.75, 300: 0.25} and params.seed == -42
    assert params.temperature == struct.unpack(">f", struct.pack(">f", 0.7))[0]


def test_constructed_values_encode_canonically():
    params = PipelineParams(
        model="llama-3-70b-instruct", temperature=0.7, top_p=0.95, max_tokens=1024, stop=["\n\nUser:", "</s>"],
        # dict order does not matter: map<K, V> entries are sorted by their encoded keys
        metadata={"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "tenant": "acme", "app": "voice-assistant"},
        created_at=Timestamp(1714564800, 500_000_000), seed=-42, priority=-3, shard_weights={300: 0.25, 1: 0.75},
    )
    assert params.to_msgpack() == golden("pipeline.PipelineParams", "example.typical")
    assert generated.encode(params) == params.to_msgpack()
    vad = VoiceActivity(at=Timestamp(1714564803, 500_000_000), speaking=True, energy=0.625, offset_ms=3500)
    assert vad.to_msgpack() == golden("voice.VoiceActivity", "example.speech-start")
    # an absent trailing optional field shortens the array
    short = VoiceActivity(at=Timestamp(0, 0), speaking=False, energy=0.0)
    assert short.to_msgpack() == golden("voice.VoiceActivity", "example.minimal")
    assert short.to_msgpack()[0] == 0x93
    # defaults of the contract are the constructor's defaults
    chunk = AudioChunk(stream_id="s", seq=0, sample_rate=16000, format=AudioFormat.PCM16, audio=b"", final=True)
    assert chunk.channels == 1 and chunk.to_msgpack() == golden("voice.AudioChunk", "example.minimal")


def test_map_keys_sort_by_their_encoded_bytes():
    base = fields("pipeline.PipelineParams", "example.minimal")
    base["created_at"] = Timestamp(0, 0)
    params = PipelineParams.from_msgpack(msgpack.packb(base))
    params.metadata = {"k10": "x", "k2": "y", "a": "z"}
    params.shard_weights = {65535: 1.0, 300: 1.0, 1: 1.0, 128: 1.0}
    out = params.to_msgpack()
    meta = out.index(b"\xa8metadata") + 9
    assert out[meta:meta + 1] == b"\x83"
    # str headers first: a1 "a" < a2 "k2" < a3 "k10"
    assert out[meta + 1:].startswith(b"\xa1a\xa1z\xa2k2\xa1y\xa3k10\xa1x")
    weights = out.index(b"\xadshard_weights") + 14
    assert out[weights:].startswith(b"\x84\x01\xcb")  # 01 < cc 80 < cd 01 2c < cd ff ff
    keys = msgpack.unpackb(out[weights:], strict_map_key=False).keys()
    assert list(keys) == [1, 128, 300, 65535]


# --- decoding refuses what the contract forbids, naming the field -------------------------------------------------

def test_int_out_of_range():
    usage = {"prompt_tokens": 2**32, "completion_tokens": 0, "total_tokens": 0}
    e = refused("common.TokenUsage", msgpack.packb(usage))
    assert e.path == "$.prompt_tokens" and "out of range for uint32" in str(e)
    chunk = fields("stream.ResponseChunk", "example.last")
    chunk["usage"]["completion_tokens"] = -1
    e = refused("stream.ResponseChunk", msgpack.packb(chunk))
    assert str(e).startswith("$.usage.completion_tokens: -1 is out of range for uint32")
    audio = fields("voice.AudioChunk", "example.minimal")
    audio["channels"] = 300
    e = refused("voice.AudioChunk", msgpack.packb(audio))
    assert e.path == "$.channels" and "300 is out of range for uint8" in str(e)


def test_constraint_min_max():
    audio = fields("voice.AudioChunk", "example.minimal")
    audio["channels"] = 9
    assert str(refused("voice.AudioChunk", msgpack.packb(audio))) == "$.channels: 9 is greater than max 8"
    audio["channels"], audio["sample_rate"] = 1, 7999
    assert str(refused("voice.AudioChunk", msgpack.packb(audio))) == "$.sample_rate: 7999 is less than min 8000"


def test_bytes_for_str_and_str_for_bytes():
    req = fields("chat.ChatRequest", "example.minimal")
    req["user_id"] = b"u-1"
    e = refused("chat.ChatRequest", msgpack.packb(req, use_bin_type=True))
    assert e.path == "$.user_id" and "expected string (str), got bin" in str(e)
    audio = fields("voice.AudioChunk", "example.minimal")
    audio["audio"] = "RIFF"
    e = refused("voice.AudioChunk", msgpack.packb(audio))
    assert e.path == "$.audio" and "expected bytes (bin), got str" in str(e)
    # what use_bin_type=False (old msgpack-python, raw strings) writes for bytes is a str header: refused too
    audio["audio"] = b"RIFF"
    assert refused("voice.AudioChunk", msgpack.packb(audio, use_bin_type=False)).path == "$.audio"


def test_missing_required_field():
    req = fields("chat.ChatRequest", "example.minimal")
    del req["sent_at"]
    e = refused("chat.ChatRequest", msgpack.packb(req))
    assert str(e) == "$.sent_at: missing required field"
    # a field with a contract default is still required on the wire
    req = fields("chat.ChatRequest", "example.minimal")
    del req["premium"]
    assert refused("chat.ChatRequest", msgpack.packb(req)).path == "$.premium"
    # array-shaped: a required position is missing
    e = refused("voice.VoiceActivity", msgpack.packb([Timestamp(0, 0), True]))
    assert e.path == "$.energy" and "missing required field" in str(e)


def test_nil_for_a_non_nullable_field():
    req = fields("chat.ChatRequest", "example.minimal")
    req["text"] = None
    e = refused("chat.ChatRequest", msgpack.packb(req))
    assert e.path == "$.text" and "got nil (not nullable)" in str(e)
    # optional is not nullable: the key may be absent, but not nil
    req = fields("chat.ChatRequest", "example.minimal")
    req["audio"] = None
    assert refused("chat.ChatRequest", msgpack.packb(req)).path == "$.audio"
    e = refused("voice.VoiceActivity", msgpack.packb([Timestamp(0, 0), True, 0.5, None]))
    assert e.path == "$.offset_ms"


def test_unknown_enum_values():
    req = fields("chat.ChatRequest", "example.with-audio")
    req["history"][1]["role"] = "admin"
    e = refused("chat.ChatRequest", msgpack.packb(req))
    assert str(e) == "$.history[1].role: unknown common.Role value 'admin'"
    audio = fields("voice.AudioChunk", "example.minimal")
    audio["format"] = 9
    assert str(refused("voice.AudioChunk", msgpack.packb(audio))) == "$.format: unknown voice.AudioFormat value 9"
    # the wrong representation: a string enum sent as its index, an int enum sent as its name
    req["history"][1]["role"] = 0
    assert refused("chat.ChatRequest", msgpack.packb(req)).path == "$.history[1].role"
    audio["format"] = "opus"
    assert refused("voice.AudioChunk", msgpack.packb(audio)).path == "$.format"


def test_too_long_strings_count_utf8_bytes():
    req = fields("chat.ChatRequest", "example.minimal")
    req["request_id"] = "r" * 65
    e = refused("chat.ChatRequest", msgpack.packb(req))
    assert str(e) == "$.request_id: 65 bytes of UTF-8, more than max_len 64"
    req["request_id"] = ""
    e = refused("chat.ChatRequest", msgpack.packb(req))
    assert str(e) == "$.request_id: 0 bytes of UTF-8, fewer than min_len 1"
    req = fields("chat.ChatRequest", "example.minimal")
    req["locale"] = "é" * 18  # 18 characters, 36 bytes > max_len 35
    assert refused("chat.ChatRequest", msgpack.packb(req)).path == "$.locale"
    req["locale"] = "é" * 17 + "a"  # 35 bytes: fine
    assert ChatRequest.from_msgpack(msgpack.packb(req)).locale == "é" * 17 + "a"


def test_list_size_float_and_type_errors():
    params = fields("pipeline.PipelineParams", "example.typical")
    params["stop"] = ["s"] * 17
    assert str(refused("pipeline.PipelineParams", msgpack.packb(params))) == "$.stop: 17 items, more than max_len 16"
    params = fields("pipeline.PipelineParams", "example.typical")
    params["metadata"]["app"] = 5
    assert refused("pipeline.PipelineParams", msgpack.packb(params)).path == '$.metadata["app"]'
    params = fields("pipeline.PipelineParams", "example.typical")
    params["shard_weights"] = {70000: 1.0}
    e = refused("pipeline.PipelineParams", msgpack.packb(params))
    assert e.path == "$.shard_weights" and "map key" in str(e) and "uint16" in str(e)
    params = fields("pipeline.PipelineParams", "example.typical")
    params["top_p"] = 1.5
    assert str(refused("pipeline.PipelineParams", msgpack.packb(params))) == "$.top_p: 1.5 is greater than max 1.0"
    params["top_p"] = math.nan
    e = refused("pipeline.PipelineParams", msgpack.packb(params))
    assert e.path == "$.top_p" and "NaN" in str(e)
    # a float where an int is declared
    usage = {"prompt_tokens": 5.0, "completion_tokens": 0, "total_tokens": 0}
    e = refused("common.TokenUsage", msgpack.packb(usage))
    assert str(e) == "$.prompt_tokens: expected uint32, got float 5.0"
    # a float64 that float32 cannot hold exactly
    vad = [Timestamp(0, 0), True, 0.1]
    assert refused("voice.VoiceActivity", msgpack.packb(vad)).path == "$.energy"
    # the message itself of the wrong shape, and bytes that are not MessagePack
    assert "expected voice.VoiceActivity (an array)" in str(refused("voice.VoiceActivity", msgpack.packb({})))
    assert refused("common.TokenUsage", b"\x83\xa1").path == "$"
    assert "not valid MessagePack" in str(refused("common.TokenUsage", b"\xc1"))
    assert refused("common.TokenUsage", golden("common.TokenUsage", "example.minimal") + b"\x00").path == "$"


def test_a_key_sent_twice_is_refused():
    payload = b"\x83\xa4role\xa4user\xa4text\xa0\xa4text\xa1x"
    assert str(refused("chat.ChatTurn", payload)) == '$: duplicate key "text"'


def test_decode_errors_are_value_errors_with_path_and_reason():
    e = refused("chat.ChatTurn", b"\x81\xa4role\xa4user")
    assert isinstance(e, ValueError) and isinstance(e, generated.ContractError)
    assert (e.path, e.reason) == ("$.text", "missing required field")


# --- decoding accepts every valid encoding ------------------------------------------------------------------------

def test_non_canonical_but_valid_encodings_are_accepted():
    canonical = golden("voice.AudioChunk", "example.opus-frame")
    # seq 17 as a Go int64 (d3 ... 11) and sample_rate 48000 as uint64 (cf ...), keys in another order
    payload = (b"\x87"
               + b"\xa5final\xc2"
               + b"\xa3seq\xd3" + (17).to_bytes(8, "big", signed=True)
               + b"\xa9stream_id\xd9\x14call-2024-05-01-0042"
               + b"\xabsample_rate\xcf" + (48000).to_bytes(8, "big")
               + b"\xa8channels\xd0\x02"
               + b"\xa6format\xcc\x02"
               + b"\xa5audio\xc6" + (14).to_bytes(4, "big") + bytes.fromhex("4f67675300020000000000000000"))
    value = AudioChunk.from_msgpack(payload)
    assert value.seq == 17 and value.sample_rate == 48000 and value.channels == 2
    assert value.to_msgpack() == canonical
    # float32 where float64 is declared; an int where a float is declared; a timestamp in its 96-bit form
    params = fields("pipeline.PipelineParams", "example.minimal")
    raw = msgpack.packb({**params, "top_p": 0}, use_single_float=True)
    raw = raw.replace(b"\xa5top_p\x00", b"\xa5top_p\xca" + struct.pack(">f", 0.5))
    assert PipelineParams.from_msgpack(raw).top_p == 0.5
    assert PipelineParams.from_msgpack(msgpack.packb({**params, "top_p": 1})).top_p == 1.0
    ts96 = b"\xc7\x0c\xff" + (0).to_bytes(4, "big") + (0).to_bytes(8, "big")
    vad = VoiceActivity.from_msgpack(b"\x93" + ts96 + b"\xc2\xca\x00\x00\x00\x00")
    assert vad.at == Timestamp(0, 0) and vad.to_msgpack() == golden("voice.VoiceActivity", "example.minimal")


def test_unknown_fields_are_ignored():
    usage = {"prompt_tokens": 812, "cached_tokens": 100, "completion_tokens": 230, "total_tokens": 1042,
             "extra": {"nested": [1, 2]}, 7: "int key"}
    value = TokenUsage.from_msgpack(msgpack.packb(usage))
    assert value == TokenUsage(prompt_tokens=812, completion_tokens=230, total_tokens=1042)
    assert value.to_msgpack() == golden("common.TokenUsage", "example.typical")
    # an array-shaped message has no more items than fields (appending one is a breaking change)
    vad = golden("voice.VoiceActivity", "example.speech-start")
    assert "more than the 4 fields" in str(refused("voice.VoiceActivity", b"\x95" + vad[1:] + b"\xa6future"))


# --- encoding checks the values too -----------------------------------------------------------------------------

def test_encode_refuses_values_the_contract_forbids():
    usage = TokenUsage(prompt_tokens=300, completion_tokens=-1, total_tokens=0)
    with pytest.raises(EncodeError) as info:
        usage.to_msgpack()
    assert str(info.value) == "$.completion_tokens: -1 is out of range for uint32 (0..4294967295)"
    chunk = ResponseChunk(request_id="r", index=0, delta="", done=True, finish_reason=None,
                          usage=TokenUsage(prompt_tokens=True, completion_tokens=0, total_tokens=0))
    with pytest.raises(EncodeError, match=r"^\$\.usage\.prompt_tokens: expected uint32, got true"):
        chunk.to_msgpack()
    turn = ChatTurn(role="user", text="x")  # a str is not a Role
    with pytest.raises(EncodeError, match=r"^\$\.role: expected a member of common\.Role"):
        turn.to_msgpack()
    with pytest.raises(EncodeError, match=r"^\$\.text: None is not allowed"):
        ChatTurn(role=Role.USER, text=None).to_msgpack()
    with pytest.raises(EncodeError, match=r"^\$\.energy: 3\.5 is greater than max 1\.0"):
        VoiceActivity(at=Timestamp(0, 0), speaking=True, energy=3.5).to_msgpack()
    with pytest.raises(EncodeError, match=r"^\$\.audio: expected bytes \(bin\), got str \"x\""):
        AudioChunk(stream_id="s", seq=0, sample_rate=16000, format=AudioFormat.FLAC, audio="x", final=True).to_msgpack()


def test_encode_accepts_aware_datetimes_and_rejects_naive_ones():
    import datetime

    at = datetime.datetime(2024, 5, 1, 12, 0, 3, 500000, tzinfo=datetime.timezone.utc)
    vad = VoiceActivity(at=at, speaking=True, energy=0.625, offset_ms=3500)
    assert vad.to_msgpack() == golden("voice.VoiceActivity", "example.speech-start")
    with pytest.raises(EncodeError, match=r"^\$\.at: a naive datetime"):
        VoiceActivity(at=at.replace(tzinfo=None), speaking=True, energy=0.5).to_msgpack()


# --- optional and nullable: the runtime on a message of this test (no current contract has such a field) --------

@dataclasses.dataclass(kw_only=True, slots=True)
class Probe(rt.Message):
    both: int | None | rt.Absent = rt.ABSENT
    keys: dict[int, str] | None = None


rt.define_message(Probe, "test.Probe", rt.MAP, [
    rt.field("both", rt.integer("int8"), optional=True, nullable=True),
    rt.field("keys", rt.map_of(rt.integer("int8"), rt.string()), optional=True),
])


@dataclasses.dataclass(kw_only=True, slots=True)
class ProbeArray(rt.Message):
    a: int
    b: int | None = None
    c: int | None | rt.Absent = rt.ABSENT


rt.define_message(ProbeArray, "test.ProbeArray", rt.ARRAY, [
    rt.field("a", rt.integer("uint8")),
    rt.field("b", rt.integer("uint8"), optional=True),
    rt.field("c", rt.integer("uint8"), optional=True, nullable=True),
])


def test_absent_and_nil_are_different_for_optional_nullable_fields():
    assert Probe().to_msgpack() == b"\x80"
    assert Probe(both=None).to_msgpack() == b"\x81\xa4both\xc0"
    assert Probe(both=5).to_msgpack() == b"\x81\xa4both\x05"
    assert Probe.from_msgpack(b"\x80").both is ABSENT
    assert Probe.from_msgpack(b"\x81\xa4both\xc0").both is None
    assert not ABSENT and repr(ABSENT) == "ABSENT" and rt.Absent() is ABSENT
    import copy
    import pickle
    assert copy.deepcopy(ABSENT) is ABSENT and pickle.loads(pickle.dumps(ABSENT)) is ABSENT


def test_negative_int_keys_sort_after_positive_ones():
    probe = Probe(keys={-1: "a", 5: "b", -32: "c", 127: "d", -33: "e"})
    out = probe.to_msgpack()
    body = out[out.index(b"\xa4keys") + 5:]
    # 05 < 7f < d0 df < e0 < ff
    assert body == b"\x85\x05\xa1b\x7f\xa1d\xd0\xdf\xa1e\xe0\xa1c\xff\xa1a"
    assert Probe.from_msgpack(out) == probe


def test_array_shape_absent_fields():
    assert ProbeArray(a=1).to_msgpack() == b"\x91\x01"
    assert ProbeArray(a=1, b=2).to_msgpack() == b"\x92\x01\x02"
    assert ProbeArray(a=1, b=2, c=None).to_msgpack() == b"\x93\x01\x02\xc0"
    with pytest.raises(EncodeError, match=r"^\$\.b: an array-shaped message cannot leave out a field"):
        ProbeArray(a=1, c=3).to_msgpack()
    assert ProbeArray.from_msgpack(b"\x91\x01") == ProbeArray(a=1)
    assert ProbeArray.from_msgpack(b"\x93\x01\x02\xc0").c is None


# --- the generated code itself ------------------------------------------------------------------------------------

def test_generated_files_carry_the_header_and_the_hash():
    files = sorted(GENERATED.glob("*.py"))
    assert {f.name for f in files} >= {"__init__.py", "_runtime.py", "chat.py", "common.py"}
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "# Code generated by msgpact codegen. DO NOT EDIT.", f
        assert lines[2] == f"# Wire hash: {CONTRACTS_HASH}", f
    assert CONTRACTS_HASH.startswith("sha256:") and len(CONTRACTS_HASH) == 7 + 64
    assert all(getattr(generated, m).CONTRACTS_HASH == CONTRACTS_HASH for m in ("chat", "common", "voice"))


def test_generated_code_is_pep8_clean():
    import pycodestyle  # requirements-dev.txt

    report = pycodestyle.StyleGuide(max_line_length=120, quiet=True).check_files([str(GENERATED)])
    assert report.total_errors == 0, report.get_statistics()
