// Command toypeer is the peer the SDK's tests run as a real subprocess. It
// exists so that the tests exercise the SDK the way a team uses it: its own
// types, its own msgpack calls, a binary built with `go build` (so the build
// information carries the real library versions), started with MSGPACT_*
// environment variables and stopped with signals.
//
// Types served:
//   - test.Point: a struct with msgpack tags, the ordinary case;
//   - test.BadDecode: its decoder always fails, with a multi-line, very long message;
//   - test.BadEncode: decodes like Point, its encoder always fails;
//   - test.PanicDecode, test.PanicEncode: panic in the decoder or the encoder;
//   - test.Huge: encodes to more than the NATS server's max_payload;
//   - test.Slow: like Point but its decoder takes TOYPEER_SLOW_MS (default 500) ms.
//
// TOYPEER_NO_RECONNECT=1 makes the NATS connection close for good on the
// first disconnect; TOYPEER_CONCURRENCY sets Peer.Concurrency.
package main

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/msgpact/msgpact/harness/go/peer"
	"github.com/nats-io/nats.go"
	"github.com/vmihailenco/msgpack/v5"
)

// Point is the toy application type.
type Point struct {
	X     int64    `msgpack:"x"`
	Y     int64    `msgpack:"y"`
	Label string   `msgpack:"label"`
	Tags  []string `msgpack:"tags"`
	Data  []byte   `msgpack:"data"`
	Extra []int64  `msgpack:"extra,omitempty"`
}

func decodePoint(b []byte) (Point, error) {
	var v Point
	err := msgpack.Unmarshal(b, &v)
	return v, err
}

func encodePoint(v Point) ([]byte, error) { return msgpack.Marshal(&v) }

func main() {
	p := peer.New(peer.Info{Language: "go", Library: "github.com/vmihailenco/msgpack/v5"})
	if n, err := strconv.Atoi(os.Getenv("TOYPEER_CONCURRENCY")); err == nil {
		p.Concurrency = n
	}
	if os.Getenv("TOYPEER_NO_RECONNECT") == "1" {
		p.NATSOptions = append(p.NATSOptions, nats.NoReconnect())
	}
	slow := 500 * time.Millisecond
	if ms, err := strconv.Atoi(os.Getenv("TOYPEER_SLOW_MS")); err == nil {
		slow = time.Duration(ms) * time.Millisecond
	}

	peer.Register(p, "test.Point", decodePoint, encodePoint)
	peer.Register(p, "test.BadDecode",
		func([]byte) (Point, error) {
			return Point{}, errors.New("toy decoder refuses\r\nsecond line\t" + strings.Repeat("é", 1000))
		},
		encodePoint)
	peer.Register(p, "test.BadEncode", decodePoint,
		func(Point) ([]byte, error) { return nil, errors.New("toy encoder refuses") })
	peer.Register(p, "test.PanicDecode",
		func([]byte) (Point, error) { panic("toy decoder panics") },
		encodePoint)
	peer.Register(p, "test.PanicEncode", decodePoint,
		func(v Point) ([]byte, error) {
			var m map[string]int
			m[v.Label] = 1 // assignment to entry in nil map
			return nil, nil
		})
	peer.Register(p, "test.Huge", decodePoint,
		func(Point) ([]byte, error) { return msgpack.Marshal(bytes.Repeat([]byte{1}, 2<<20)) })
	peer.Register(p, "test.Slow",
		func(b []byte) (Point, error) { time.Sleep(slow); return decodePoint(b) },
		encodePoint)
	p.Run()
}
