package peer

// This file exists to build the `hello` handshake reply (protocol section 3)
// once, when the peer starts serving: it never changes while the peer runs.

import (
	"encoding/json"
	"fmt"
	"io"
)

// Hello is the JSON body of the `hello` reply, fields in the protocol's order.
type Hello struct {
	Protocol           int      `json:"protocol"`
	Name               string   `json:"name"`
	Language           string   `json:"language"`
	Library            string   `json:"library"`
	LibraryVersion     string   `json:"library_version"`
	NATSLibrary        string   `json:"nats_library"`
	NATSLibraryVersion string   `json:"nats_library_version"`
	ContractsHash      string   `json:"contracts_hash"`
	Types              []string `json:"types"`
}

// NATSLibraryName is what a Go peer reports as nats_library.
const NATSLibraryName = "nats.go"

// hello builds the handshake for the peer named name, and writes a note to
// log when a library version cannot be found in the build information.
func (p *Peer) hello(name string, log io.Writer) Hello {
	lang := p.info.Language
	if lang == "" {
		lang = "go"
	}
	libVersion, ok := ModuleVersion(p.info.Library)
	if !ok {
		fmt.Fprintf(log, "msgpact-peer: note: %s is not in this binary's build information "+
			"(a `go test` binary records none); reporting library_version %q. Build the peer with `go build`.\n",
			p.info.Library, libVersion)
	}
	return Hello{
		Protocol:           ProtocolVersion,
		Name:               name,
		Language:           lang,
		Library:            p.info.Library,
		LibraryVersion:     libVersion,
		NATSLibrary:        NATSLibraryName,
		NATSLibraryVersion: natsVersion(),
		ContractsHash:      p.info.ContractsHash,
		Types:              p.Types(), // sorted
	}
}

func (h Hello) marshal() []byte {
	b, err := json.Marshal(h)
	if err != nil { // only strings, ints and a string slice: cannot fail
		panic(err)
	}
	return b
}
