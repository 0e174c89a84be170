package peer_test

// This file exists to measure a peer's throughput the way the runner loads
// it: many roundtrips in flight at once against the toy peer subprocess.
// Run: go test -run '^$' -bench Roundtrip -benchtime 20000x ./peer

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/msgpact/msgpact/harness/go/peer"
	"github.com/nats-io/nats.go"
)

func BenchmarkRoundtrip(b *testing.B) {
	for _, inFlight := range []int{1, 64, 256} {
		b.Run(fmt.Sprintf("inflight=%d", inFlight), func(b *testing.B) {
			srv := requireNATS(b)
			p := startPeer(b, srv, "go-bench")
			nc := connect(b, srv)
			v := Point{X: 1, Y: 2, Label: "bench", Tags: []string{"a", "b"}, Data: []byte{1, 2, 3}}
			body := marshal(b, &v)
			var failures atomic.Int64
			next := make(chan int, inFlight)
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range inFlight {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						m := nats.NewMsg(p.subject(peer.OpRoundtrip))
						m.Header.Set(peer.HeaderType, "test.Point")
						m.Header.Set(peer.HeaderCase, fmt.Sprint(i))
						m.Data = body
						resp, err := nc.RequestMsg(m, 30*time.Second)
						if err != nil || resp.Header.Get(peer.HeaderStatus) != "ok" || !bytes.Equal(resp.Data, body) {
							failures.Add(1)
						}
					}
				}()
			}
			for i := range b.N {
				next <- i
			}
			close(next)
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if n := failures.Load(); n > 0 {
				b.Fatalf("%d of %d exchanges failed", n, b.N)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "exchanges/s")
		})
	}
}
