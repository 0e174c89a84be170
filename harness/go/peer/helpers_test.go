package peer_test

// This file exists to give the integration tests real processes: a
// nats-server from PATH on a random loopback port, and the toy peer binary
// built with `go build` and run as a subprocess with MSGPACT_* variables.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/msgpact/msgpact/harness/go/peer"
	"github.com/nats-io/nats.go"
)

var (
	workDir     string // temporary directory of this test binary
	toyPeerBin  string // path of the built toy peer
	toyBuildErr error
	sharedNATS  *natsServer // nil when nats-server could not be started
	natsMissing string      // why sharedNATS is nil
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		var err error
		workDir, err = os.MkdirTemp("", "msgpact-peer-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(workDir)
		toyPeerBin, toyBuildErr = buildToyPeer(workDir)
		sharedNATS, err = startNATSServer(workDir)
		if err != nil {
			natsMissing = err.Error()
			fmt.Fprintf(os.Stderr, "\n!!!!!!!!!!\n!!! msgpact peer tests: NO NATS SERVER: %s\n"+
				"!!! every test that needs NATS will %s.\n!!!!!!!!!!\n\n", natsMissing,
				map[bool]string{true: "FAIL", false: "be SKIPPED (" + envSkipNATS + "=1)"}[!mayskipNATS()])
		} else {
			defer sharedNATS.stop()
		}
		code := m.Run()
		if stopSharedPeer() && code == 0 {
			code = 1
		}
		return code
	}())
}

// envSkipNATS lets a developer without nats-server skip, deliberately, the
// tests that need it. `go test ./...` shows nothing of a passing package, so
// a skip by default would be silent; without this variable they fail. In CI
// they always fail.
const envSkipNATS = "MSGPACT_TEST_SKIP_NATS"

func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

func mayskipNATS() bool { return !inCI() && os.Getenv(envSkipNATS) == "1" }

// requireNATS returns the shared nats-server, or fails the test (skips it
// only outside CI and with MSGPACT_TEST_SKIP_NATS=1) when there is none.
func requireNATS(t testing.TB) *natsServer {
	t.Helper()
	if sharedNATS != nil {
		return sharedNATS
	}
	if mayskipNATS() {
		t.Skipf("SKIPPED (%s=1): nats-server unavailable: %s", envSkipNATS, natsMissing)
	}
	hint := "run the suite from `cargo test --workspace` (it hands over the nats-server msgpact uses), install nats-server, or set MSGPACT_NATS_SERVER to its path"
	if !inCI() {
		hint += "; to skip these tests deliberately outside CI, set " + envSkipNATS + "=1"
	}
	t.Fatalf("nats-server is required: %s; %s", natsMissing, hint)
	return nil
}

func requireToyPeer(t testing.TB) string {
	t.Helper()
	if toyBuildErr != nil {
		t.Fatalf("building the toy peer: %v", toyBuildErr)
	}
	return toyPeerBin
}

// buildToyPeer builds ./internal/toypeer with `go build`, so that its build
// information lists the real module versions.
func buildToyPeer(dir string) (string, error) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	out := filepath.Join(dir, "toypeer")
	args := []string{"build", "-o", out}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command(goBin, append(args, "./internal/toypeer")...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%v: %s", err, b)
	}
	return out, nil
}

// natsServer is a nats-server subprocess.
type natsServer struct {
	cmd  *exec.Cmd
	url  string
	log  *syncBuffer
	done chan struct{}
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

// startNATSServer starts nats-server on a random loopback port, learnt from
// the ports file the server writes.
func startNATSServer(dir string) (*natsServer, error) {
	bin, err := findNATSServer()
	if err != nil {
		return nil, err
	}
	portsDir, err := os.MkdirTemp(dir, "nats-")
	if err != nil {
		return nil, err
	}
	s := &natsServer{log: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", portsDir)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return nil, fmt.Errorf("nats-server exited at start: %s", s.log.String())
		default:
		}
		files, _ := filepath.Glob(filepath.Join(portsDir, "*.ports"))
		for _, f := range files {
			var ports struct{ Nats []string }
			if b, err := os.ReadFile(f); err == nil && json.Unmarshal(b, &ports) == nil && len(ports.Nats) > 0 {
				s.url = ports.Nats[0]
				if nc, err := nats.Connect(s.url); err == nil {
					nc.Close()
					return s, nil
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("nats-server did not become ready in 15s: %s", s.log.String())
}

func (s *natsServer) stop() {
	s.cmd.Process.Kill()
	<-s.done
}

// connect returns a client connection closed at the end of the test.
func connect(t testing.TB, srv *natsServer) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(srv.url, nats.Name("msgpact peer test client"))
	if err != nil {
		t.Fatalf("connect to %s: %v", srv.url, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// peerProc is a toy peer subprocess.
type peerProc struct {
	cmd    *exec.Cmd
	name   string
	prefix string
	stderr *syncBuffer
	done   chan struct{}
	err    error // the Wait error, valid after done
}

func randomToken() string {
	return fmt.Sprintf("%016x", rand.Uint64())
}

// peerEnv is the environment without any MSGPACT_* variable of the caller.
func peerEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MSGPACT_") && !strings.HasPrefix(kv, "TOYPEER_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// command runs the toy peer binary with exactly env.
func command(bin string, env []string) *exec.Cmd {
	cmd := exec.Command(bin)
	cmd.Env = env
	return cmd
}

// launchPeer starts the toy peer and waits for its ready line. An empty
// prefix means a new random one.
func launchPeer(srv *natsServer, name, prefix string, extraEnv ...string) (*peerProc, error) {
	if prefix == "" {
		prefix = "msgpact.test." + randomToken()
	}
	p := &peerProc{name: name, prefix: prefix, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(toyPeerBin)
	p.cmd.Env = peerEnv(append([]string{
		peer.EnvNATSURL + "=" + srv.url,
		peer.EnvSubjectPrefix + "=" + p.prefix,
		peer.EnvPeer + "=" + name,
	}, extraEnv...)...)
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	deadline := time.After(15 * time.Second)
	for !strings.Contains(p.stderr.String(), peer.ReadyLine+"\n") {
		select {
		case <-p.done:
			return nil, fmt.Errorf("toy peer exited before ready (%v): %s", p.err, p.stderr.String())
		case <-deadline:
			p.kill()
			return nil, fmt.Errorf("toy peer not ready in 15s: %s", p.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	return p, nil
}

// startPeer starts a toy peer for one test; it is stopped at the test's end.
func startPeer(t testing.TB, srv *natsServer, name string, extraEnv ...string) *peerProc {
	t.Helper()
	requireToyPeer(t)
	p, err := launchPeer(srv, name, "", extraEnv...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.kill()
		if strings.Contains(p.stderr.String(), raceWarning) {
			t.Errorf("data race in toy peer %s", name)
		}
		if t.Failed() {
			t.Logf("toy peer %s stderr:\n%s", name, p.stderr.String())
		}
	})
	return p
}

var (
	sharedPeerOnce sync.Once
	sharedPeerProc *peerProc
	sharedPeerErr  error
)

// sharedPeer is one toy peer shared by the tests that only send requests.
func sharedPeer(t testing.TB) *peerProc {
	t.Helper()
	srv := requireNATS(t)
	requireToyPeer(t)
	sharedPeerOnce.Do(func() { sharedPeerProc, sharedPeerErr = launchPeer(srv, "go-toy", "") })
	if sharedPeerErr != nil {
		t.Fatal(sharedPeerErr)
	}
	if sharedPeerProc.exited() {
		t.Fatalf("the shared toy peer has exited (%v): %s", sharedPeerProc.err, sharedPeerProc.stderr.String())
	}
	return sharedPeerProc
}

// stopSharedPeer stops the shared peer and reports whether the race
// detector complained in it.
func stopSharedPeer() bool {
	if sharedPeerProc == nil {
		return false
	}
	sharedPeerProc.kill()
	if log := sharedPeerProc.stderr.String(); strings.Contains(log, raceWarning) {
		fmt.Fprintf(os.Stderr, "the shared toy peer had a data race:\n%s", log)
		return true
	}
	return false
}

const raceWarning = "WARNING: DATA RACE"

func (p *peerProc) subject(op string) string { return p.prefix + "." + p.name + "." + op }

func (p *peerProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *peerProc) signal(sig syscall.Signal) error { return p.cmd.Process.Signal(sig) }

// wait waits for the process to exit and returns its exit code.
func (p *peerProc) wait(t testing.TB, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(timeout):
		t.Fatalf("toy peer still running after %v; stderr:\n%s", timeout, p.stderr.String())
		return -1
	}
}

func (p *peerProc) kill() {
	if !p.exited() {
		p.cmd.Process.Kill()
	}
	<-p.done
}

// syncBuffer is a bytes.Buffer safe for a writer and readers at once.
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

// request sends a roundtrip with the given headers ("" = header absent).
func request(t testing.TB, nc *nats.Conn, p *peerProc, typeName, caseID string, body []byte) *nats.Msg {
	t.Helper()
	m := nats.NewMsg(p.subject(peer.OpRoundtrip))
	m.Data = body
	if typeName != "" {
		m.Header.Set(peer.HeaderType, typeName)
	}
	if caseID != "" {
		m.Header.Set(peer.HeaderCase, caseID)
	}
	resp, err := nc.RequestMsg(m, 10*time.Second)
	if err != nil {
		t.Fatalf("roundtrip %s/%s: %v", typeName, caseID, err)
	}
	return resp
}
