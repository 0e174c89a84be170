package peer

// This file exists to check the SDK's pure parts without NATS: the reply
// rules, Msgpact-Error shaping, header lookup, configuration, registration
// and version lookup from build information.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"runtime/debug"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
)

func TestOneLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a\r\nb\nc\rd\te", "a b c d e"},
		{"  padded \n", "padded"},
		{"", "(the library gave no error message)"},
		{"\n\t ", "(the library gave no error message)"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"nel\u0085ls\u2028ps\u2029", "nel ls ps"},
		{strings.Repeat("a", MaxErrorBytes), strings.Repeat("a", MaxErrorBytes)},
	} {
		if got := OneLine(tc.in); got != tc.want {
			t.Errorf("OneLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Cut on a character boundary with an ellipsis, whatever the alignment.
	for pad := range 4 {
		in := strings.Repeat("x", pad) + strings.Repeat("€", 600)
		got := OneLine(in)
		if len(got) > MaxErrorBytes || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
			t.Errorf("pad %d: %d bytes, valid %v, %q...", pad, len(got), utf8.ValidString(got), got[len(got)-10:])
		}
		if len(got) < MaxErrorBytes-3 {
			t.Errorf("pad %d: cut too short: %d bytes", pad, len(got))
		}
	}
}

func TestHeaderValue(t *testing.T) {
	h := nats.Header{"Msgpact-Type": {"a.B"}, "msgpact-case": {"c1"}, "Msgpact-Empty": {""}}
	if v, ok := headerValue(h, HeaderType); !ok || v != "a.B" {
		t.Errorf("exact: %q %v", v, ok)
	}
	if v, ok := headerValue(h, HeaderCase); !ok || v != "c1" {
		t.Errorf("case-insensitive fallback: %q %v", v, ok)
	}
	if _, ok := headerValue(h, "Msgpact-Empty"); ok {
		t.Error("an empty value counts as missing")
	}
	if _, ok := headerValue(nil, HeaderType); ok {
		t.Error("nil header")
	}
}

func newTestPeer(t *testing.T) *Peer {
	t.Helper()
	p := New(Info{Library: "github.com/vmihailenco/msgpack/v5"})
	p.Stderr = &bytes.Buffer{}
	Register(p, "t.Echo",
		func(b []byte) ([]byte, error) { return append([]byte(nil), b...), nil },
		func(v []byte) ([]byte, error) { return v, nil })
	Register(p, "t.DecodeErr",
		func([]byte) (int, error) { return 0, errors.New("no\nway") },
		func(int) ([]byte, error) { return nil, nil })
	Register(p, "t.EncodeErr",
		func([]byte) (int, error) { return 1, nil },
		func(int) ([]byte, error) { return nil, errors.New("cannot") })
	Register(p, "t.PanicNil",
		func([]byte) (int, error) { panic(nil) },
		func(int) ([]byte, error) { return nil, nil })
	return p
}

func rtMsg(typ, caseID string, body []byte) *nats.Msg {
	m := nats.NewMsg("p.x.roundtrip")
	if typ != "" {
		m.Header.Set(HeaderType, typ)
	}
	if caseID != "" {
		m.Header.Set(HeaderCase, caseID)
	}
	m.Data = body
	return m
}

func TestAnswer(t *testing.T) {
	p := newTestPeer(t)
	if err := p.freeze(); err != nil {
		t.Fatal(err)
	}
	var panics []*PanicError
	onPanic := func(pe *PanicError) { panics = append(panics, pe) }
	for _, tc := range []struct {
		name   string
		m      *nats.Msg
		status Status
		errSub string
		body   []byte
	}{
		{"ok", rtMsg("t.Echo", "c", []byte{0x92, 1, 2}), StatusOK, "", []byte{0x92, 1, 2}},
		{"decode", rtMsg("t.DecodeErr", "c", []byte{0xc0}), StatusDecodeError, "no way", nil},
		{"encode", rtMsg("t.EncodeErr", "c", []byte{0xc0}), StatusEncodeError, "cannot", nil},
		{"panic(nil)", rtMsg("t.PanicNil", "c", []byte{0xc0}), StatusInternalError, "panic in decode of t.PanicNil", nil},
		{"unknown", rtMsg("t.Nope", "c", []byte{0xc0}), StatusUnknownType, `"t.Nope"`, nil},
		{"no type", rtMsg("", "c", []byte{0xc0}), StatusInternalError, "missing header Msgpact-Type", nil},
		{"no case", rtMsg("t.Echo", "", []byte{0xc0}), StatusInternalError, "missing header Msgpact-Case", nil},
		{"malformed", rtMsg("t.Echo", "c", []byte{0xdd, 0xff, 0xff, 0xff, 0xff}), StatusDecodeError, "at offset 0, array32 declares 4294967295 element(s) but only 0 bytes follow", nil},
		{"empty", rtMsg("t.Echo", "c", nil), StatusDecodeError, "empty payload", nil},
	} {
		r := p.answer(tc.m, nil, onPanic)
		msg := r.msg()
		if got := Status(msg.Header.Get(HeaderStatus)); got != tc.status {
			t.Errorf("%s: status %q, want %q (%s)", tc.name, got, tc.status, msg.Header.Get(HeaderError))
		}
		if e := msg.Header.Get(HeaderError); !strings.Contains(e, tc.errSub) || (tc.status == StatusOK) != (e == "") {
			t.Errorf("%s: Msgpact-Error %q, want it to contain %q", tc.name, e, tc.errSub)
		}
		if !bytes.Equal(msg.Data, tc.body) {
			t.Errorf("%s: body % x, want % x", tc.name, msg.Data, tc.body)
		}
		if wantCase := tc.m.Header.Get(HeaderCase); msg.Header.Get(HeaderCase) != wantCase {
			t.Errorf("%s: case %q, want %q", tc.name, msg.Header.Get(HeaderCase), wantCase)
		}
	}
	if len(panics) != 1 || panics[0].Stage != "decode" || len(panics[0].Stack) == 0 {
		t.Errorf("panics reported: %+v", panics)
	}
	// hello: the body as given, no headers.
	hm := nats.NewMsg("p.x.hello")
	if r := p.answer(hm, []byte(`{}`), nil).msg(); string(r.Data) != "{}" || len(r.Header) != 0 {
		t.Errorf("hello reply %q %v", r.Data, r.Header)
	}
}

func TestSkipWellFormedCheck(t *testing.T) {
	p := New(Info{Library: "x"})
	var seen []byte
	Register(p, "t.Raw",
		func(b []byte) ([]byte, error) { seen = b; return nil, errors.New("library says no") },
		func(v []byte) ([]byte, error) { return v, nil })
	p.SkipWellFormedCheck = true
	p.freeze()
	r := p.answer(rtMsg("t.Raw", "c", []byte{0xdd, 0xff}), nil, nil)
	if r.status != StatusDecodeError || r.errMsg != "library says no" || !bytes.Equal(seen, []byte{0xdd, 0xff}) {
		t.Fatalf("with the check off the decoder must see the payload: %+v seen % x", r, seen)
	}
}

func TestRegisterPanicsOnMistakes(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	dec := func([]byte) (int, error) { return 0, nil }
	enc := func(int) ([]byte, error) { return nil, nil }
	p := New(Info{Library: "x"})
	Register(p, "a.B", dec, enc)
	mustPanic("duplicate", func() { Register(p, "a.B", dec, enc) })
	mustPanic("not qualified", func() { Register(p, "Bare", dec, enc) })
	mustPanic("trailing dot", func() { Register(p, "a.", dec, enc) })
	mustPanic("space", func() { Register(p, "a.B C", dec, enc) })
	mustPanic("nil decode", func() { Register[int](p, "a.C", nil, enc) })
	p.freeze()
	mustPanic("after start", func() { Register(p, "a.D", dec, enc) })
	if got := strings.Join(p.Types(), ","); got != "a.B" {
		t.Errorf("types %s", got)
	}
}

func TestFreezeNeedsLibraryAndTypes(t *testing.T) {
	if err := New(Info{}).freeze(); !IsConfigError(err) {
		t.Errorf("no library: %v", err)
	}
	if err := New(Info{Library: "x"}).freeze(); !IsConfigError(err) || !strings.Contains(err.Error(), "no message types") {
		t.Errorf("no types: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	err := Config{}.Validate()
	if !IsConfigError(err) {
		t.Fatalf("empty config: %v", err)
	}
	for _, env := range []string{EnvNATSURL, EnvSubjectPrefix, EnvPeer} {
		if !strings.Contains(err.Error(), env) {
			t.Errorf("%q does not name %s", err, env)
		}
	}
	good := Config{NATSURL: "nats://h:1", SubjectPrefix: "msgpact.run.3f9a-1c_2b", Name: "go-peer_1"}
	if err := good.Validate(); err != nil {
		t.Errorf("good config: %v", err)
	}
	if got := good.Subject(); got != "msgpact.run.3f9a-1c_2b.go-peer_1.*" {
		t.Errorf("subject %q", got)
	}
	for _, bad := range []Config{
		{NATSURL: "u", SubjectPrefix: "a..b", Name: "n"},
		{NATSURL: "u", SubjectPrefix: "a.*", Name: "n"},
		{NATSURL: "u", SubjectPrefix: "a.>", Name: "n"},
		{NATSURL: "u", SubjectPrefix: ".a", Name: "n"},
		{NATSURL: "u", SubjectPrefix: "a", Name: "n.m"},
		{NATSURL: "u", SubjectPrefix: "a", Name: "n m"},
		{NATSURL: "u", SubjectPrefix: "a", Name: "n", NATSCreds: "/nonexistent/x.creds"},
	} {
		if err := bad.Validate(); !IsConfigError(err) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv(EnvNATSURL, "nats://127.0.0.1:4222")
	t.Setenv(EnvSubjectPrefix, "msgpact.run.1")
	t.Setenv(EnvPeer, "go")
	t.Setenv(EnvNATSCreds, "")
	t.Setenv(EnvContractsHash, "")
	cfg, err := ConfigFromEnv()
	if err != nil || cfg.Name != "go" || cfg.SubjectPrefix != "msgpact.run.1" || cfg.NATSURL != "nats://127.0.0.1:4222" {
		t.Fatalf("%+v %v", cfg, err)
	}
	if cfg.ContractsHash != "" {
		t.Errorf("MSGPACT_CONTRACTS_HASH is optional and unset: %q", cfg.ContractsHash)
	}
	t.Setenv(EnvContractsHash, " sha256:lock ")
	if cfg, err = ConfigFromEnv(); err != nil || cfg.ContractsHash != "sha256:lock" {
		t.Fatalf("contracts hash: %+v %v", cfg, err)
	}
	t.Setenv(EnvPeer, "")
	if _, err := ConfigFromEnv(); !IsConfigError(err) || !strings.Contains(err.Error(), EnvPeer) {
		t.Fatalf("missing peer: %v", err)
	}
}

// Hand-written types (Info without a contracts hash) report the run's
// MSGPACT_CONTRACTS_HASH, and nothing when there is none.
func TestHelloReportsTheRunsContractsHashForHandWrittenTypes(t *testing.T) {
	p := newTestPeer(t)
	if got := p.hello("go", "sha256:lock", io.Discard).ContractsHash; got != "sha256:lock" {
		t.Errorf("contracts_hash = %q, want the run's sha256:lock", got)
	}
	if got := p.hello("go", "", io.Discard).ContractsHash; got != "" {
		t.Errorf("contracts_hash = %q, want none", got)
	}
}

func withBuildInfo(t *testing.T, bi *debug.BuildInfo) {
	t.Helper()
	old := readBuildInfo
	readBuildInfo = func() (*debug.BuildInfo, bool) { return bi, bi != nil }
	t.Cleanup(func() { readBuildInfo = old })
}

func TestModuleVersion(t *testing.T) {
	withBuildInfo(t, &debug.BuildInfo{
		Main: debug.Module{Path: "example.com/app", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "github.com/vmihailenco/msgpack/v5", Version: "v5.4.1"},
			{Path: "github.com/vmihailenco/msgpack", Version: "v4.0.4+incompatible"},
			{Path: "github.com/nats-io/nats.go", Version: "v1.55.0", Replace: &debug.Module{Path: "github.com/fork/nats.go", Version: "v1.55.1-fork"}},
			{Path: "github.com/local/lib", Version: "v1.0.0", Replace: &debug.Module{Path: "../lib"}},
		},
	})
	for _, tc := range []struct {
		path, want string
		ok         bool
	}{
		{"github.com/vmihailenco/msgpack/v5", "v5.4.1", true},
		{"github.com/vmihailenco/msgpack/v5/msgpcode", "v5.4.1", true}, // a package path: longest module wins
		{"github.com/vmihailenco/msgpack", "v4.0.4+incompatible", true},
		{"github.com/nats-io/nats.go", "v1.55.1-fork", true},
		{"github.com/local/lib", "v1.0.0 => ../lib", true},
		{"github.com/vmihailenco/msgpack/v55", Unknown, false},
		{"github.com/tinylib/msgp", Unknown, false},
	} {
		if got, ok := ModuleVersion(tc.path); got != tc.want || ok != tc.ok {
			t.Errorf("ModuleVersion(%q) = %q, %v; want %q, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
	if got := natsVersion(); got != "v1.55.1-fork" {
		t.Errorf("natsVersion from build info = %q", got)
	}
	withBuildInfo(t, nil)
	if got, ok := ModuleVersion("github.com/vmihailenco/msgpack/v5"); got != Unknown || ok {
		t.Errorf("no build info: %q %v", got, ok)
	}
	if got := natsVersion(); got != "v"+nats.Version {
		t.Errorf("natsVersion fallback = %q", got)
	}
}

// Under `go test` the build information lists no dependencies: hello says
// "unknown" for the library and leaves a note in the log.
func TestHelloUnderGoTest(t *testing.T) {
	p := newTestPeer(t)
	p.info.ContractsHash = "sha256:abc"
	log := &bytes.Buffer{}
	h := p.hello("go", "sha256:run", log) // the types' own hash wins over the run's
	b := h.marshal()
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["protocol"] != float64(1) || raw["name"] != "go" || raw["language"] != "go" ||
		raw["library"] != "github.com/vmihailenco/msgpack/v5" || raw["library_version"] != Unknown ||
		raw["nats_library"] != "nats.go" || raw["nats_library_version"] != "v"+nats.Version ||
		raw["contracts_hash"] != "sha256:abc" {
		t.Errorf("hello %s", b)
	}
	types, _ := json.Marshal(raw["types"])
	if string(types) != `["t.DecodeErr","t.Echo","t.EncodeErr","t.PanicNil"]` {
		t.Errorf("types not sorted: %s", types)
	}
	if !strings.Contains(log.String(), "not in this binary's build information") {
		t.Errorf("no note about the unknown version: %q", log.String())
	}
	// protocol's field order
	if !bytes.HasPrefix(b, []byte(`{"protocol":1,"name":"go","language":"go","library":`)) {
		t.Errorf("field order: %s", b)
	}
}
