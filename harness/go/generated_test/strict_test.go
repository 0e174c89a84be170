package generated_test

// This file exists to pin down what "decodes strictly, reads liberally" means for the generated Go
// types: which payloads are refused (with the field path in the message), which non-canonical but
// valid encodings are accepted, and that the encoder writes the canonical form from hand-built values.

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/msgpact/msgpact/harness/go/generated/chat"
	"github.com/msgpact/msgpact/harness/go/generated/common"
	"github.com/msgpact/msgpact/harness/go/generated/msgpactrt"
	"github.com/msgpact/msgpact/harness/go/generated/pipeline"
	"github.com/msgpact/msgpact/harness/go/generated/registry"
	"github.com/msgpact/msgpact/harness/go/generated/stream"
	"github.com/msgpact/msgpact/harness/go/generated/voice"
	"github.com/vmihailenco/msgpack/v5"
)

// ---- building payloads by hand ----

// h is bytes from hex with optional spaces.
func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// str is a canonical str.
func str(s string) []byte {
	switch n := len(s); {
	case n < 32:
		return append([]byte{0xa0 | byte(n)}, s...)
	case n < 256:
		return append([]byte{0xd9, byte(n)}, s...)
	default:
		return append([]byte{0xda, byte(n >> 8), byte(n)}, s...)
	}
}

// kv is one map entry: a str key and the encoded value; a nil value removes the key.
type kv struct {
	k string
	v []byte
}

// fixmap encodes entries (at most 15) as a fixmap.
func fixmap(entries ...kv) []byte {
	out := []byte{0x80 | byte(len(entries))}
	for _, e := range entries {
		out = append(out, str(e.k)...)
		out = append(out, e.v...)
	}
	return out
}

// with returns base with the values of over replaced (nil removes), new keys appended at the end.
func with(base []kv, over ...kv) []byte {
	var out []kv
	done := map[string]bool{}
	for _, b := range base {
		e := b
		for _, o := range over {
			if o.k == b.k {
				e = o
				done[o.k] = true
			}
		}
		if e.v != nil {
			out = append(out, e)
		}
	}
	for _, o := range over {
		if !done[o.k] && o.v != nil {
			out = append(out, o)
		}
	}
	return fixmap(out...)
}

// audioChunk is voice.AudioChunk example.minimal, entry by entry.
var audioChunk = []kv{
	{"stream_id", str("s")},
	{"seq", h("00")},
	{"sample_rate", h("cd 3e 80")},
	{"channels", h("01")},
	{"format", h("01")},
	{"audio", h("c4 00")},
	{"final", h("c3")},
}

// chatTurn is chat.ChatTurn example.minimal.
var chatTurn = []kv{{"role", str("user")}, {"text", str("")}}

// chatRequest is chat.ChatRequest example.minimal.
var chatRequest = []kv{
	{"request_id", str("r-1")},
	{"user_id", str("u-1")},
	{"text", str("hi")},
	{"premium", h("c2")},
	{"locale", h("c0")},
	{"sent_at", h("d6 ff 66 32 2e c0")},
}

// pipelineParams is pipeline.PipelineParams example.minimal.
var pipelineParams = []kv{
	{"model", str("m")},
	{"temperature", h("ca 00 00 00 00")},
	{"top_p", h("cb 3f f0 00 00 00 00 00 00")},
	{"max_tokens", h("01")},
	{"stop", h("90")},
	{"metadata", h("80")},
	{"created_at", h("d6 ff 00 00 00 00")},
	{"seed", h("c0")},
	{"priority", h("00")},
}

// responseChunk is stream.ResponseChunk example.minimal.
var responseChunk = []kv{
	{"request_id", str("r-1")},
	{"index", h("00")},
	{"delta", str("")},
	{"done", h("c2")},
	{"finish_reason", h("c0")},
}

func golden(t *testing.T, typ, caseID string) []byte {
	t.Helper()
	pkg, msg, _ := strings.Cut(typ, ".")
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "golden", pkg, msg, caseID+".msgpack"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantErr checks that err is a *msgpactrt.Error at path whose message contains want.
func wantErr(t *testing.T, err error, path, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("decoded without error; want %s: …%s…", path, want)
	}
	var e *msgpactrt.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %q (%T) is not a *msgpactrt.Error", err, err)
	}
	if e.Path() != path || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("error %q: path %q, want %q", err, e.Path(), path)
	}
	if !strings.Contains(e.Msg, want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

// ---- refusals ----

func TestDecodeRejects(t *testing.T) {
	long := strings.Repeat("x", 65)
	cases := []struct {
		name    string
		decode  func([]byte) error
		payload []byte
		path    string
		want    string
	}{
		// integer ranges: vmihailenco alone wraps 300 into uint8 as 44 and u64::MAX into int64 as -1
		{"uint8 300", decAudio, with(audioChunk, kv{"channels", h("cd 01 2c")}), "$.channels", "300 is out of range for uint8 (0..=255)"},
		{"uint8 256 as int64 width", decAudio, with(audioChunk, kv{"channels", h("d3 00 00 00 00 00 00 01 00")}), "$.channels", "256 is out of range for uint8"},
		{"uint32 negative", decAudio, with(audioChunk, kv{"seq", h("ff")}), "$.seq", "-1 is out of range for uint32"},
		{"int64 u64::MAX", decPipeline, with(pipelineParams, kv{"seed", h("cf ff ff ff ff ff ff ff ff")}), "$.seed", "18446744073709551615 is out of range for int64"},
		{"int8 -129", decPipeline, with(pipelineParams, kv{"priority", h("d1 ff 7f")}), "$.priority", "-129 is out of range for int8"},
		{"nested uint32 2^32", decResponse, with(responseChunk, kv{"usage", fixmap(kv{"prompt_tokens", h("cf 00 00 00 01 00 00 00 00")}, kv{"completion_tokens", h("00")}, kv{"total_tokens", h("00")})}), "$.usage.prompt_tokens", "4294967296 is out of range for uint32"},
		// constraints
		{"min", decAudio, with(audioChunk, kv{"channels", h("00")}), "$.channels", "0 is below the minimum 1"},
		{"max", decAudio, with(audioChunk, kv{"channels", h("09")}), "$.channels", "9 is above the maximum 8"},
		{"sample_rate min", decAudio, with(audioChunk, kv{"sample_rate", h("cd 1f 3f")}), "$.sample_rate", "7999 is below the minimum 8000"},
		{"int8 range", decPipeline, with(pipelineParams, kv{"priority", h("0b")}), "$.priority", "11 is above the maximum 10"},
		{"string too long", decAudio, with(audioChunk, kv{"stream_id", str(long)}), "$.stream_id", "length 65 bytes of UTF-8 is outside 1..=64"},
		{"string too short", decAudio, with(audioChunk, kv{"stream_id", str("")}), "$.stream_id", "length 0 bytes of UTF-8 is outside 1..=64"},
		{"utf-8 bytes count", decChatRequest, with(chatRequest, kv{"locale", str(strings.Repeat("é", 18))}), "$.locale", "length 36 bytes of UTF-8 is outside 0..=35"},
		{"list too long", decPipeline, with(pipelineParams, kv{"stop", append([]byte{0xdc, 0, 17}, bytes.Repeat(str("s"), 17)...)}), "$.stop", "length 17 items is outside 0..=16"},
		{"float max", decPipeline, with(pipelineParams, kv{"temperature", h("ca 40 40 00 00")}), "$.temperature", "3 is above the maximum 2"},
		{"float64 max", decPipeline, with(pipelineParams, kv{"top_p", h("cb 3f f8 00 00 00 00 00 00")}), "$.top_p", "1.5 is above the maximum 1"},
		{"float min", decPipeline, with(pipelineParams, kv{"top_p", h("cb bf f0 00 00 00 00 00 00")}), "$.top_p", "-1 is below the minimum 0"},
		{"NaN", decPipeline, with(pipelineParams, kv{"temperature", h("ca 7f c0 00 00")}), "$.temperature", "NaN is not allowed"},
		{"infinity", decPipeline, with(pipelineParams, kv{"top_p", h("cb 7f f0 00 00 00 00 00 00")}), "$.top_p", "+Inf is not allowed"},
		{"NaN map value", decPipeline, with(pipelineParams, kv{"shard_weights", h("81 01 cb 7f f8 00 00 00 00 00 01")}), "$.shard_weights[1]", "NaN is not allowed"},
		{"float32 inexact", decPipeline, with(pipelineParams, kv{"temperature", h("cb 3f b9 99 99 99 99 99 9a")}), "$.temperature", "not exactly representable as float32"},
		// nil for what is not nullable
		{"nil str", decAudio, with(audioChunk, kv{"stream_id", h("c0")}), "$.stream_id", "expected str, found nil"},
		{"nil bytes", decAudio, with(audioChunk, kv{"audio", h("c0")}), "$.audio", "expected bin, found nil"},
		{"nil uint", decAudio, with(audioChunk, kv{"seq", h("c0")}), "$.seq", "expected uint32, found nil"},
		{"nil bool", decAudio, with(audioChunk, kv{"final", h("c0")}), "$.final", "expected bool, found nil"},
		{"nil enum", decAudio, with(audioChunk, kv{"format", h("c0")}), "$.format", "expected int64, found nil"},
		{"nil optional message", decResponse, with(responseChunk, kv{"usage", h("c0")}), "$.usage", "expected map (common.TokenUsage), found nil"},
		{"nil optional bytes", decChatRequest, with(chatRequest, kv{"audio", h("c0")}), "$.audio", "expected bin, found nil"},
		{"nil list", decPipeline, with(pipelineParams, kv{"stop", h("c0")}), "$.stop", "expected array, found nil"},
		{"nil map", decPipeline, with(pipelineParams, kv{"metadata", h("c0")}), "$.metadata", "expected map, found nil"},
		{"nil list item", decPipeline, with(pipelineParams, kv{"stop", h("92 a1 61 c0")}), "$.stop[1]", "expected str, found nil"},
		{"nil timestamp", decPipeline, with(pipelineParams, kv{"created_at", h("c0")}), "$.created_at", "expected timestamp (ext -1), found nil"},
		{"nil message", decAudio, h("c0"), "$", "expected map (voice.AudioChunk), found nil"},
		// missing, twice, wrong type
		{"missing", decAudio, with(audioChunk, kv{"final", nil}), "$.final", "required field is missing"},
		{"missing nullable key", decChatRequest, with(chatRequest, kv{"locale", nil}), "$.locale", "required field is missing"},
		{"twice", decAudio, fixmap(append(append([]kv{}, audioChunk...), kv{"seq", h("01")})...), "$.seq", "appears more than once"},
		{"bin for str", decAudio, with(audioChunk, kv{"stream_id", h("c4 01 73")}), "$.stream_id", "expected str, found bin"},
		{"str for bin", decAudio, with(audioChunk, kv{"audio", str("")}), "$.audio", "expected bin, found str"},
		{"int for bool", decAudio, with(audioChunk, kv{"final", h("01")}), "$.final", "expected bool, found int"},
		{"float for int", decAudio, with(audioChunk, kv{"seq", h("cb 00 00 00 00 00 00 00 00")}), "$.seq", "expected uint32, found float64"},
		{"str for timestamp", decChatRequest, with(chatRequest, kv{"sent_at", str("2024-05-01T12:00:00Z")}), "$.sent_at", "expected timestamp (ext -1), found str"},
		{"other ext", decChatRequest, with(chatRequest, kv{"sent_at", h("d6 05 66 32 2e c0")}), "$.sent_at", "found ext 5"},
		{"timestamp nanos", decChatRequest, with(chatRequest, kv{"sent_at", h("d7 ff ff ff ff fc 00 00 00 00")}), "$.sent_at", "nanoseconds 1073741823 are not below 1e9"},
		{"invalid utf-8", decAudio, with(audioChunk, kv{"stream_id", h("a2 c3 28")}), "$.stream_id", "not valid UTF-8"},
		{"array for message", decAudio, h("90"), "$", "expected map (voice.AudioChunk), found array"},
		{"int key", decAudio, h("81 01 02"), "$", "a key of the message: expected str, found int"},
		{"map key type", decPipeline, with(pipelineParams, kv{"metadata", h("81 01 a1 61")}), "$.metadata", "key of entry 0: expected str, found int"},
		{"map value type", decPipeline, with(pipelineParams, kv{"metadata", h("81 a1 6b 05")}), `$.metadata["k"]`, "expected str, found int"},
		{"map key range", decPipeline, with(pipelineParams, kv{"shard_weights", h("81 ce 00 01 11 70 cb 00 00 00 00 00 00 00 00")}), "$.shard_weights", "70000 is out of range for uint16"},
		{"map key twice", decPipeline, with(pipelineParams, kv{"shard_weights", h("82 01 cb 00 00 00 00 00 00 00 00 d0 01 cb 00 00 00 00 00 00 00 00")}), "$.shard_weights[1]", "the key appears more than once"},
		// enums
		{"unknown string enum", decTurn, with(chatTurn, kv{"role", str("admin")}), "$.role", `"admin" is not a value of enum common.Role (user, assistant, system)`},
		{"unknown int enum", decAudio, with(audioChunk, kv{"format", h("09")}), "$.format", "9 is not a value of enum voice.AudioFormat (pcm16=1, opus=2, mulaw=3, flac=4)"},
		{"int enum sent as name", decAudio, with(audioChunk, kv{"format", str("opus")}), "$.format", "expected int64, found str"},
		{"string enum sent as index", decTurn, with(chatTurn, kv{"role", h("00")}), "$.role", "expected str, found int"},
		{"enum in list item", decChatRequest, with(chatRequest, kv{"history", append([]byte{0x92}, append(with(chatTurn), with(chatTurn, kv{"role", str("root")})...)...)}), "$.history[1].role", `"root" is not a value of enum common.Role`},
		{"nullable enum", decResponse, with(responseChunk, kv{"finish_reason", str("timeout")}), "$.finish_reason", `"timeout" is not a value of enum stream.FinishReason`},
		// array-shaped messages
		{"array too short", decVoice, h("92 d6 ff 00 00 00 00 c2"), "$.energy", "required field is missing"},
		{"map for array", decVoice, h("80"), "$", "expected array (voice.VoiceActivity), found map"},
		{"array nil optional", decVoice, h("94 d6 ff 00 00 00 00 c2 ca 00 00 00 00 c0"), "$.offset_ms", "expected int64, found nil"},
		{"array energy range", decVoice, h("93 d6 ff 00 00 00 00 c2 ca 3f c0 00 00"), "$.energy", "1.5 is above the maximum 1"},
		// whole payload
		{"trailing bytes", decAudio, append(with(audioChunk), 0xc0), "$", "1 trailing byte(s) after the value"},
		{"truncated", decAudio, with(audioChunk)[:32], "$.sample_rate", "the payload ends early"},
		{"empty", decAudio, nil, "$", "the payload ends early"},
		// declared lengths are not trusted (the library itself would allocate them)
		{"hostile bin length", decAudio, with(audioChunk, kv{"audio", h("c6 ff ff ff ff")}), "$.audio", "a bin of 4294967295 bytes, but only"},
		{"hostile array length", decChatRequest, with(chatRequest, kv{"history", h("dd ff ff ff ff")}), "$.history", "an array of 4294967295 items, but only"},
		{"hostile map length", decPipeline, with(pipelineParams, kv{"metadata", h("df ff ff ff ff")}), "$.metadata", "a map of 4294967295 entries, but only"},
		{"hostile message length", decAudio, h("df ff ff ff ff"), "$", "a map of 4294967295 entries"},
		{"hostile str length", decAudio, with(audioChunk, kv{"stream_id", h("db ff ff ff ff")}), "$.stream_id", "the payload ends early"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, tc.decode(tc.payload), tc.path, tc.want)
		})
	}
}

func decAudio(b []byte) error       { _, err := voice.UnmarshalAudioChunk(b); return err }
func decVoice(b []byte) error       { _, err := voice.UnmarshalVoiceActivity(b); return err }
func decTurn(b []byte) error        { _, err := chat.UnmarshalChatTurn(b); return err }
func decChatRequest(b []byte) error { _, err := chat.UnmarshalChatRequest(b); return err }
func decPipeline(b []byte) error    { _, err := pipeline.UnmarshalPipelineParams(b); return err }
func decResponse(b []byte) error    { _, err := stream.UnmarshalResponseChunk(b); return err }

// TestDecodeLeavesValueOnError: a failed Unmarshal does not half-fill the value.
func TestDecodeLeavesValueOnError(t *testing.T) {
	v := voice.AudioChunk{StreamID: "keep"}
	if err := v.Unmarshal(with(audioChunk, kv{"final", nil})); err == nil {
		t.Fatal("no error")
	}
	if v.StreamID != "keep" || v.SampleRate != 0 {
		t.Errorf("value changed on error: %+v", v)
	}
}

// ---- liberal reading ----

// TestDecodeAcceptsNonCanonical: every valid encoding of a value decodes to it, and re-encoding
// gives the canonical bytes.
func TestDecodeAcceptsNonCanonical(t *testing.T) {
	cases := []struct {
		name    string
		typ     string
		caseID  string
		payload []byte
	}{
		{"wide ints, keys reversed, str8, bin16, unknown fields", "voice.AudioChunk", "example.minimal", fixmap(
			kv{"final", h("c3")},
			kv{"unknown_list", h("92 c0 81 a1 78 93 01 02 03")},
			kv{"audio", h("c5 00 00")},
			kv{"format", h("cf 00 00 00 00 00 00 00 01")},
			kv{"channels", h("d0 01")},
			kv{"sample_rate", h("d3 00 00 00 00 00 00 3e 80")},
			kv{"seq", h("d2 00 00 00 00")},
			kv{"future", h("d7 05 00 00 00 00 00 00 00 00")},
			kv{"stream_id", h("da 00 01 73")},
		)},
		// (an extra array item is refused: golden's reject.too-many-items, TestMustRejectVectorsAreRefused)
		{"timestamp in the 96-bit form, float64 for float32", "voice.VoiceActivity", "edge.offset_ms.0",
			h("94 c7 0c ff 00 00 00 00 00 00 00 00 00 00 00 00 c2 cb 00 00 00 00 00 00 00 00 d3 00 00 00 00 00 00 00 00")},
		{"int for float", "pipeline.PipelineParams", "example.minimal", with(pipelineParams,
			kv{"temperature", h("00")}, kv{"top_p", h("d3 00 00 00 00 00 00 00 01")}, kv{"seed", h("c0")})},
		{"map entries out of order", "pipeline.PipelineParams", "example.typical", func() []byte {
			b := golden(t, "pipeline.PipelineParams", "example.typical")
			// metadata's three entries, reordered: trace_id, app, tenant
			meta := h("83") // keep the count
			g := string(b)
			app := string(str("app")) + string(str("voice-assistant"))
			tenant := string(str("tenant")) + string(str("acme"))
			trace := string(str("trace_id")) + string(str("4bf92f3577b34da6a3ce929d0e0e4736"))
			canonical := string(meta) + app + tenant + trace
			if !strings.Contains(g, canonical) {
				t.Fatal("example.typical does not hold metadata as expected")
			}
			return []byte(strings.Replace(g, canonical, string(meta)+trace+app+tenant, 1))
		}()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := codecsByName(registry.Codecs)[tc.typ]
			v, err := c.Decode(tc.payload)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			out, err := c.Encode(v)
			if err != nil {
				t.Fatal(err)
			}
			if want := golden(t, tc.typ, tc.caseID); !bytes.Equal(out, want) {
				t.Errorf("re-encoded\n got %x\nwant %x", out, want)
			}
		})
	}
}

// ---- writing ----

func TestEncodeCanonicalFromValues(t *testing.T) {
	seed := int64(-42)
	weights := map[uint16]float64{300: 0.25, 1: 0.75, 128: 1, 0: 0.5}
	p := pipeline.PipelineParams{
		Model:        "m",
		TopP:         1,
		MaxTokens:    1,
		Metadata:     map[string]string{"k10": "a", "k2": "b", "a": "c", "b": "d"},
		CreatedAt:    time.Date(2024, 5, 1, 14, 0, 0, 500_000_000, time.FixedZone("CEST", 7200)),
		Seed:         &seed,
		Priority:     -3,
		ShardWeights: &weights,
	}
	got, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Join([][]byte{
		h("8a"),
		str("model"), str("m"),
		str("temperature"), h("ca 00 00 00 00"),
		str("top_p"), h("cb 3f f0 00 00 00 00 00 00"),
		str("max_tokens"), h("01"),
		str("stop"), h("90"), // nil slice: empty array, not nil
		str("metadata"), h("84"), str("a"), str("c"), str("b"), str("d"), str("k2"), str("b"), str("k10"), str("a"),
		str("created_at"), h("d7 ff 77 35 94 00 66 32 2e c0"), // same instant as 12:00:00.5Z
		str("seed"), h("d0 d6"),
		str("priority"), h("fd"),
		str("shard_weights"), h("84 00 cb 3f e0 00 00 00 00 00 00 01 cb 3f e8 00 00 00 00 00 00 cc 80 cb 3f f0 00 00 00 00 00 00 cd 01 2c cb 3f d0 00 00 00 00 00 00"),
	}, nil)
	if !bytes.Equal(got, want) {
		t.Errorf("PipelineParams\n got %x\nwant %x", got, want)
	}
	// The library's own entry points call the generated methods: same bytes, nested ones included.
	for _, x := range []any{p, &p} {
		b, err := msgpack.Marshal(x)
		if err != nil || !bytes.Equal(b, want) {
			t.Errorf("msgpack.Marshal(%T) = %x, %v", x, b, err)
		}
	}
	type envelope struct {
		P pipeline.PipelineParams `msgpack:"p"`
	}
	b, err := msgpack.Marshal(envelope{p})
	if err != nil || !bytes.Equal(b, append(append(h("81"), str("p")...), want...)) {
		t.Errorf("nested in a plain struct: %x, %v", b, err)
	}

	// nil bytes are the empty bin, not nil; zero time is the 96-bit year 1.
	a := voice.AudioChunk{StreamID: "s", SampleRate: 16000, Channels: 1, Format: voice.AudioFormatPcm16, Final: true}
	b, err = a.Marshal()
	if err != nil || !bytes.Equal(b, golden(t, "voice.AudioChunk", "example.minimal")) {
		t.Errorf("AudioChunk with nil Audio = %x, %v", b, err)
	}
}

func TestEncodeRejectsInvalidValues(t *testing.T) {
	valid := chat.ChatRequest{RequestID: "r", UserID: "u", SentAt: time.Unix(0, 0)}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid request: %v", err)
	}
	bad := []struct {
		name string
		v    msgpack.CustomEncoder
		path string
		want string
	}{
		{"empty request_id", func() chat.ChatRequest { v := valid; v.RequestID = ""; return v }(), "$.request_id", "length 0 bytes of UTF-8 is outside 1..=64"},
		{"invalid enum in a list", func() chat.ChatRequest {
			v := valid
			v.History = &[]chat.ChatTurn{{Role: common.RoleUser}, {Role: "root"}}
			return v
		}(), "$.history[1].role", `"root" is not a value of enum common.Role`},
		{"invalid UTF-8", func() chat.ChatRequest { v := valid; v.Text = "\xff"; return v }(), "$.text", "not valid UTF-8"},
		{"int enum", voice.AudioChunk{StreamID: "s", SampleRate: 8000, Channels: 1, Format: 7}, "$.format", "7 is not a value of enum voice.AudioFormat"},
		{"range", voice.AudioChunk{StreamID: "s", SampleRate: 8000, Channels: 0, Format: 1}, "$.channels", "0 is below the minimum 1"},
		{"NaN item", pipeline.PipelineParams{Model: "m", MaxTokens: 1, ShardWeights: &map[uint16]float64{7: 0 * nan()}}, "$.shard_weights[7]", "NaN is not allowed"},
		{"nested", stream.ResponseChunk{RequestID: "r", Usage: &common.TokenUsage{}, FinishReason: ptr(stream.FinishReason("late"))}, "$.finish_reason", `"late" is not a value of enum stream.FinishReason`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := msgpactrt.Marshal(tc.v)
			wantErr(t, err, tc.path, tc.want)
			wantErr(t, msgpactrt.Validate(tc.v), tc.path, tc.want)
		})
	}
}

func nan() float64 {
	z := 0.0
	return z / z
}

func ptr[T any](v T) *T { return &v }

// TestDecodedTimesAreUTC: vmihailenco decodes timestamps in time.Local; the generated code does not.
func TestDecodedTimesAreUTC(t *testing.T) {
	v, err := chat.UnmarshalChatRequest(golden(t, "chat.ChatRequest", "example.with-audio"))
	if err != nil {
		t.Fatal(err)
	}
	if v.SentAt.Location() != time.UTC || v.SentAt.Nanosecond() != 123456789 {
		t.Errorf("sent_at = %v (%v)", v.SentAt, v.SentAt.Location())
	}
	if v.Locale == nil || *v.Locale != "fr-FR" || v.Audio == nil || len(*v.History) != 2 || (*v.History)[1].Role != common.RoleAssistant {
		t.Errorf("decoded %+v", v)
	}
}
