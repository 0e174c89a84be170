package peer

// This file exists to hold what a peer is: its identity (Info, reported in
// `hello`) and the table of message types it serves, filled by Handle.

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/nats-io/nats.go"
)

// Info is the identity a peer reports in its `hello` reply.
type Info struct {
	// Language is shown in reports; "go" when empty.
	Language string
	// Library is the module path of the MessagePack library the decode and
	// encode functions use, e.g. "github.com/vmihailenco/msgpack/v5". Its
	// version is looked up in the binary's build information at run time.
	Library string
	// ContractsHash is the wire hash of the contracts the types were
	// generated from (generated code carries it), "" for hand-written types.
	ContractsHash string
}

// Peer serves round-trips for the types registered with [Handle].
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

// Handle registers the fully qualified message type typeName (e.g.
// "chat.ChatRequest") on p: a roundtrip request for it is decoded with decode
// and the value encoded back with encode.
//
// A decode error is answered as decode-error (return an error from decode
// also when the decoded value breaks a contract constraint), an encode error
// as encode-error, and a panic in either as internal-error with the panic
// text; the peer keeps serving in every case.
//
// Handle panics when typeName is malformed or already registered, or when p
// is already serving: these are mistakes in the peer's source.
func Handle[T any](p *Peer, typeName string, decode func([]byte) (T, error), encode func(T) ([]byte, error)) {
	if decode == nil || encode == nil {
		panic(fmt.Sprintf("peer.Handle(%q): decode and encode must not be nil", typeName))
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
		panic("peer.Handle: " + err.Error())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		panic(fmt.Sprintf("peer.Handle(%q): register types before Run/Serve", typeName))
	}
	if _, dup := p.types[typeName]; dup {
		panic(fmt.Sprintf("peer.Handle(%q): type registered twice", typeName))
	}
	p.types[typeName] = rt
}

// checkTypeName insists on `package.Message`: a bare "ChatRequest" would only
// show up later as "not served" in the runner's report.
func checkTypeName(name string) error {
	if name == "" {
		return fmt.Errorf("empty type name")
	}
	if strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return fmt.Errorf("type name %q contains white space or control characters", name)
	}
	dot := strings.LastIndexByte(name, '.')
	if dot <= 0 || dot == len(name)-1 {
		return fmt.Errorf("type name %q is not fully qualified (package.Message)", name)
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
		return &ConfigError{Problems: []string{"no message types registered: call peer.Handle before Run"}}
	}
	p.started = true
	return nil
}
