package peer_test

// This file exists to check the SDK end to end, the way the runner sees a
// peer: a real nats-server, the toy peer as a subprocess, and this test as
// the client speaking docs/peer-protocol.md.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/msgpact/msgpact/harness/go/peer"
	"github.com/nats-io/nats.go"
	"github.com/vmihailenco/msgpack/v5"
)

// Point mirrors the toy peer's type.
type Point struct {
	X     int64    `msgpack:"x"`
	Y     int64    `msgpack:"y"`
	Label string   `msgpack:"label"`
	Tags  []string `msgpack:"tags"`
	Data  []byte   `msgpack:"data"`
	Extra []int64  `msgpack:"extra,omitempty"`
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// requiredVersion reads the version go.mod requires for module path.
func requiredVersion(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "require "))
		if len(fields) >= 2 && fields[0] == path {
			return fields[1]
		}
	}
	t.Fatalf("go.mod does not require %s", path)
	return ""
}

func wantStatus(t *testing.T, m *nats.Msg, want peer.Status) {
	t.Helper()
	if got := m.Header.Get(peer.HeaderStatus); got != string(want) {
		t.Fatalf("Msgpact-Status = %q, want %q (Msgpact-Error %q)", got, want, m.Header.Get(peer.HeaderError))
	}
}

// wantErrorLine checks the Msgpact-Error contract and that it contains want.
func wantErrorLine(t *testing.T, m *nats.Msg, want string) {
	t.Helper()
	e := m.Header.Get(peer.HeaderError)
	if e == "" || len(e) > peer.MaxErrorBytes || !utf8.ValidString(e) || strings.ContainsAny(e, "\r\n") {
		t.Fatalf("Msgpact-Error is not one valid line of 1..%d bytes: %d bytes %q", peer.MaxErrorBytes, len(e), e)
	}
	if !strings.Contains(e, want) {
		t.Fatalf("Msgpact-Error %q does not contain %q", e, want)
	}
	if len(m.Data) != 0 {
		t.Fatalf("error reply has a body of %d bytes", len(m.Data))
	}
}

func TestHello(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	resp, err := nc.Request(p.subject(peer.OpHello), nil, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(resp.Data) {
		t.Fatalf("hello is not JSON: %q", resp.Data)
	}
	var h peer.Hello
	dec := json.NewDecoder(bytes.NewReader(resp.Data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		t.Fatalf("hello %s: %v", resp.Data, err)
	}
	want := peer.Hello{
		Protocol:           1,
		Name:               "go-toy",
		Language:           "go",
		Library:            "github.com/vmihailenco/msgpack/v5",
		LibraryVersion:     requiredVersion(t, "github.com/vmihailenco/msgpack/v5"),
		NATSLibrary:        "nats.go",
		NATSLibraryVersion: requiredVersion(t, "github.com/nats-io/nats.go"),
		ContractsHash:      "",
		Types: []string{"test.BadDecode", "test.BadEncode", "test.Huge", "test.PanicDecode",
			"test.PanicEncode", "test.Point", "test.Slow"},
	}
	if want.LibraryVersion != "v5.4.1" {
		t.Logf("note: go.mod now requires msgpack %s (the brief pinned v5.4.1)", want.LibraryVersion)
	}
	if fmt.Sprint(h) != fmt.Sprint(want) {
		t.Fatalf("hello\n got %+v\nwant %+v", h, want)
	}
	// Every protocol field is present, even the empty contracts_hash.
	var raw map[string]any
	json.Unmarshal(resp.Data, &raw)
	for _, k := range []string{"protocol", "name", "language", "library", "library_version",
		"nats_library", "nats_library_version", "contracts_hash", "types"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("hello lacks %q: %s", k, resp.Data)
		}
	}
	if strings.Contains(p.stderr.String(), "not in this binary's build information") {
		t.Errorf("a `go build` peer should find its versions in the build information: %s", p.stderr.String())
	}
}

func TestRoundtripOK(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	for i, v := range []Point{
		{},
		{X: 1, Y: -2, Label: "a", Tags: []string{"x", "y"}, Data: []byte{0, 1, 2}},
		{X: 1 << 40, Y: -1 << 40, Label: strings.Repeat("é", 300), Data: bytes.Repeat([]byte{0xff}, 70000), Extra: []int64{5}},
	} {
		caseID := fmt.Sprintf("example.%d", i)
		resp := request(t, nc, p, "test.Point", caseID, marshal(t, &v))
		wantStatus(t, resp, peer.StatusOK)
		if got := resp.Header.Get(peer.HeaderCase); got != caseID {
			t.Errorf("Msgpact-Case = %q, want %q", got, caseID)
		}
		if _, has := resp.Header[peer.HeaderError]; has {
			t.Errorf("ok reply carries Msgpact-Error %q", resp.Header.Get(peer.HeaderError))
		}
		if want := marshal(t, &v); !bytes.Equal(resp.Data, want) {
			t.Errorf("case %s: body\n% x\nwant\n% x", caseID, resp.Data, want)
		}
	}
}

// The peer answers with the bytes its library writes, not the bytes it got:
// a map in another key order with compact ints comes back in Go's order with
// int64 at full width.
func TestRoundtripReencodes(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	in := []byte{0x82, 0xa1, 'y', 0x07, 0xa1, 'x', 0x05} // {"y":7,"x":5}
	resp := request(t, nc, p, "test.Point", "edge.reorder", in)
	wantStatus(t, resp, peer.StatusOK)
	want := marshal(t, &Point{X: 5, Y: 7})
	if !bytes.Equal(resp.Data, want) {
		t.Fatalf("body\n% x\nwant\n% x", resp.Data, want)
	}
	if !bytes.Contains(resp.Data, []byte{0xa1, 'x', 0xd3, 0, 0, 0, 0, 0, 0, 0, 5}) {
		t.Fatalf("expected int64 at full width (d3) in % x", resp.Data)
	}
}

func TestDecodeError(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	resp := request(t, nc, p, "test.BadDecode", "case.bad-decode", marshal(t, &Point{}))
	wantStatus(t, resp, peer.StatusDecodeError)
	wantErrorLine(t, resp, "toy decoder refuses second line")
	if e := resp.Header.Get(peer.HeaderError); !strings.HasSuffix(e, "…") {
		t.Errorf("a message longer than 1,000 bytes should be cut with an ellipsis: %q", e)
	}
	if got := resp.Header.Get(peer.HeaderCase); got != "case.bad-decode" {
		t.Errorf("Msgpact-Case = %q", got)
	}
	// The library itself refusing a payload: a str where the struct should be.
	resp = request(t, nc, p, "test.Point", "case.lib-refuses", []byte{0xa1, 'x'})
	wantStatus(t, resp, peer.StatusDecodeError)
	wantErrorLine(t, resp, "msgpack")
}

func TestEncodeError(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	resp := request(t, nc, p, "test.BadEncode", "case.bad-encode", marshal(t, &Point{X: 1}))
	wantStatus(t, resp, peer.StatusEncodeError)
	wantErrorLine(t, resp, "toy encoder refuses")
}

func TestPanicIsInternalErrorAndPeerSurvives(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	for _, tc := range []struct{ typ, want string }{
		{"test.PanicDecode", "panic in decode of test.PanicDecode: toy decoder panics"},
		{"test.PanicEncode", "panic in encode of test.PanicEncode: assignment to entry in nil map"},
	} {
		resp := request(t, nc, p, tc.typ, "case.panic", marshal(t, &Point{}))
		wantStatus(t, resp, peer.StatusInternalError)
		wantErrorLine(t, resp, tc.want)
		// and the next request is still answered
		v := Point{X: 3, Label: "after panic"}
		resp = request(t, nc, p, "test.Point", "case.after-panic", marshal(t, &v))
		wantStatus(t, resp, peer.StatusOK)
		if !bytes.Equal(resp.Data, marshal(t, &v)) {
			t.Fatalf("after a panic the body is % x", resp.Data)
		}
	}
	if p.exited() {
		t.Fatalf("peer exited after a panic: %s", p.stderr.String())
	}
	if !strings.Contains(p.stderr.String(), "goroutine ") {
		t.Errorf("the panic's stack should be in the peer's stderr: %s", p.stderr.String())
	}
}

func TestUnknownType(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	resp := request(t, nc, p, "chat.Nope", "case.unknown", marshal(t, &Point{}))
	wantStatus(t, resp, peer.StatusUnknownType)
	wantErrorLine(t, resp, `"chat.Nope"`)
	if got := resp.Header.Get(peer.HeaderCase); got != "case.unknown" {
		t.Errorf("Msgpact-Case = %q", got)
	}
}

func TestMissingHeaders(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	body := marshal(t, &Point{})

	resp := request(t, nc, p, "", "case.no-type", body)
	wantStatus(t, resp, peer.StatusInternalError)
	wantErrorLine(t, resp, "missing header Msgpact-Type")
	if got := resp.Header.Get(peer.HeaderCase); got != "case.no-type" {
		t.Errorf("Msgpact-Case = %q, want it echoed even on a missing type", got)
	}

	resp = request(t, nc, p, "test.Point", "", body)
	wantStatus(t, resp, peer.StatusInternalError)
	wantErrorLine(t, resp, "missing header Msgpact-Case")
	if _, has := resp.Header[peer.HeaderCase]; has {
		t.Errorf("no case was sent, yet one came back: %q", resp.Header.Get(peer.HeaderCase))
	}

	// A request without any header at all.
	plain, err := nc.Request(p.subject(peer.OpRoundtrip), body, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, plain, peer.StatusInternalError)
	wantErrorLine(t, plain, "missing header")

	// Another operation than hello and roundtrip.
	other, err := nc.Request(p.subject("frobnicate"), body, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, other, peer.StatusInternalError)
	wantErrorLine(t, other, `unknown operation "frobnicate"`)
}

func TestCaseEchoed(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	for _, c := range []string{"example.minimal", "edge.sample_rate.65535", "x", "ünïcode case / with spaces", strings.Repeat("k", 2000)} {
		for _, typ := range []string{"test.Point", "test.BadDecode", "no.Such"} {
			resp := request(t, nc, p, typ, c, marshal(t, &Point{}))
			if got := resp.Header.Get(peer.HeaderCase); got != c {
				t.Errorf("%s: Msgpact-Case = %q, want %q", typ, got, c)
			}
		}
	}
}

// Many requests in flight at once, each with its own value and case: every
// reply must carry its own case and its own value.
func TestManyConcurrentRequests(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	const total, inFlight = 2000, 128
	var wg sync.WaitGroup
	errs := make(chan error, total)
	next := make(chan int)
	for range inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				v := Point{X: int64(i), Y: int64(-i), Label: fmt.Sprintf("p%d", i), Tags: []string{fmt.Sprint(i)}}
				want, _ := msgpack.Marshal(&v)
				caseID := fmt.Sprintf("concurrent.%d", i)
				m := nats.NewMsg(p.subject(peer.OpRoundtrip))
				m.Header.Set(peer.HeaderType, "test.Point")
				m.Header.Set(peer.HeaderCase, caseID)
				m.Data = want
				resp, err := nc.RequestMsg(m, 20*time.Second)
				switch {
				case err != nil:
					errs <- fmt.Errorf("%s: %v", caseID, err)
				case resp.Header.Get(peer.HeaderCase) != caseID:
					errs <- fmt.Errorf("%s: reply for case %q", caseID, resp.Header.Get(peer.HeaderCase))
				case resp.Header.Get(peer.HeaderStatus) != "ok":
					errs <- fmt.Errorf("%s: status %q", caseID, resp.Header.Get(peer.HeaderStatus))
				case !bytes.Equal(resp.Data, want):
					errs <- fmt.Errorf("%s: body % x", caseID, resp.Data)
				}
			}
		}()
	}
	for i := range total {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 10 {
			t.Error(err)
		}
	}
	if n > 0 {
		t.Fatalf("%d of %d requests failed", n, total)
	}
}

// Requests are handled concurrently: slow ones do not queue behind each other.
func TestSlowRequestsOverlap(t *testing.T) {
	srv := requireNATS(t)
	p := startPeer(t, srv, "go-slow", "TOYPEER_CONCURRENCY=8", "TOYPEER_SLOW_MS=400")
	nc := connect(t, srv)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := request(t, nc, p, "test.Slow", fmt.Sprintf("slow.%d", i), marshal(t, &Point{X: int64(i)}))
			if resp.Header.Get(peer.HeaderStatus) != "ok" {
				t.Errorf("slow.%d: %q", i, resp.Header.Get(peer.HeaderStatus))
			}
		}()
	}
	wg.Wait()
	// 8 x 400 ms one after another would be 3.2 s.
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("8 slow requests took %v: not handled concurrently", d)
	}
}

func TestHostilePayloads(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	full := marshal(t, &Point{X: 1, Y: 2, Label: "label", Tags: []string{"a", "bc"}, Data: []byte{1, 2, 3}, Extra: []int64{9}})
	hostile := map[string][]byte{
		"str32 4 GiB":            {0xdb, 0xff, 0xff, 0xff, 0xff},
		"array32 4G":             {0xdd, 0xff, 0xff, 0xff, 0xff},
		"map32 4G":               {0xdf, 0xff, 0xff, 0xff, 0xff},
		"bin32 4 GiB":            {0xc6, 0xff, 0xff, 0xff, 0xff},
		"ext32 4 GiB":            {0xc9, 0xff, 0xff, 0xff, 0xff, 0x01},
		"never-used c1":          {0xc1},
		"map claims 5 pairs":     {0x85, 0xa1, 'x'},
		"label str32 4 GiB":      append([]byte{0x81, 0xa5, 'l', 'a', 'b', 'e', 'l'}, 0xdb, 0xff, 0xff, 0xff, 0xff),
		"tags array32 4G":        append([]byte{0x81, 0xa4, 't', 'a', 'g', 's'}, 0xdd, 0xff, 0xff, 0xff, 0xff),
		"data bin32 4 GiB":       append([]byte{0x81, 0xa4, 'd', 'a', 't', 'a'}, 0xc6, 0xff, 0xff, 0xff, 0xff),
		"extra []int64 array32":  append([]byte{0x81, 0xa5, 'e', 'x', 't', 'r', 'a'}, 0xdd, 0xff, 0xff, 0xff, 0xff),
		"extra []int64 array32b": append([]byte{0x81, 0xa5, 'e', 'x', 't', 'r', 'a'}, 0xdd, 0x0f, 0xff, 0xff, 0xff, 0x01),
	}
	for i := range len(full) { // every truncation, the empty payload included
		hostile[fmt.Sprintf("truncated to %d of %d bytes", i, len(full))] = full[:i]
	}
	for name, body := range hostile {
		resp := request(t, nc, p, "test.Point", "hostile", body)
		if got := resp.Header.Get(peer.HeaderStatus); got != string(peer.StatusDecodeError) {
			t.Errorf("%s (% x): status %q (%s), want decode-error", name, body, got, resp.Header.Get(peer.HeaderError))
			continue
		}
		wantErrorLine(t, resp, "")
	}
	// Random bytes: never anything but ok or decode-error.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		body := make([]byte, rng.IntN(40))
		for j := range body {
			body[j] = byte(rng.UintN(256))
		}
		resp := request(t, nc, p, "test.Point", fmt.Sprintf("random.%d", i), body)
		if s := resp.Header.Get(peer.HeaderStatus); s != "ok" && s != "decode-error" {
			t.Errorf("random payload % x: status %q (%s)", body, s, resp.Header.Get(peer.HeaderError))
		}
	}
	v := Point{X: 42}
	resp := request(t, nc, p, "test.Point", "after-hostile", marshal(t, &v))
	wantStatus(t, resp, peer.StatusOK)
	if p.exited() {
		t.Fatalf("peer exited: %s", p.stderr.String())
	}
}

// A re-encoded payload larger than the server's max_payload cannot be
// published: the peer says so instead of leaving the runner to time out.
func TestReplyOverMaxPayload(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	resp := request(t, nc, p, "test.Huge", "case.huge", marshal(t, &Point{}))
	wantStatus(t, resp, peer.StatusInternalError)
	wantErrorLine(t, resp, "max_payload")
	if got := resp.Header.Get(peer.HeaderCase); got != "case.huge" {
		t.Errorf("Msgpact-Case = %q", got)
	}
}

// Two instances of one peer share the load through the queue group: each
// request is answered exactly once.
func TestQueueGroupAnswersOnce(t *testing.T) {
	srv := requireNATS(t)
	a := startPeer(t, srv, "go-twin")
	b, err := launchPeer(srv, "go-twin", a.prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer b.kill()
	nc := connect(t, srv)
	inbox := nats.NewInbox()
	replies, err := nc.SubscribeSync(inbox)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	for range n {
		if err := nc.PublishRequest(a.subject(peer.OpHello), inbox, nil); err != nil {
			t.Fatal(err)
		}
	}
	got := 0
	for {
		if _, err := replies.NextMsg(500 * time.Millisecond); err != nil {
			break
		}
		got++
	}
	if got != n {
		t.Fatalf("%d requests got %d replies from two instances, want exactly %d", n, got, n)
	}
}

// A peer of another run (another prefix) does not answer.
func TestPrefixIsolation(t *testing.T) {
	p := sharedPeer(t)
	nc := connect(t, sharedNATS)
	_, err := nc.Request("msgpact.test.other."+p.name+"."+peer.OpHello, nil, 2*time.Second)
	if err == nil {
		t.Fatal("a request under another prefix was answered")
	}
}

func TestSignalsExitZeroAfterAnsweringInFlight(t *testing.T) {
	srv := requireNATS(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			p := startPeer(t, srv, "go-signal", "TOYPEER_SLOW_MS=700")
			nc := connect(t, srv)
			inbox := nats.NewInbox()
			replies, err := nc.SubscribeSync(inbox)
			if err != nil {
				t.Fatal(err)
			}
			m := nats.NewMsg(p.subject(peer.OpRoundtrip))
			m.Reply = inbox
			m.Header.Set(peer.HeaderType, "test.Slow")
			m.Header.Set(peer.HeaderCase, "in-flight")
			m.Data = marshal(t, &Point{X: 7})
			if err := nc.PublishMsg(m); err != nil {
				t.Fatal(err)
			}
			nc.Flush()
			time.Sleep(200 * time.Millisecond) // the peer is now inside the slow decoder
			if err := p.signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := p.wait(t, 15*time.Second); code != 0 {
				t.Fatalf("exit status %d after %v, want 0; stderr:\n%s", code, sig, p.stderr.String())
			}
			resp, err := replies.NextMsg(5 * time.Second)
			if err != nil {
				t.Fatalf("the request in flight at %v was not answered: %v; stderr:\n%s", sig, err, p.stderr.String())
			}
			wantStatus(t, resp, peer.StatusOK)
		})
	}
}

// When the NATS connection closes for good, the peer exits 0.
func TestExitsWhenConnectionClosesForGood(t *testing.T) {
	requireNATS(t)
	srv, err := startNATSServer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	p := startPeer(t, srv, "go-closed", "TOYPEER_NO_RECONNECT=1")
	srv.stop()
	if code := p.wait(t, 15*time.Second); code != 0 {
		t.Fatalf("exit status %d, want 0; stderr:\n%s", code, p.stderr.String())
	}
	if !strings.Contains(p.stderr.String(), "closed for good") {
		t.Errorf("stderr should say why the peer stopped: %s", p.stderr.String())
	}
}

func TestMissingEnvironmentExits2(t *testing.T) {
	bin := requireToyPeer(t)
	for _, tc := range []struct {
		env  []string
		want []string
	}{
		{nil, []string{peer.EnvNATSURL, peer.EnvSubjectPrefix, peer.EnvPeer}},
		{[]string{peer.EnvNATSURL + "=nats://127.0.0.1:1", peer.EnvSubjectPrefix + "=msgpact.x", peer.EnvPeer + "=bad.name"}, []string{peer.EnvPeer}},
		{[]string{peer.EnvNATSURL + "=nats://127.0.0.1:1", peer.EnvSubjectPrefix + "=msgpact..x", peer.EnvPeer + "=go"}, []string{peer.EnvSubjectPrefix}},
		{[]string{peer.EnvNATSURL + "=nats://127.0.0.1:1", peer.EnvSubjectPrefix + "=msgpact.x", peer.EnvPeer + "=go",
			peer.EnvNATSCreds + "=/nonexistent/user.creds"}, []string{peer.EnvNATSCreds}},
	} {
		cmd := command(bin, peerEnv(tc.env...))
		out, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != 2 {
			t.Errorf("env %v: exit status %d (%v), want 2; output:\n%s", tc.env, code, err, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("env %v: output does not name %s:\n%s", tc.env, w, out)
			}
		}
		if strings.Contains(string(out), peer.ReadyLine) {
			t.Errorf("env %v: said ready", tc.env)
		}
	}
}

// No server at the URL: a setup failure, exit status 1, not ready.
func TestUnreachableServerExits1(t *testing.T) {
	bin := requireToyPeer(t)
	cmd := command(bin, peerEnv(peer.EnvNATSURL+"=nats://127.0.0.1:1", peer.EnvSubjectPrefix+"=msgpact.x", peer.EnvPeer+"=go"))
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("exit status %d, want 1; output:\n%s", code, out)
	}
	if !strings.Contains(string(out), "connect to NATS") {
		t.Errorf("output:\n%s", out)
	}
}
