// This repository's msgpact peer (written by `msgpact init`, docs/adopt.md): it serves the message types
// msgpact.toml requires through the service's own types and codec calls, so that `msgpact verify` checks
// them against the shared contracts. The decode and encode functions are in codec.go.
package main

import "@@module@@"

func main() {
	p := peer.New(peer.Info{Language: "go", Library: "github.com/vmihailenco/msgpack/v5"})
@@registrations@@
	p.Run() // reads MSGPACT_* from msgpact verify, serves until SIGTERM
}
