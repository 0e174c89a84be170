// Package peer is the Go SDK for msgpact peers.
//
// This file exists to explain the package as a whole; the protocol itself is
// specified in docs/peer-protocol.md at the repository root, and this package
// implements version 1 of it.
//
// A peer is a long-running process connected to NATS that decodes MessagePack
// payloads into a team's own Go types with its usual library and encodes them
// back, so that `msgpact verify` can check the bytes against the contracts.
// With this package a peer is a few lines:
//
//	p := peer.New(peer.Info{Language: "go", Library: "github.com/vmihailenco/msgpack/v5"})
//	peer.Handle(p, "chat.ChatRequest",
//		func(b []byte) (ChatRequest, error) { var v ChatRequest; err := msgpack.Unmarshal(b, &v); return v, err },
//		func(v ChatRequest) ([]byte, error) { return msgpack.Marshal(&v) })
//	p.RunMain() // reads MSGPACT_* from the environment, serves until SIGTERM/SIGINT
//
// The package itself does not depend on any MessagePack library: the decode and
// encode functions given to [Handle] are the application's own, which is the
// point of the exercise. The library named in [Info.Library] is only used to
// report its version, found at run time in the binary's build information.
package peer
