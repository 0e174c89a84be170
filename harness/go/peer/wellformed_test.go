package peer

// This file exists to show that the well-formedness check never refuses a
// valid payload and always refuses a cut one or one whose lengths lie.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// libraryValues covers every format vmihailenco/msgpack writes.
func libraryValues(t testing.TB) [][]byte {
	vals := []any{
		nil, true, false, 0, 127, 128, 255, 256, 65535, 65536, math.MaxUint32, uint64(math.MaxUint64),
		-1, -32, -33, -128, -129, -32768, -32769, math.MinInt32, int64(math.MinInt64),
		int8(1), int16(1), int32(1), int64(1), uint8(1), uint16(1), uint32(1), uint64(1),
		float32(1.5), 2.5, math.Inf(-1),
		"", "a", strings.Repeat("s", 31), strings.Repeat("s", 32), strings.Repeat("s", 255), strings.Repeat("s", 256),
		strings.Repeat("s", 65535), strings.Repeat("s", 65536),
		[]byte{}, []byte{1}, bytes.Repeat([]byte{2}, 256), bytes.Repeat([]byte{3}, 65536),
		[]int{}, []int{1, 2, 3}, make([]int, 15), make([]int, 16), make([]int, 65536),
		map[string]int{}, map[string]int{"a": 1}, map[string][]any{"x": {nil, "y", []any{map[string]any{}}}},
		time.Unix(1, 0).UTC(), time.Unix(1<<33, 5).UTC(), time.Unix(-1, 0).UTC(), time.Time{},
		msgpack.RawMessage{0xd4, 0x01, 0x02}, msgpack.RawMessage{0xd5, 1, 0, 0}, msgpack.RawMessage{0xd7, 1, 0, 0, 0, 0, 0, 0, 0, 0},
		msgpack.RawMessage{0xd8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		msgpack.RawMessage{0xc7, 0x00, 0x05}, msgpack.RawMessage{0xc8, 0x00, 0x01, 0x05, 0xff},
		msgpack.RawMessage{0xc9, 0, 0, 0, 2, 0x05, 0xff, 0xfe},
		msgpack.RawMessage{0xde, 0x00, 0x01, 0xc0, 0xc0}, msgpack.RawMessage{0xdf, 0, 0, 0, 1, 0xc3, 0xc2},
		msgpack.RawMessage{0xdc, 0x00, 0x00}, msgpack.RawMessage{0xdd, 0, 0, 0, 1, 0x01},
		msgpack.RawMessage{0xd9, 0x01, 'a'}, msgpack.RawMessage{0xdb, 0, 0, 0, 1, 'a'}, msgpack.RawMessage{0xc6, 0, 0, 0, 0},
		msgpack.RawMessage{0x91, 0x91, 0x91, 0x90},
		struct {
			A int64             `msgpack:"a"`
			B []float32         `msgpack:"b"`
			C map[string][]byte `msgpack:"c"`
		}{1, []float32{1}, map[string][]byte{"k": {1}}},
	}
	out := make([][]byte, 0, len(vals))
	for _, v := range vals {
		b, err := msgpack.Marshal(v)
		if err != nil {
			t.Fatalf("marshal %T: %v", v, err)
		}
		out = append(out, b)
	}
	return out
}

func TestCheckWellFormedAcceptsValid(t *testing.T) {
	for _, b := range libraryValues(t) {
		if err := CheckWellFormed(b); err != nil {
			t.Errorf("% .20x: %v", b, err)
		}
		// Trailing bytes are the library's business.
		if err := CheckWellFormed(append(b[:len(b):len(b)], 0xc1)); err != nil {
			t.Errorf("% .20x + trailing: %v", b, err)
		}
	}
}

func TestCheckWellFormedRefusesTruncated(t *testing.T) {
	for _, b := range libraryValues(t) {
		for n := range len(b) {
			if n > 64 && n < len(b)-64 {
				continue // the long middle says nothing new
			}
			if err := CheckWellFormed(b[:n]); err == nil {
				t.Errorf("% .20x cut to %d of %d bytes was accepted", b, n, len(b))
			}
		}
	}
}

func TestCheckWellFormedRefusesLies(t *testing.T) {
	for _, b := range [][]byte{
		{0xdb, 0xff, 0xff, 0xff, 0xff}, {0xdd, 0xff, 0xff, 0xff, 0xff}, {0xdf, 0xff, 0xff, 0xff, 0xff},
		{0xc6, 0xff, 0xff, 0xff, 0xff}, {0xc9, 0xff, 0xff, 0xff, 0xff, 1}, {0xc1}, {0x91, 0xc1},
		{0xdc, 0x00, 0x03, 1, 2}, {0xde, 0x00, 0x02, 1, 2, 3}, {0x82, 1, 2, 3}, {0xd6, 0xff, 0, 0, 0},
		{0xdd, 0, 0, 0, 2, 0x91}, // nested: the inner array's element is missing
	} {
		if err := CheckWellFormed(b); err == nil {
			t.Errorf("% x accepted", b)
		}
	}
}

// genValue writes a random valid MessagePack object, choosing widths freely
// (not only the smallest form), as other libraries may.
func genValue(r *rand.Rand, w *bytes.Buffer, depth int) {
	be := func(n uint64, size int) {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], n)
		w.Write(b[8-size:])
	}
	blob := func(n int) { w.Write(bytes.Repeat([]byte{byte(r.UintN(256))}, n)) }
	kind := r.IntN(12)
	if depth > 4 && kind >= 9 {
		kind = 0
	}
	switch kind {
	case 0:
		w.WriteByte(byte(r.UintN(0x80)))
	case 1:
		w.WriteByte(byte(0xe0 + r.UintN(32)))
	case 2:
		w.WriteByte([]byte{0xc0, 0xc2, 0xc3}[r.IntN(3)])
	case 3: // fixed-size numbers
		c := []byte{0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3}[r.IntN(10)]
		w.WriteByte(c)
		blob(map[byte]int{0xca: 4, 0xcb: 8, 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8, 0xd0: 1, 0xd1: 2, 0xd2: 4, 0xd3: 8}[c])
	case 4: // fixext
		i := r.IntN(5)
		w.WriteByte(0xd4 + byte(i))
		blob(1 + 1<<i)
	case 5, 6, 7: // str, bin, ext with a length field of 1, 2 or 4 bytes (or fixstr)
		n := r.IntN(40)
		sizes := []int{1, 2, 4}
		i := r.IntN(3)
		switch kind {
		case 5:
			if r.IntN(2) == 0 && n < 32 {
				w.WriteByte(0xa0 | byte(n))
			} else {
				w.WriteByte(0xd9 + byte(i))
				be(uint64(n), sizes[i])
			}
		case 6:
			w.WriteByte(0xc4 + byte(i))
			be(uint64(n), sizes[i])
		case 7:
			w.WriteByte(0xc7 + byte(i))
			be(uint64(n), sizes[i])
			w.WriteByte(byte(r.UintN(256)))
		}
		blob(n)
	case 8:
		w.WriteByte(0x90)
	default: // containers
		n := r.IntN(6)
		isMap := kind == 10
		switch r.IntN(3) {
		case 0:
			w.WriteByte(map[bool]byte{false: 0x90, true: 0x80}[isMap] | byte(n))
		case 1:
			w.WriteByte(map[bool]byte{false: 0xdc, true: 0xde}[isMap])
			be(uint64(n), 2)
		case 2:
			w.WriteByte(map[bool]byte{false: 0xdd, true: 0xdf}[isMap])
			be(uint64(n), 4)
		}
		if isMap {
			n *= 2
		}
		for range n {
			genValue(r, w, depth+1)
		}
	}
}

func TestCheckWellFormedRandomValid(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 3000 {
		var w bytes.Buffer
		genValue(r, &w, 0)
		b := w.Bytes()
		if err := CheckWellFormed(b); err != nil {
			t.Fatalf("#%d % x: %v", i, b, err)
		}
		// The library does not run out of bytes in it (it may still refuse
		// an ext type it has no decoder for).
		var v any
		if err := msgpack.Unmarshal(b, &v); errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("#%d % x: the check accepted what the library refuses: %v", i, b, err)
		}
		for n := range len(b) {
			if err := CheckWellFormed(b[:n]); err == nil {
				t.Fatalf("#%d % x cut to %d accepted", i, b, n)
			}
		}
	}
}

// FuzzCheckWellFormed: the check never panics, and what it accepts is
// decodable without a length-driven allocation beyond the payload's size.
func FuzzCheckWellFormed(f *testing.F) {
	for _, b := range libraryValues(f) {
		if len(b) < 512 {
			f.Add(b)
		}
	}
	f.Add([]byte{0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		if CheckWellFormed(b) != nil {
			return
		}
		var v any
		_ = msgpack.Unmarshal(b, &v) // must neither crash nor run out of memory
	})
}
