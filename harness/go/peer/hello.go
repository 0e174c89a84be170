package peer

// This file exists to build the `hello` handshake reply (protocol section 3)
// once, when the peer starts serving: it never changes while the peer runs.
// The protocol asks for the library versions "as the peer's process sees
// them", not versions copied into the source: in Go that is the module list
// the linker recorded in the binary's build information.

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/nats-io/nats.go"
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
// log when a library version cannot be found in the build information. Its
// contracts_hash is Info's, or, when that is empty (types written by hand),
// runContractsHash: the run's MSGPACT_CONTRACTS_HASH (Config.ContractsHash),
// the contracts msgpact checks the types against.
func (p *Peer) hello(name, runContractsHash string, log io.Writer) Hello {
	lang := p.info.Language
	if lang == "" {
		lang = "go"
	}
	libVersion, ok := p.info.LibraryVersion, true
	if libVersion == "" {
		libVersion, ok = ModuleVersion(p.info.Library)
	}
	if !ok {
		fmt.Fprintf(log, "msgpact-peer: note: %s is not in this binary's build information "+
			"(a `go test` binary records none); reporting library_version %q. Build the peer with `go build`.\n",
			p.info.Library, libVersion)
	}
	contractsHash := p.info.ContractsHash
	if contractsHash == "" {
		contractsHash = runContractsHash
	}
	return Hello{
		Protocol:           ProtocolVersion,
		Name:               name,
		Language:           lang,
		Library:            p.info.Library,
		LibraryVersion:     libVersion,
		NATSLibrary:        NATSLibraryName,
		NATSLibraryVersion: natsVersion(),
		ContractsHash:      contractsHash,
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

// natsModule is the module path of the NATS client this SDK links.
const natsModule = "github.com/nats-io/nats.go"

// Unknown is reported as a version when the binary's build information does
// not list the module (for example in a `go test` binary, which records no
// dependencies). Build the peer with `go build` to get the real version.
const Unknown = "unknown"

// readBuildInfo is a variable so that tests can feed fixed build information.
var readBuildInfo = debug.ReadBuildInfo

// ModuleVersion returns the version of the module that provides path (a
// module path or a package path inside a module) as recorded in this binary's
// build information, following a replace directive. ok is false when the
// build information does not list it.
func ModuleVersion(path string) (version string, ok bool) {
	bi, found := readBuildInfo()
	if !found || bi == nil {
		return Unknown, false
	}
	mods := make([]*debug.Module, 0, len(bi.Deps)+1)
	mods = append(mods, &bi.Main)
	mods = append(mods, bi.Deps...)
	var best *debug.Module
	for _, m := range mods {
		if m == nil || m.Path == "" {
			continue
		}
		if path == m.Path || (strings.HasPrefix(path, m.Path+"/") && !isMajorSuffix(path[len(m.Path)+1:])) {
			if best == nil || len(m.Path) > len(best.Path) {
				best = m
			}
		}
	}
	if best == nil {
		return Unknown, false
	}
	v := best.Version
	if best.Replace != nil {
		switch {
		case best.Replace.Version != "":
			v = best.Replace.Version
		default: // replaced by a local directory: say so rather than claim a release
			v = best.Version + " => " + best.Replace.Path
		}
	}
	if v == "" {
		return Unknown, false
	}
	return v, true
}

// isMajorSuffix reports whether rest starts with a path element like "v2":
// "example.com/lib/v2/..." is another module than example.com/lib, never a
// package inside it.
func isMajorSuffix(rest string) bool {
	elem, _, _ := strings.Cut(rest, "/")
	if len(elem) < 2 || elem[0] != 'v' {
		return false
	}
	for _, c := range elem[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// natsVersion is the version of nats.go in this binary: from the build
// information like any module, else from the library's own Version constant
// (compiled from the linked library, so still a run-time fact), written with
// the "v" that Go module versions carry.
func natsVersion() string {
	if v, ok := ModuleVersion(natsModule); ok {
		return v
	}
	return "v" + nats.Version
}
