// Reading scalars: strict about types, liberal about encodings (any valid form of a value).

package msgpactrt

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/vmihailenco/msgpack/v5"
)

// describe names the kind of the value that starts with byte c.
func describe(c byte) string {
	switch {
	case c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xd3):
		return "int"
	case c <= 0x8f || c == 0xde || c == 0xdf:
		return "map"
	case c <= 0x9f || c == 0xdc || c == 0xdd:
		return "array"
	case c <= 0xbf || (c >= 0xd9 && c <= 0xdb):
		return "str"
	case c == 0xc0:
		return "nil"
	case c == 0xc2 || c == 0xc3:
		return "bool"
	case c >= 0xc4 && c <= 0xc6:
		return "bin"
	case c == 0xca:
		return "float32"
	case c == 0xcb:
		return "float64"
	case (c >= 0xc7 && c <= 0xc9) || (c >= 0xd4 && c <= 0xd8):
		return "ext"
	}
	return fmt.Sprintf("the byte 0x%02x, which MessagePack never uses", c)
}

func peek(d *msgpack.Decoder) (byte, error) {
	c, err := d.PeekCode()
	if err != nil {
		return 0, asError(err)
	}
	return c, nil
}

func expected(what string, c byte) error {
	return errorf("expected %s, found %s", what, describe(c))
}

// remaining is the number of unread bytes when the decoder reads a *bytes.Reader (as [Unmarshal]
// arranges), or -1.
func remaining(d *msgpack.Decoder) int {
	if r, ok := d.Buffered().(*bytes.Reader); ok {
		return r.Len()
	}
	return -1
}

// maxPrealloc bounds what a declared length may make us allocate before the items are read.
const maxPrealloc = 1024

// ---- decoding scalars ----

// DecodeBool reads a bool.
func DecodeBool(d *msgpack.Decoder) (bool, error) {
	c, err := peek(d)
	if err != nil {
		return false, err
	}
	if c != 0xc2 && c != 0xc3 {
		return false, expected("bool", c)
	}
	b, err := d.DecodeBool()
	if err != nil {
		return false, asError(err)
	}
	return b, nil
}

// decodeInteger reads an integer of any encoding: neg tells whether it is negative; then i holds
// it, else u does.
func decodeInteger(d *msgpack.Decoder, what string) (neg bool, i int64, u uint64, err error) {
	c, err := peek(d)
	if err != nil {
		return false, 0, 0, err
	}
	switch {
	case c <= 0x7f || (c >= 0xcc && c <= 0xcf):
		u, err = d.DecodeUint64()
	case c >= 0xe0 || (c >= 0xd0 && c <= 0xd3):
		i, err = d.DecodeInt64()
		if i >= 0 {
			u = uint64(i)
		} else {
			neg = true
		}
	default:
		return false, 0, 0, expected(what, c)
	}
	if err != nil {
		return false, 0, 0, asError(err)
	}
	return neg, i, u, nil
}

func decodeSigned(d *msgpack.Decoder, name string, lo, hi int64) (int64, error) {
	neg, i, u, err := decodeInteger(d, name)
	if err != nil {
		return 0, err
	}
	if neg {
		if i < lo {
			return 0, errorf("%d is out of range for %s (%d..=%d)", i, name, lo, hi)
		}
		return i, nil
	}
	if u > uint64(hi) {
		return 0, errorf("%d is out of range for %s (%d..=%d)", u, name, lo, hi)
	}
	return int64(u), nil
}

func decodeUnsigned(d *msgpack.Decoder, name string, hi uint64) (uint64, error) {
	neg, i, u, err := decodeInteger(d, name)
	if err != nil {
		return 0, err
	}
	if neg {
		return 0, errorf("%d is out of range for %s (0..=%d)", i, name, hi)
	}
	if u > hi {
		return 0, errorf("%d is out of range for %s (0..=%d)", u, name, hi)
	}
	return u, nil
}

// DecodeInt8 reads an integer of any encoding that fits int8.
func DecodeInt8(d *msgpack.Decoder) (int8, error) {
	n, err := decodeSigned(d, "int8", math.MinInt8, math.MaxInt8)
	return int8(n), err
}

// DecodeInt16 reads an integer of any encoding that fits int16.
func DecodeInt16(d *msgpack.Decoder) (int16, error) {
	n, err := decodeSigned(d, "int16", math.MinInt16, math.MaxInt16)
	return int16(n), err
}

// DecodeInt32 reads an integer of any encoding that fits int32.
func DecodeInt32(d *msgpack.Decoder) (int32, error) {
	n, err := decodeSigned(d, "int32", math.MinInt32, math.MaxInt32)
	return int32(n), err
}

// DecodeInt64 reads an integer of any encoding that fits int64.
func DecodeInt64(d *msgpack.Decoder) (int64, error) {
	return decodeSigned(d, "int64", math.MinInt64, math.MaxInt64)
}

// DecodeUint8 reads an integer of any encoding that fits uint8.
func DecodeUint8(d *msgpack.Decoder) (uint8, error) {
	n, err := decodeUnsigned(d, "uint8", math.MaxUint8)
	return uint8(n), err
}

// DecodeUint16 reads an integer of any encoding that fits uint16.
func DecodeUint16(d *msgpack.Decoder) (uint16, error) {
	n, err := decodeUnsigned(d, "uint16", math.MaxUint16)
	return uint16(n), err
}

// DecodeUint32 reads an integer of any encoding that fits uint32.
func DecodeUint32(d *msgpack.Decoder) (uint32, error) {
	n, err := decodeUnsigned(d, "uint32", math.MaxUint32)
	return uint32(n), err
}

// DecodeUint64 reads an integer of any encoding that fits uint64.
func DecodeUint64(d *msgpack.Decoder) (uint64, error) {
	return decodeUnsigned(d, "uint64", math.MaxUint64)
}

// decodeNumber reads a float32, a float64 or an integer that the float type holds exactly.
func decodeNumber(d *msgpack.Decoder, single bool) (float64, error) {
	what := "float64"
	if single {
		what = "float32"
	}
	c, err := peek(d)
	if err != nil {
		return 0, err
	}
	switch {
	case c == 0xca:
		f, err := d.DecodeFloat32()
		if err != nil {
			return 0, asError(err)
		}
		return float64(f), nil
	case c == 0xcb:
		f, err := d.DecodeFloat64()
		if err != nil {
			return 0, asError(err)
		}
		if single && !math.IsNaN(f) && float64(float32(f)) != f {
			return 0, errorf("the float64 %v is not exactly representable as float32", f)
		}
		return f, nil
	case c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xd3):
		neg, i, u, err := decodeInteger(d, what)
		if err != nil {
			return 0, err
		}
		var f float64
		exact := true
		if neg {
			f = float64(i)
			if single {
				f = float64(float32(i))
			}
			exact = f >= math.MinInt64 && int64(f) == i
		} else {
			f = float64(u)
			if single {
				f = float64(float32(u))
			}
			exact = f < (1<<64) && uint64(f) == u
		}
		if !exact {
			return 0, errorf("the integer %s is not exactly representable as %s", intText(neg, i, u), what)
		}
		return f, nil
	}
	return 0, expected(what, c)
}

func intText(neg bool, i int64, u uint64) string {
	if neg {
		return strconv.FormatInt(i, 10)
	}
	return strconv.FormatUint(u, 10)
}

// DecodeFloat32 reads a float32 (ca), or a float64 or an integer that float32 holds exactly.
// NaN and infinities pass; the field's check decides.
func DecodeFloat32(d *msgpack.Decoder) (float32, error) {
	f, err := decodeNumber(d, true)
	return float32(f), err
}

// DecodeFloat64 reads a float64 (cb), a float32, or an integer that float64 holds exactly.
// NaN and infinities pass; the field's check decides.
func DecodeFloat64(d *msgpack.Decoder) (float64, error) {
	return decodeNumber(d, false)
}

// DecodeFloat32Finite is DecodeFloat32 refusing NaN and infinities (list items and map values).
func DecodeFloat32Finite(d *msgpack.Decoder) (float32, error) {
	f, err := DecodeFloat32(d)
	if err == nil {
		err = CheckFinite(float64(f), false, false)
	}
	return f, err
}

// DecodeFloat64Finite is DecodeFloat64 refusing NaN and infinities (list items and map values).
func DecodeFloat64Finite(d *msgpack.Decoder) (float64, error) {
	f, err := DecodeFloat64(d)
	if err == nil {
		err = CheckFinite(f, false, false)
	}
	return f, err
}

// CheckFinite refuses NaN unless allowNaN and infinities unless allowInf.
func CheckFinite(f float64, allowNaN, allowInf bool) error {
	if math.IsNaN(f) && !allowNaN {
		return errorf("NaN is not allowed")
	}
	if math.IsInf(f, 0) && !allowInf {
		return errorf("%v is not allowed", f)
	}
	return nil
}

// DecodeString reads a str (not a bin) of valid UTF-8.
func DecodeString(d *msgpack.Decoder) (string, error) {
	c, err := peek(d)
	if err != nil {
		return "", err
	}
	if !(c >= 0xa0 && c <= 0xbf) && !(c >= 0xd9 && c <= 0xdb) {
		return "", expected("str", c)
	}
	s, err := d.DecodeString()
	if err != nil {
		return "", asError(err)
	}
	if !utf8.ValidString(s) {
		return "", errorf("the str is not valid UTF-8")
	}
	return s, nil
}

// DecodeBytes reads a bin (not a str). The result is never nil.
func DecodeBytes(d *msgpack.Decoder) ([]byte, error) {
	c, err := peek(d)
	if err != nil {
		return nil, err
	}
	if c < 0xc4 || c > 0xc6 {
		return nil, expected("bin", c)
	}
	n, err := d.DecodeBytesLen()
	if err != nil {
		return nil, asError(err)
	}
	if r := remaining(d); r >= 0 && n > r {
		return nil, errorf("a bin of %d bytes, but only %d bytes remain", n, r)
	}
	// Read in chunks: the library's DecodeBytes allocates the declared length at once.
	const chunk = 1 << 16
	b := make([]byte, 0, min(n, chunk))
	for len(b) < n {
		k := min(n-len(b), chunk)
		b = slices.Grow(b, k)
		if err := d.ReadFull(b[len(b) : len(b)+k]); err != nil {
			return nil, asError(err)
		}
		b = b[:len(b)+k]
	}
	return b, nil
}

// unixToInternal is the seconds from year 1 to 1970; time.Time holds seconds since year 1 in an int64.
const unixToInternal = 62135596800

// DecodeTime reads a timestamp: ext -1 in its 32, 64 or 96-bit form, in any ext encoding. The
// result is in UTC.
func DecodeTime(d *msgpack.Decoder) (time.Time, error) {
	c, err := peek(d)
	if err != nil {
		return time.Time{}, err
	}
	if !((c >= 0xc7 && c <= 0xc9) || (c >= 0xd4 && c <= 0xd8)) {
		return time.Time{}, expected("timestamp (ext -1)", c)
	}
	id, n, err := d.DecodeExtHeader()
	if err != nil {
		return time.Time{}, asError(err)
	}
	if id != -1 {
		return time.Time{}, errorf("expected timestamp (ext -1), found ext %d", id)
	}
	if n != 4 && n != 8 && n != 12 {
		return time.Time{}, errorf("a timestamp has 4, 8 or 12 bytes, this one %d", n)
	}
	var b [12]byte
	if err := d.ReadFull(b[:n]); err != nil {
		return time.Time{}, asError(err)
	}
	var secs int64
	var nanos uint32
	switch n {
	case 4:
		secs = int64(be(b[:4]))
	case 8:
		v := be(b[:8])
		nanos = uint32(v >> 34)
		secs = int64(v & (1<<34 - 1))
	case 12:
		nanos = uint32(be(b[:4]))
		secs = int64(be(b[4:12]))
	}
	if nanos > 999999999 {
		return time.Time{}, errorf("timestamp nanoseconds %d are not below 1e9", nanos)
	}
	if secs > math.MaxInt64-unixToInternal {
		return time.Time{}, errorf("timestamp seconds %d are beyond what Go's time.Time holds", secs)
	}
	return time.Unix(secs, int64(nanos)).UTC(), nil
}

func be(b []byte) uint64 {
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v
}
