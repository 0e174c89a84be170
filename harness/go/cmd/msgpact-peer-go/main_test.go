package main

// This file exists to run the reference peer the way `msgpact verify` does: a real nats-server on a
// random loopback port, the peer built with `go build` and started with MSGPACT_* variables, then
// `hello` and `roundtrip` requests over NATS. Without nats-server these tests FAIL (in CI always;
// elsewhere they may be skipped deliberately with MSGPACT_TEST_SKIP_NATS=1), as the SDK's do.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/msgpact/msgpact/harness/go/generated/registry"
	"github.com/msgpact/msgpact/harness/go/peer"
	"github.com/nats-io/nats.go"
)

var (
	peerBin    string // the built reference peer
	buildErr   error
	natsURL    string // "" when nats-server could not be started
	natsErr    error
	theNATS    *exec.Cmd
	natsExited chan struct{}
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "msgpact-peer-go-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		peerBin, buildErr = buildPeer(dir)
		natsURL, natsErr = startNATS(dir)
		if natsErr != nil {
			fmt.Fprintf(os.Stderr, "\n!!! msgpact-peer-go tests: NO NATS SERVER: %v\n!!! the end-to-end tests will %s.\n\n",
				natsErr, map[bool]string{true: "be SKIPPED (MSGPACT_TEST_SKIP_NATS=1)", false: "FAIL"}[maySkipNATS()])
		} else {
			defer func() { theNATS.Process.Kill(); <-natsExited }()
		}
		return m.Run()
	}())
}

func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

func maySkipNATS() bool { return !inCI() && os.Getenv("MSGPACT_TEST_SKIP_NATS") == "1" }

// buildPeer builds this command with `go build`, so that its build information lists the real
// module versions (a test binary records none).
func buildPeer(dir string) (string, error) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	out := filepath.Join(dir, "msgpact-peer-go")
	cmd := exec.Command(goBin, "build", "-mod=readonly", "-o", out, ".")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v: %s", err, b)
	}
	return out, nil
}

// findNATSServer finds nats-server the way msgpact does: MSGPACT_NATS_SERVER
// (what `cargo test` hands this suite), MSGPACT_TEST_NATS_SERVER, PATH, the
// usual sbin directories, then the one msgpact builds once with `go install`
// into the user's cache. Only executable regular files count.
func findNATSServer() (string, error) {
	for _, name := range []string{"MSGPACT_NATS_SERVER", "MSGPACT_TEST_NATS_SERVER"} {
		if p := os.Getenv(name); p != "" {
			if !isExecutable(p) {
				return "", fmt.Errorf("%s is %s, which is not an executable file", name, p)
			}
			return p, nil
		}
	}
	if p, err := exec.LookPath("nats-server"); err == nil && isExecutable(p) {
		return p, nil
	}
	candidates := []string{"/usr/sbin/nats-server", "/usr/local/sbin/nats-server", "/usr/local/bin/nats-server"}
	if dir, err := os.UserCacheDir(); err == nil {
		candidates = append(candidates, filepath.Join(dir, "msgpact", "nats-server", natsServerVersion, "bin", "nats-server"))
	}
	for _, p := range candidates {
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("no nats-server: not in MSGPACT_NATS_SERVER, not on PATH, not in %s; "+
		"`cargo test --workspace` (or `cargo run -- verify`) builds one once into the cache", strings.Join(candidates, ", "))
}

// natsServerVersion is the version msgpact builds (NATS_SERVER_VERSION in src/nats/mod.rs).
const natsServerVersion = "v2.15.2"

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}

// startNATS starts nats-server on a random loopback port, learnt from its ports file.
func startNATS(dir string) (string, error) {
	bin, err := findNATSServer()
	if err != nil {
		return "", err
	}
	portsDir, err := os.MkdirTemp(dir, "nats-")
	if err != nil {
		return "", err
	}
	var log syncBuffer
	theNATS = exec.Command(bin, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", portsDir)
	theNATS.Stdout, theNATS.Stderr = &log, &log
	if err := theNATS.Start(); err != nil {
		return "", err
	}
	natsExited = make(chan struct{})
	go func() { theNATS.Wait(); close(natsExited) }()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-natsExited:
			return "", fmt.Errorf("nats-server exited at start: %s", log.String())
		default:
		}
		files, _ := filepath.Glob(filepath.Join(portsDir, "*.ports"))
		for _, f := range files {
			var ports struct{ Nats []string }
			if b, err := os.ReadFile(f); err == nil && json.Unmarshal(b, &ports) == nil && len(ports.Nats) > 0 {
				if nc, err := nats.Connect(ports.Nats[0]); err == nil {
					nc.Close()
					return ports.Nats[0], nil
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	theNATS.Process.Kill()
	<-natsExited
	return "", fmt.Errorf("nats-server did not become ready in 15s: %s", log.String())
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// running is one reference peer process, stopped at the end of the test.
type running struct {
	nc      *nats.Conn
	subject func(op string) string
	stderr  *syncBuffer
	exited  chan struct{}
}

func startPeer(t *testing.T) *running {
	t.Helper()
	if natsErr != nil {
		if maySkipNATS() {
			t.Skipf("SKIPPED (MSGPACT_TEST_SKIP_NATS=1): %v", natsErr)
		}
		t.Fatalf("nats-server is required: %v (run the suite from `cargo test --workspace`, which hands over the nats-server msgpact uses, install nats-server, or set MSGPACT_NATS_SERVER)", natsErr)
	}
	if buildErr != nil {
		t.Fatalf("building the peer: %v", buildErr)
	}
	prefix := fmt.Sprintf("msgpact.test.%016x", rand.Uint64())
	const name = "go-ref"
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MSGPACT_") {
			env = append(env, kv)
		}
	}
	r := &running{stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd := exec.Command(peerBin)
	cmd.Env = append(env, peer.EnvNATSURL+"="+natsURL, peer.EnvSubjectPrefix+"="+prefix, peer.EnvPeer+"="+name)
	cmd.Stderr = r.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(r.exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-r.exited
		if t.Failed() {
			t.Logf("peer stderr:\n%s", r.stderr.String())
		}
	})
	deadline := time.After(15 * time.Second)
	for !strings.Contains(r.stderr.String(), peer.ReadyLine+"\n") {
		select {
		case <-r.exited:
			t.Fatalf("peer exited before ready: %s", r.stderr.String())
		case <-deadline:
			t.Fatalf("peer not ready in 15s: %s", r.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	r.nc = nc
	r.subject = func(op string) string { return prefix + "." + name + "." + op }
	return r
}

func (r *running) roundtrip(t *testing.T, typeName, caseID string, body []byte) *nats.Msg {
	t.Helper()
	m := nats.NewMsg(r.subject(peer.OpRoundtrip))
	m.Data = body
	m.Header.Set(peer.HeaderType, typeName)
	m.Header.Set(peer.HeaderCase, caseID)
	resp, err := r.nc.RequestMsg(m, 10*time.Second)
	if err != nil {
		t.Fatalf("roundtrip %s %s: %v", typeName, caseID, err)
	}
	if got := resp.Header.Get(peer.HeaderCase); got != caseID {
		t.Fatalf("reply for case %q carries case %q", caseID, got)
	}
	return resp
}

// goldenDir is ../../../../golden, found by walking up to the directory with contracts/ and golden/.
func goldenDir(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for d := dir; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if st, err := os.Stat(filepath.Join(d, "golden")); err == nil && st.IsDir() {
			if _, err := os.Stat(filepath.Join(d, "contracts")); err == nil {
				return filepath.Join(d, "golden")
			}
		}
	}
	t.Fatalf("no golden/ above %s", dir)
	return ""
}

type vector struct {
	typeName, caseID string
	bytes            []byte
}

func goldenVectors(t *testing.T) []vector {
	t.Helper()
	root := goldenDir(t)
	var out []vector
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || !strings.HasSuffix(p, ".msgpack") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 3 {
			return fmt.Errorf("unexpected golden path %s", p)
		}
		b, err := os.ReadFile(p)
		out = append(out, vector{parts[0] + "." + parts[1], strings.TrimSuffix(parts[2], ".msgpack"), b})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestHello(t *testing.T) {
	r := startPeer(t)
	resp, err := r.nc.Request(r.subject(peer.OpHello), nil, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var h peer.Hello
	if err := json.Unmarshal(resp.Data, &h); err != nil {
		t.Fatalf("hello is not JSON: %v: %s", err, resp.Data)
	}
	if h.Protocol != 1 || h.Name != "go-ref" || h.Language != "go" || h.Library != "github.com/vmihailenco/msgpack/v5" || h.NATSLibrary != "nats.go" {
		t.Errorf("hello identity: %+v", h)
	}
	if h.LibraryVersion != "v5.4.1" {
		t.Errorf("library_version %q, want v5.4.1 (the version pinned by go.sum, from build info)", h.LibraryVersion)
	}
	if h.ContractsHash != registry.ContractsHash || !strings.HasPrefix(h.ContractsHash, "sha256:") {
		t.Errorf("contracts_hash %q, want %q", h.ContractsHash, registry.ContractsHash)
	}
	// Every contract message (each has golden vectors) is served, and nothing else.
	want := map[string]bool{}
	for _, v := range goldenVectors(t) {
		want[v.typeName] = true
	}
	var wantList []string
	for n := range want {
		wantList = append(wantList, n)
	}
	sort.Strings(wantList)
	if !slices.Equal(h.Types, wantList) {
		t.Errorf("types %v\nwant  %v", h.Types, wantList)
	}
}

// TestRoundtripEveryGoldenVector sends every golden vector through the running peer: the reply is ok
// and byte-identical; every must-reject vector (reject.*) is answered decode-error, but an unknown key,
// which the generated types ignore on purpose.
func TestRoundtripEveryGoldenVector(t *testing.T) {
	r := startPeer(t)
	vectors := goldenVectors(t)
	if len(vectors) <= 300 {
		t.Fatalf("only %d golden vectors", len(vectors))
	}
	bad, rejects := 0, 0
	for _, v := range vectors {
		resp := r.roundtrip(t, v.typeName, v.caseID, v.bytes)
		if strings.HasPrefix(v.caseID, "reject.") {
			rejects++
			want := string(peer.StatusDecodeError)
			if v.caseID == "reject.unknown-key" {
				want = string(peer.StatusOK)
			}
			if st := resp.Header.Get(peer.HeaderStatus); st != want {
				t.Errorf("%s %s: status %s (%s), want %s", v.typeName, v.caseID, st, resp.Header.Get(peer.HeaderError), want)
				bad++
			}
			continue
		}
		if st := resp.Header.Get(peer.HeaderStatus); st != string(peer.StatusOK) {
			t.Errorf("%s %s: status %s: %s", v.typeName, v.caseID, st, resp.Header.Get(peer.HeaderError))
			bad++
		} else if !bytes.Equal(resp.Data, v.bytes) {
			t.Errorf("%s %s: reply differs\n got %x\nwant %x", v.typeName, v.caseID, resp.Data, v.bytes)
			bad++
		}
	}
	if rejects < 150 {
		t.Errorf("only %d must-reject vectors", rejects)
	}
	t.Logf("%d golden vectors (%d must-reject) through the peer, %d bad", len(vectors), rejects, bad)
}

func TestRoundtripErrors(t *testing.T) {
	r := startPeer(t)
	cases := []struct {
		name, typ string
		body      []byte
		status    peer.Status
		errHas    string
	}{
		// channels = 300: the library alone would wrap it to 44
		{"out of range", "voice.AudioChunk", []byte("\x87\xa9stream_id\xa1s\xa3seq\x00\xabsample_rate\xcd\x3e\x80\xa8channels\xcd\x01\x2c\xa6format\x01\xa5audio\xc4\x00\xa5final\xc3"),
			peer.StatusDecodeError, "$.channels: 300 is out of range for uint8"},
		{"missing field", "common.TokenUsage", []byte("\x82\xadprompt_tokens\x00\xb1completion_tokens\x00"), peer.StatusDecodeError, "$.total_tokens: required field is missing"},
		{"unknown enum", "chat.ChatTurn", []byte("\x82\xa4role\xa5admin\xa4text\xa0"), peer.StatusDecodeError, `$.role: "admin" is not a value of enum common.Role`},
		{"truncated", "common.TokenUsage", []byte("\x83\xadprompt"), peer.StatusDecodeError, "not well-formed"},
		// the SDK refuses a hostile length before the library could allocate it
		{"hostile array length", "chat.ChatRequest", []byte("\xdd\xff\xff\xff\xff"), peer.StatusDecodeError, "not well-formed"},
		{"unknown type", "chat.Nope", []byte("\x80"), peer.StatusUnknownType, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := r.roundtrip(t, tc.typ, "edge."+tc.name, tc.body)
			if st := resp.Header.Get(peer.HeaderStatus); st != string(tc.status) {
				t.Fatalf("status %q (%s), want %q", st, resp.Header.Get(peer.HeaderError), tc.status)
			}
			if msg := resp.Header.Get(peer.HeaderError); !strings.Contains(msg, tc.errHas) {
				t.Errorf("Msgpact-Error %q does not say %q", msg, tc.errHas)
			}
			if len(resp.Data) != 0 {
				t.Errorf("error reply has a body: %x", resp.Data)
			}
		})
	}
	// Still serving after all that.
	ok := r.roundtrip(t, "common.TokenUsage", "after", []byte("\x83\xadprompt_tokens\x00\xb1completion_tokens\x00\xactotal_tokens\x00"))
	if ok.Header.Get(peer.HeaderStatus) != string(peer.StatusOK) {
		t.Errorf("after errors: %s %s", ok.Header.Get(peer.HeaderStatus), ok.Header.Get(peer.HeaderError))
	}
}
