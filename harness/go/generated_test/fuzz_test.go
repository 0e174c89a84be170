package generated_test

// This file exists to fuzz the generated decoders: no input makes them panic or allocate what a
// declared length claims, and whatever they accept re-encodes to canonical bytes that decode to
// the same canonical bytes again.

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/msgpact/msgpact/harness/go/generated/registry"
)

// FuzzGeneratedDecoders: the first byte picks the message type, the rest is the payload.
// go test -run '^$' -fuzz FuzzGeneratedDecoders -fuzztime 60s ./generated_test
func FuzzGeneratedDecoders(f *testing.F) {
	codecs := registry.Codecs
	index := map[string]byte{}
	for i, c := range codecs {
		index[c.Name] = byte(i)
	}
	root, err := os.Getwd()
	if err == nil {
		for d := root; filepath.Dir(d) != d; d = filepath.Dir(d) {
			if isDir(filepath.Join(d, "golden")) && isDir(filepath.Join(d, "contracts")) {
				for _, v := range loadVectors(f, filepath.Join(d, "golden")) {
					if len(v.bytes) <= 4096 { // large seeds make the fuzzer crawl while it minimizes
						f.Add(append([]byte{index[v.typeName]}, v.bytes...))
					}
				}
				break
			}
		}
	}
	f.Add([]byte{0, 0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{1, 0xc6, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		c := codecs[int(in[0])%len(codecs)]
		v, err := c.Decode(in[1:])
		if err != nil {
			return
		}
		out, err := c.Encode(v)
		if err != nil {
			t.Fatalf("%s: decoded %x but cannot encode it back: %v", c.Name, in[1:], err)
		}
		v2, err := c.Decode(out)
		if err != nil {
			t.Fatalf("%s: own output %x does not decode: %v", c.Name, out, err)
		}
		out2, err := c.Encode(v2)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("%s: not canonical: %x then %x (%v)", c.Name, out, out2, err)
		}
	})
}
