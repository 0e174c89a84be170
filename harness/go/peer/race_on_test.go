//go:build race

package peer_test

// This file exists so that `go test -race` also builds the toy peer with the
// race detector: the concurrency worth checking is in the peer process.
const raceEnabled = true
