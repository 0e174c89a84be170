package peer

// This file exists to hold what a peer is: its identity (Info, reported in
// `hello`) and the table of message types it serves, filled by Register,
// with the round-trip of one payload (Roundtrip). The decision of protocol
// section 4 (which status a payload gets) is made here, without NATS, so
// that it can be tested on its own and so that a team can unit-test its own
// codecs. A peer never dies of a payload: a panic in a decoder or encoder
// becomes an internal-error with the panic text.

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/nats-io/nats.go"
)

// Info is the identity a peer reports in its `hello` reply.
type Info struct {
	// Language is shown in reports; "go" when empty.
	Language string
	// Library is the module path of the MessagePack library the decode and
	// encode functions use, e.g. "github.com/vmihailenco/msgpack/v5".
	Library string
	// LibraryVersion is its version; when empty (the usual case) it is
	// looked up in the binary's build information at run time.
	LibraryVersion string
	// ContractsHash is the wire hash of the contracts the types were
	// generated from (generated code carries it), "" for hand-written types.
	ContractsHash string
}

// Peer serves round-trips for the types registered with [Register].
// Register every type before calling [Peer.Run] or [Peer.Serve].
type Peer struct {
	// Concurrency is the number of messages handled at once; when zero or
	// less, max(2, GOMAXPROCS) at Serve time.
	Concurrency int
	// SkipWellFormedCheck hands every payload to the decoder unchecked. By
	// default a payload that is not well-formed MessagePack (a declared
	// length longer than the bytes that follow) is answered as decode-error
	// without calling the decoder, because some libraries allocate what a
	// length claims and die of it (see CheckWellFormed). Set it to see what
	// the library itself does; the runner then reports such a death as a crash.
	SkipWellFormedCheck bool
	// NATSOptions are extra connection options, e.g. nats.MaxReconnects or
	// TLS settings. They are applied first: the SDK's name, credentials and
	// closed/disconnect/reconnect/error handlers are applied after and win.
	NATSOptions []nats.Option
	// Stderr receives the ready line and diagnostics; os.Stderr when nil.
	Stderr io.Writer

	info    Info
	mu      sync.Mutex
	started bool
	types   map[string]roundtripFunc
}

// roundtripFunc decodes a payload into a native value and encodes it back.
// err is nil exactly when status is StatusOK.
type roundtripFunc func(body []byte) (out []byte, status Status, err error)

// New returns a peer with the given identity and no types yet.
func New(info Info) *Peer {
	return &Peer{info: info, types: make(map[string]roundtripFunc)}
}

// Register serves the fully qualified message type typeName (e.g.
// "chat.ChatRequest") on p: a roundtrip request for it is decoded with
// decode and the value encoded back with encode.
//
// A decode error is answered as decode-error (return an error from decode
// also when the decoded value breaks a contract constraint), an encode error
// as encode-error, and a panic in either as internal-error with the panic
// text; the peer keeps serving in every case.
//
// Register panics when typeName is malformed or already registered, or when
// p is already serving: these are mistakes in the peer's source.
func Register[T any](p *Peer, typeName string, decode func([]byte) (T, error), encode func(T) ([]byte, error)) {
	if decode == nil || encode == nil {
		panic(fmt.Sprintf("peer.Register(%q): decode and encode must not be nil", typeName))
	}
	p.register(typeName, func(body []byte) ([]byte, Status, error) {
		v, err := guard("decode", typeName, func() (T, error) { return decode(body) })
		if err != nil {
			return nil, statusFor(err, StatusDecodeError), err
		}
		out, err := guard("encode", typeName, func() ([]byte, error) { return encode(v) })
		if err != nil {
			return nil, statusFor(err, StatusEncodeError), err
		}
		return out, StatusOK, nil
	})
}

func (p *Peer) register(typeName string, rt roundtripFunc) {
	if err := checkTypeName(typeName); err != nil {
		panic("peer.Register: " + err.Error())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		panic(fmt.Sprintf("peer.Register(%q): register types before Run/Serve", typeName))
	}
	if _, dup := p.types[typeName]; dup {
		panic(fmt.Sprintf("peer.Register(%q): type registered twice", typeName))
	}
	p.types[typeName] = rt
}

// checkTypeName insists on `package.Message`, each part an identifier
// ([A-Za-z_][A-Za-z0-9_]*, the package possibly dotted): a bare
// "ChatRequest" would only show up later as "not served" in the runner's
// report.
func checkTypeName(name string) error {
	parts := strings.Split(name, ".")
	ident := func(s string) bool {
		for i := 0; i < len(s); i++ {
			c := s[i]
			letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
			if !letter && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
		return s != ""
	}
	for _, part := range parts {
		if !ident(part) {
			return fmt.Errorf("%q is not a fully qualified message type like \"chat.ChatRequest\"", name)
		}
	}
	if len(parts) < 2 {
		return fmt.Errorf("%q is not a fully qualified message type like \"chat.ChatRequest\"", name)
	}
	return nil
}

// Types returns the registered type names, sorted.
func (p *Peer) Types() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	names := make([]string, 0, len(p.types))
	for n := range p.types {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// freeze marks p as serving; the type table is read without locks afterwards.
func (p *Peer) freeze() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		return fmt.Errorf("peer is already serving")
	}
	if p.info.Library == "" {
		return &ConfigError{Problems: []string{"peer.Info.Library is empty: name the MessagePack library's module path"}}
	}
	if len(p.types) == 0 {
		return &ConfigError{Problems: []string{"no message types registered: call peer.Register before Run"}}
	}
	p.started = true
	return nil
}

// Outcome is the result of one round-trip: a Msgpact-Status, the reply
// body (for StatusOK) and the Msgpact-Error line (for the others).
type Outcome struct {
	Status  Status
	Payload []byte
	Error   string
}

// Roundtrip decodes payload as typeName and encodes it back, as the served
// path does, without NATS: every failure becomes a status, never a panic.
func (p *Peer) Roundtrip(typeName string, payload []byte) Outcome {
	p.mu.Lock()
	rt, ok := p.types[typeName]
	p.mu.Unlock()
	return p.roundtrip(typeName, rt, ok, payload, nil)
}

// roundtrip is Roundtrip with the type already looked up (the served path
// reads the table without locks once serving); onPanic is called with each
// recovered panic, for the log.
func (p *Peer) roundtrip(typeName string, rt roundtripFunc, ok bool, payload []byte, onPanic func(*PanicError)) Outcome {
	if !ok {
		return Outcome{Status: StatusUnknownType, Error: OneLine(fmt.Sprintf("this peer does not serve %q", typeName))}
	}
	if !p.SkipWellFormedCheck {
		if err := CheckWellFormed(payload); err != nil {
			return Outcome{Status: StatusDecodeError, Error: OneLine(err.Error())}
		}
	}
	out, status, err := rt(payload)
	if err != nil {
		var pe *PanicError
		if errors.As(err, &pe) && onPanic != nil {
			onPanic(pe)
		}
		return Outcome{Status: status, Error: OneLine(err.Error())}
	}
	return Outcome{Status: StatusOK, Payload: out}
}

// PanicError is the error a recovered panic in a decode or encode function
// turns into. Its reply status is internal-error.
type PanicError struct {
	Stage string // "decode" or "encode"
	Type  string // the message type being served
	Value any    // what was passed to panic
	Stack []byte // the goroutine's stack at the panic
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic in %s of %s: %v", e.Stage, e.Type, e.Value)
}

// guard runs f and turns a panic into a *PanicError.
func guard[R any](stage, typeName string, f func() (R, error)) (r R, err error) {
	defer func() {
		if v := recover(); v != nil {
			var zero R
			r, err = zero, &PanicError{Stage: stage, Type: typeName, Value: v, Stack: debug.Stack()}
		}
	}()
	return f()
}

// statusFor is the reply status for an error of a stage whose ordinary
// failure status is normal.
func statusFor(err error, normal Status) Status {
	var pe *PanicError
	if errors.As(err, &pe) {
		return StatusInternalError
	}
	return normal
}
