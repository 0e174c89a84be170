// Package peer is the Go SDK for msgpact peers.
//
// This file exists to explain the package as a whole; the protocol itself is
// specified in docs/peer-protocol.md of the msgpact repository, and this
// package implements version 1 of it.
//
// A peer is a long-running process connected to NATS that decodes MessagePack
// payloads into a team's own Go types with its usual library and encodes them
// back, so that `msgpact verify` can check the bytes against the contracts.
// With this package a peer is a few lines:
//
//	p := peer.New(peer.Info{Language: "go", Library: "github.com/vmihailenco/msgpack/v5"})
//	peer.Register(p, "chat.ChatRequest",
//		func(b []byte) (ChatRequest, error) { var v ChatRequest; err := msgpack.Unmarshal(b, &v); return v, err },
//		func(v ChatRequest) ([]byte, error) { return msgpack.Marshal(&v) })
//	p.Run() // reads MSGPACT_* from the environment, serves until SIGTERM/SIGINT
//
// The files are the same in the Rust, Python and Go SDKs: protocol.go (the
// protocol's constants), config.go (Config, the MSGPACT_* environment),
// peer.go (Peer, Info, Register, Roundtrip), serve.go (Run, Serve) and
// hello.go (the handshake); wellformed.go is Go's own (see CheckWellFormed).
//
// The package itself does not depend on any MessagePack library: the decode and
// encode functions given to [Register] are the application's own, which is the
// point of the exercise. The library named in [Info.Library] is only used to
// report its version, found at run time in the binary's build information.
//
// The module requires the oldest versions of Go and nats.go it builds and
// passes its tests with, so that adding it to a service's go.mod moves none
// of the service's own versions.
package peer
