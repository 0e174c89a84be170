// Command msgpact-peer-go is the Go reference peer of msgpact: it serves every message type of the
// contracts with the types `msgpact codegen --lang go` generated into ../../generated, which encode
// and decode with github.com/vmihailenco/msgpack/v5. The runner starts it from ../../peer.toml.
//
// Build it with `go build` (the library version in the handshake comes from the build information).
// The SDK's well-formedness check stays on: vmihailenco v5.4.1 can die of a hostile declared length.
package main

import (
	"github.com/msgpact/msgpact/harness/go/generated/registry"
	"github.com/msgpact/msgpact/harness/go/peer"
)

func main() {
	p := peer.New(peer.Info{
		Language:      "go",
		Library:       "github.com/vmihailenco/msgpack/v5",
		ContractsHash: registry.ContractsHash,
	})
	for _, c := range registry.Codecs {
		peer.Register(p, c.Name, c.Decode, c.Encode)
	}
	p.Run()
}
