// Writing: every value in its canonical (smallest) form, map entries sorted by their encoded keys.

package msgpactrt

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmihailenco/msgpack/v5"
)

// Signed are the signed integer types (and enums of them).
type Signed interface {
	~int8 | ~int16 | ~int32 | ~int64
}

// Unsigned are the unsigned integer types.
type Unsigned interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Integer are the integer types of map keys.
type Integer interface{ Signed | Unsigned }

// EncodeBool writes c2 or c3.
func EncodeBool(e *msgpack.Encoder, v bool) error { return e.EncodeBool(v) }

// EncodeInt writes v in its smallest form; non-negative values in the uint family.
func EncodeInt[T Signed](e *msgpack.Encoder, v T) error { return e.EncodeInt(int64(v)) }

// EncodeUint writes v in its smallest form.
func EncodeUint[T Unsigned](e *msgpack.Encoder, v T) error { return e.EncodeUint(uint64(v)) }

// EncodeFloat32 writes ca and 4 bytes, whatever the value.
func EncodeFloat32(e *msgpack.Encoder, v float32) error { return e.EncodeFloat32(v) }

// EncodeFloat64 writes cb and 8 bytes, whatever the value.
func EncodeFloat64(e *msgpack.Encoder, v float64) error { return e.EncodeFloat64(v) }

// EncodeFloat32Finite is EncodeFloat32 refusing NaN and infinities (list items and map values).
func EncodeFloat32Finite(e *msgpack.Encoder, v float32) error {
	if err := CheckFinite(float64(v), false, false); err != nil {
		return err
	}
	return e.EncodeFloat32(v)
}

// EncodeFloat64Finite is EncodeFloat64 refusing NaN and infinities (list items and map values).
func EncodeFloat64Finite(e *msgpack.Encoder, v float64) error {
	if err := CheckFinite(v, false, false); err != nil {
		return err
	}
	return e.EncodeFloat64(v)
}

// EncodeString writes a str in its smallest form; v must be valid UTF-8.
func EncodeString(e *msgpack.Encoder, v string) error {
	if !utf8.ValidString(v) {
		return errorf("the string is not valid UTF-8")
	}
	return e.EncodeString(v)
}

// EncodeBytes writes a bin in its smallest form; nil is the empty bin, not nil.
func EncodeBytes(e *msgpack.Encoder, v []byte) error {
	if v == nil {
		v = []byte{}
	}
	return e.EncodeBytes(v)
}

// EncodeTime writes ext -1 in the smallest of its 32, 64 and 96-bit forms.
func EncodeTime(e *msgpack.Encoder, v time.Time) error { return e.EncodeTime(v) }

// EncodeCustom writes a generated message or enum type with its EncodeMsgpack method.
func EncodeCustom[T msgpack.CustomEncoder](e *msgpack.Encoder, v T) error { return v.EncodeMsgpack(e) }

// EncodeList writes an array of v's items with elem; nil is the empty array.
func EncodeList[T any](e *msgpack.Encoder, v []T, elem func(*msgpack.Encoder, T) error) error {
	if err := e.EncodeArrayLen(len(v)); err != nil {
		return err
	}
	for i, x := range v {
		if err := elem(e, x); err != nil {
			return AtIndex(err, i)
		}
	}
	return nil
}

// ListEncoder is EncodeList as a function of the encoder and the list.
func ListEncoder[T any](elem func(*msgpack.Encoder, T) error) func(*msgpack.Encoder, []T) error {
	return func(e *msgpack.Encoder, v []T) error { return EncodeList(e, v, elem) }
}

func encodeMap[K comparable, V any](e *msgpack.Encoder, m map[K]V, keys []K, key func(*msgpack.Encoder, K) error, val func(*msgpack.Encoder, V) error) error {
	if err := e.EncodeMapLen(len(keys)); err != nil {
		return err
	}
	for _, k := range keys {
		if err := key(e, k); err != nil {
			return AtKey(err, k)
		}
		if err := val(e, m[k]); err != nil {
			return AtKey(err, k)
		}
	}
	return nil
}

// EncodeStringKeyMap writes m with its entries sorted by their encoded keys, which for strings is
// shorter keys first, then bytewise ("k2" before "k10"). nil is the empty map.
func EncodeStringKeyMap[K ~string, V any](e *msgpack.Encoder, m map[K]V, key func(*msgpack.Encoder, K) error, val func(*msgpack.Encoder, V) error) error {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b K) int {
		if c := cmp.Compare(len(a), len(b)); c != 0 {
			return c
		}
		return strings.Compare(string(a), string(b))
	})
	return encodeMap(e, m, keys, key, val)
}

// StringKeyMapEncoder is EncodeStringKeyMap as a function of the encoder and the map.
func StringKeyMapEncoder[K ~string, V any](key func(*msgpack.Encoder, K) error, val func(*msgpack.Encoder, V) error) func(*msgpack.Encoder, map[K]V) error {
	return func(e *msgpack.Encoder, m map[K]V) error { return EncodeStringKeyMap(e, m, key, val) }
}

// EncodeIntKeyMap writes m with its entries sorted by their encoded keys: 0..127, then the uint8,
// uint16, uint32 and uint64 forms, then the int8, int16, int32 and int64 forms of negative keys,
// then -32..-1. nil is the empty map.
func EncodeIntKeyMap[K Integer, V any](e *msgpack.Encoder, m map[K]V, key func(*msgpack.Encoder, K) error, val func(*msgpack.Encoder, V) error) error {
	type entry struct {
		k   K
		enc [9]byte
		n   int
	}
	entries := make([]entry, 0, len(m))
	for k := range m {
		x := entry{k: k}
		if k < 0 {
			x.n = canonicalInt(&x.enc, true, int64(k), 0)
		} else {
			x.n = canonicalInt(&x.enc, false, 0, uint64(k))
		}
		entries = append(entries, x)
	}
	slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.enc[:a.n], b.enc[:b.n]) })
	keys := make([]K, len(entries))
	for i, x := range entries {
		keys[i] = x.k
	}
	return encodeMap(e, m, keys, key, val)
}

// IntKeyMapEncoder is EncodeIntKeyMap as a function of the encoder and the map.
func IntKeyMapEncoder[K Integer, V any](key func(*msgpack.Encoder, K) error, val func(*msgpack.Encoder, V) error) func(*msgpack.Encoder, map[K]V) error {
	return func(e *msgpack.Encoder, m map[K]V) error { return EncodeIntKeyMap(e, m, key, val) }
}

// canonicalInt writes the canonical encoding of an integer into b and returns its length.
func canonicalInt(b *[9]byte, neg bool, i int64, u uint64) int {
	put := func(code byte, v uint64, n int) int {
		b[0] = code
		for j := 0; j < n; j++ {
			b[n-j] = byte(v >> (8 * j))
		}
		return n + 1
	}
	if !neg {
		switch {
		case u <= math.MaxInt8:
			b[0] = byte(u)
			return 1
		case u <= math.MaxUint8:
			return put(0xcc, u, 1)
		case u <= math.MaxUint16:
			return put(0xcd, u, 2)
		case u <= math.MaxUint32:
			return put(0xce, u, 4)
		}
		return put(0xcf, u, 8)
	}
	switch {
	case i >= -32:
		b[0] = byte(i)
		return 1
	case i >= math.MinInt8:
		return put(0xd0, uint64(i), 1)
	case i >= math.MinInt16:
		return put(0xd1, uint64(i), 2)
	case i >= math.MinInt32:
		return put(0xd2, uint64(i), 4)
	}
	return put(0xd3, uint64(i), 8)
}

// EncodeField writes the key name and the value v with enc (map-shaped messages); nothing when
// name is "" (a field tagged "-", not on the wire).
func EncodeField[T any](e *msgpack.Encoder, name string, v T, enc func(*msgpack.Encoder, T) error) error {
	if name == "" {
		return nil
	}
	if err := e.EncodeString(name); err != nil {
		return err
	}
	if err := enc(e, v); err != nil {
		return AtField(err, name)
	}
	return nil
}

// EncodeNullableField writes the key name and the value *p with enc, or nil when p is nil;
// nothing when name is "".
func EncodeNullableField[T any](e *msgpack.Encoder, name string, p *T, enc func(*msgpack.Encoder, T) error) error {
	if name == "" {
		return nil
	}
	if err := e.EncodeString(name); err != nil {
		return err
	}
	return EncodeNullableItem(e, name, p, enc)
}

// EncodeItem writes the value v of the field name with enc (array-shaped messages); nothing when
// name is "".
func EncodeItem[T any](e *msgpack.Encoder, name string, v T, enc func(*msgpack.Encoder, T) error) error {
	if name == "" {
		return nil
	}
	if err := enc(e, v); err != nil {
		return AtField(err, name)
	}
	return nil
}

// EncodeNullableItem writes *p with enc, or nil when p is nil (array-shaped messages); nothing
// when name is "".
func EncodeNullableItem[T any](e *msgpack.Encoder, name string, p *T, enc func(*msgpack.Encoder, T) error) error {
	if name == "" {
		return nil
	}
	if p == nil {
		return e.EncodeNil()
	}
	return EncodeItem(e, name, *p, enc)
}
