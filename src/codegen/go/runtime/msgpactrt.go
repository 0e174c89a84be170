// Package msgpactrt is the runtime of the Go code that `msgpact codegen` generates for
// github.com/vmihailenco/msgpack/v5. The generated types implement msgpack.CustomEncoder and
// msgpack.CustomDecoder with the functions of this package, which write the canonical encoding of
// the msgpact contracts and read every valid encoding strictly.
//
// Writing (canonical): integers in their smallest form, non-negative values in the uint family;
// float32 as ca and float64 as cb, never compacted; strings as str and bytes as bin in their
// smallest form; map<K,V> entries sorted by their encoded keys; timestamps as ext -1 in the
// smallest of the 32/64/96-bit forms. The Encoder must not use UseCompactFloats,
// UseInternedStrings or a dictionary; [Marshal] takes care of that.
//
// Reading (strict but liberal about encodings): any valid MessagePack form of a value is accepted
// (int64-width integers, keys in another order, str16 for a short string, timestamps in any of the
// three forms); integers out of the field's range, nil for a value that is not nullable, missing
// required fields, fields that appear twice, str for bytes and bin for str, invalid UTF-8,
// unknown enum values and broken constraints are errors of type *[Error] that name the path
// (`$.usage.prompt_tokens`). Unknown map keys of a message are skipped, for forward
// compatibility. Declared lengths are never trusted for allocation.
//
// Optional and nullable are different: an optional field may be absent (a pointer, nil = absent),
// a nullable one may be nil (a pointer, nil = nil written as c0), and a field that is both is an
// [OptionalNullable] with three states.
//
// Wire names come from the struct tags: each generated type reads its fields' `msgpack` tags once,
// when its package is initialised ([WireNames]), as vmihailenco/msgpack reads them (the name
// before the first comma; the Go field name when there is none; "-" = not on the wire), and its
// methods write, match and report those names. Edit a tag and the wire changes with it.
package msgpactrt

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmihailenco/msgpack/v5"
)

// Error is a decode, validation or encode error at a path of the value, e.g.
// `$.usage.prompt_tokens: 4294967296 is out of range for uint32 (0..=4294967295)`.
type Error struct {
	rev []string // path segments, innermost first
	// Msg says what is wrong at the path.
	Msg string
	// Err is the library's error this one wraps, if any.
	Err error
}

// Path is the JSONPath-like location of the problem: `$`, `$.history[2].role`, `$.metadata["k"]`.
// A path deeper than 64 segments (recursive messages) shows its first and last 32.
func (e *Error) Path() string {
	var b strings.Builder
	b.WriteString("$")
	for i := len(e.rev) - 1; i >= 0; i-- {
		if len(e.rev) > 64 && i == len(e.rev)-33 {
			fmt.Fprintf(&b, "…(%d more)…", len(e.rev)-64)
			i = 31
		}
		b.WriteString(e.rev[i])
	}
	return b.String()
}

func (e *Error) Error() string { return e.Path() + ": " + e.Msg }

// Unwrap returns the library's error, if any.
func (e *Error) Unwrap() error { return e.Err }

func asError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	msg := err.Error()
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "the payload ends early (" + msg + ")"
	}
	return &Error{Msg: msg, Err: err}
}

func errorf(format string, args ...any) *Error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// AtField puts err under the field name: its path gets `.name` in front.
func AtField(err error, name string) error {
	e := asError(err)
	e.rev = append(e.rev, "."+name)
	return e
}

// AtIndex puts err under the list index i: its path gets `[i]` in front.
func AtIndex(err error, i int) error {
	e := asError(err)
	e.rev = append(e.rev, "["+strconv.Itoa(i)+"]")
	return e
}

// AtKey puts err under the map key k: its path gets `["k"]` or `[3]` in front.
func AtKey(err error, k any) error {
	e := asError(err)
	v := reflect.ValueOf(k)
	if v.Kind() == reflect.String {
		e.rev = append(e.rev, "["+strconv.Quote(v.String())+"]")
	} else {
		e.rev = append(e.rev, "["+fmt.Sprint(k)+"]")
	}
	return e
}

// Invalid is a broken constraint of the field name.
func Invalid(name string, format string, args ...any) error {
	return AtField(errorf(format, args...), name)
}

// Missing is the error for a required field that is absent.
func Missing(name string) error {
	return AtField(errorf("required field is missing"), name)
}

// Duplicate is the error for a field that appears twice in one message.
func Duplicate(name string) error {
	return AtField(errorf("the field appears more than once"), name)
}

// Gap is the encode error of an array-shaped message whose optional field name is set while the
// optional field before it is absent: a positional array cannot skip a position.
func Gap(name, before string) error {
	return AtField(errorf("cannot be sent while the optional field %s before it is absent (array-shaped message)", before), name)
}

// UnknownEnum is the error for a value that is not one of the enum's values.
func UnknownEnum(enum string, value any, values string) error {
	if s, ok := value.(string); ok {
		value = strconv.Quote(s)
	}
	return errorf("%v is not a value of enum %s (%s)", value, enum, values)
}

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

// ---- decoding containers and messages ----

// DecodeArrayHeader reads the header of an array (not nil) and returns its length.
func DecodeArrayHeader(d *msgpack.Decoder, what string) (int, error) {
	c, err := peek(d)
	if err != nil {
		return 0, err
	}
	if !(c >= 0x90 && c <= 0x9f) && c != 0xdc && c != 0xdd {
		return 0, expected(what, c)
	}
	n, err := d.DecodeArrayLen()
	if err != nil {
		return 0, asError(err)
	}
	if r := remaining(d); r >= 0 && n > r {
		return 0, errorf("an array of %d items, but only %d bytes remain", n, r)
	}
	return n, nil
}

// DecodeMapHeader reads the header of a map (not nil) and returns its number of entries.
func DecodeMapHeader(d *msgpack.Decoder, what string) (int, error) {
	c, err := peek(d)
	if err != nil {
		return 0, err
	}
	if !(c >= 0x80 && c <= 0x8f) && c != 0xde && c != 0xdf {
		return 0, expected(what, c)
	}
	n, err := d.DecodeMapLen()
	if err != nil {
		return 0, asError(err)
	}
	if r := remaining(d); r >= 0 && n > r/2 {
		return 0, errorf("a map of %d entries, but only %d bytes remain", n, r)
	}
	return n, nil
}

// DecodeFieldName reads the key of a message's map entry: a str.
func DecodeFieldName(d *msgpack.Decoder) (string, error) {
	s, err := DecodeString(d)
	if err != nil {
		return "", errorf("a key of the message: %s", asError(err).Msg)
	}
	return s, nil
}

// Skip skips one value of any type (an unknown field).
func Skip(d *msgpack.Decoder) error {
	if err := d.Skip(); err != nil {
		return asError(err)
	}
	return nil
}

// DecodeList reads an array whose items elem reads.
func DecodeList[T any](d *msgpack.Decoder, elem func(*msgpack.Decoder) (T, error)) ([]T, error) {
	n, err := DecodeArrayHeader(d, "array")
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, min(n, maxPrealloc))
	for i := 0; i < n; i++ {
		x, err := elem(d)
		if err != nil {
			return nil, AtIndex(err, i)
		}
		out = append(out, x)
	}
	return out, nil
}

// ListDecoder is DecodeList as a function of the decoder.
func ListDecoder[T any](elem func(*msgpack.Decoder) (T, error)) func(*msgpack.Decoder) ([]T, error) {
	return func(d *msgpack.Decoder) ([]T, error) { return DecodeList(d, elem) }
}

// DecodeMap reads a map whose keys key reads and whose values val reads. A key that appears twice
// (in any encoding) is an error.
func DecodeMap[K comparable, V any](d *msgpack.Decoder, key func(*msgpack.Decoder) (K, error), val func(*msgpack.Decoder) (V, error)) (map[K]V, error) {
	n, err := DecodeMapHeader(d, "map")
	if err != nil {
		return nil, err
	}
	out := make(map[K]V, min(n, maxPrealloc))
	for i := 0; i < n; i++ {
		k, err := key(d)
		if err != nil {
			return nil, errorf("key of entry %d: %s", i, asError(err).Msg)
		}
		if _, dup := out[k]; dup {
			return nil, AtKey(errorf("the key appears more than once"), k)
		}
		v, err := val(d)
		if err != nil {
			return nil, AtKey(err, k)
		}
		out[k] = v
	}
	return out, nil
}

// MapDecoder is DecodeMap as a function of the decoder.
func MapDecoder[K comparable, V any](key func(*msgpack.Decoder) (K, error), val func(*msgpack.Decoder) (V, error)) func(*msgpack.Decoder) (map[K]V, error) {
	return func(d *msgpack.Decoder) (map[K]V, error) { return DecodeMap(d, key, val) }
}

// DecodeCustom reads a generated message or enum type with its DecodeMsgpack method.
func DecodeCustom[T any, PT interface {
	*T
	msgpack.CustomDecoder
}](d *msgpack.Decoder) (T, error) {
	var x T
	err := PT(&x).DecodeMsgpack(d)
	return x, err
}

// DecodePtr reads a present optional value: never nil.
func DecodePtr[T any](d *msgpack.Decoder, dec func(*msgpack.Decoder) (T, error)) (*T, error) {
	x, err := dec(d)
	if err != nil {
		return nil, err
	}
	return &x, nil
}

// DecodeNullable reads nil as a nil pointer, anything else with dec.
func DecodeNullable[T any](d *msgpack.Decoder, dec func(*msgpack.Decoder) (T, error)) (*T, error) {
	c, err := peek(d)
	if err != nil {
		return nil, err
	}
	if c == 0xc0 {
		if err := d.DecodeNil(); err != nil {
			return nil, asError(err)
		}
		return nil, nil
	}
	return DecodePtr(d, dec)
}

// DecodeOptionalNullable reads a present field that is both optional and nullable.
func DecodeOptionalNullable[T any](d *msgpack.Decoder, dec func(*msgpack.Decoder) (T, error)) (OptionalNullable[T], error) {
	p, err := DecodeNullable(d, dec)
	if err != nil {
		return OptionalNullable[T]{}, err
	}
	if p == nil {
		return Null[T](), nil
	}
	return Some(*p), nil
}

// ---- encoding ----

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

// ---- wire names ----

// Names are the wire names of a generated struct's fields, in field order, as [WireNames] reads
// them from the struct tags; "" marks a field that is not on the wire (tagged "-").
type Names []string

// WireNames reads the wire names of the fields of the struct type t, in field order, from their
// `msgpack` tags, the way github.com/vmihailenco/msgpack/v5 reads them: the name is the tag up to
// its first comma, trimmed; a field without a tag or with an empty name (`msgpack:",omitempty"`)
// goes by its Go field name; a field tagged "-", and an unexported field, is not on the wire ("").
// Options after the name (omitempty, alias, ...) are not read: which fields are written follows
// the contract.
//
// The generated code calls it once per message type when its package is initialised and writes
// and reads the names it returns, so the struct tags are the single source of truth for the wire:
// edit a tag and the encoding follows, as it would for any struct vmihailenco/msgpack encodes.
// t must be a struct type.
func WireNames(t reflect.Type) Names {
	out := make(Names, t.NumField())
	for i := range out {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		switch name := TagName(f.Tag.Get("msgpack")); name {
		case "-":
		case "":
			out[i] = f.Name
		default:
			out[i] = name
		}
	}
	return out
}

// TagName is the name in a `msgpack` struct tag as github.com/vmihailenco/tagparser/v2 (which
// vmihailenco/msgpack/v5 uses) parses it: the first comma-separated item, trimmed of spaces; a
// 'quoted' name may hold commas (\' is a quote); a first item of the form key:value is an option,
// not a name (unless the key is empty: `:name`).
func TagName(tag string) string {
	for i := 0; i < len(tag); i++ {
		switch tag[i] {
		case ',':
			return strings.TrimSpace(tag[:i])
		case '\'':
			return strings.TrimSpace(tagQuoted(tag[i+1:]))
		case ':':
			if strings.TrimSpace(tag[:i]) != "" {
				return ""
			}
			rest := tag[i+1:]
			if strings.HasPrefix(rest, "'") {
				return strings.TrimSpace(tagQuoted(rest[1:]))
			}
			var b []byte
			depth := 0
			for j := 0; j < len(rest); j++ {
				c := rest[j]
				switch {
				case c == '\\':
					j++
					c = 0
					if j < len(rest) {
						c = rest[j]
					}
				case c == '(':
					depth++
				case c == ')' && depth > 0:
					depth--
				case c == ',' && depth == 0:
					return strings.TrimSpace(string(b))
				}
				b = append(b, c)
			}
			return strings.TrimSpace(string(b))
		}
	}
	return strings.TrimSpace(tag)
}

// tagQuoted is the text of a quoted tag item up to its closing quote; \' is a quote.
func tagQuoted(s string) string {
	var b strings.Builder
	for {
		j := strings.IndexByte(s, '\'')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		if j > 0 && s[j-1] == '\\' {
			b.WriteString(s[:j-1])
			b.WriteByte('\'')
			s = s[j+1:]
			continue
		}
		b.WriteString(s[:j])
		return b.String()
	}
}

// Index is the field whose wire name is key, or -1 (an unknown key). When two fields have the
// same name the last one wins, as in vmihailenco/msgpack.
func (w Names) Index(key string) int {
	if key == "" {
		return -1
	}
	for i := len(w) - 1; i >= 0; i-- {
		if w[i] == key {
			return i
		}
	}
	return -1
}

// Count is the number of map entries of a map-shaped message: the fields that are present
// (present[i] for field i) and on the wire.
func (w Names) Count(present ...bool) int {
	n := 0
	for i, p := range present {
		if p && w[i] != "" {
			n++
		}
	}
	return n
}

// OnWire is the number of the first n fields that are on the wire: the entries of a map-shaped
// message without optional fields, the items the first n fields of an array-shaped message make.
func (w Names) OnWire(n int) int {
	k := 0
	for _, name := range w[:n] {
		if name != "" {
			k++
		}
	}
	return k
}

// Field is the field at the array position pos of an array-shaped message (fields not on the
// wire take no position), or -1 beyond the last one.
func (w Names) Field(pos int) int {
	for i, name := range w {
		if name == "" {
			continue
		}
		if pos == 0 {
			return i
		}
		pos--
	}
	return -1
}

// Prefix is the number of fields an array-shaped message writes: its first required fields, then
// its optional fields up to the last present one (present[j] for field required+j). An absent
// optional field on the wire before a present one is an error ([Gap]): a position cannot be
// skipped.
func (w Names) Prefix(required int, present ...bool) (int, error) {
	n := required
	for j, p := range present {
		i := required + j
		if !p || w[i] == "" {
			continue
		}
		for k := i - 1; k >= n; k-- {
			if w[k] != "" {
				return 0, Gap(w[i], w[k])
			}
		}
		n = i + 1
	}
	return n, nil
}

// ---- optional and nullable ----

// OptionalNullable is a field that may be absent and may be nil: three states. The zero value is
// absent.
type OptionalNullable[T any] struct {
	// Set is true when the field is present (nil or a value).
	Set bool
	// Null is true when the field is present and nil.
	Null bool
	// Value is the value when Set and not Null.
	Value T
}

// Absent is the absent state.
func Absent[T any]() OptionalNullable[T] { return OptionalNullable[T]{} }

// Null is the present-and-nil state.
func Null[T any]() OptionalNullable[T] { return OptionalNullable[T]{Set: true, Null: true} }

// Some is the present-with-a-value state.
func Some[T any](v T) OptionalNullable[T] { return OptionalNullable[T]{Set: true, Value: v} }

// IsAbsent tells whether the field is absent.
func (o OptionalNullable[T]) IsAbsent() bool { return !o.Set }

// IsNull tells whether the field is present and nil.
func (o OptionalNullable[T]) IsNull() bool { return o.Set && o.Null }

// Get returns the value and true when the field is present and not nil.
func (o OptionalNullable[T]) Get() (T, bool) { return o.Value, o.Set && !o.Null }

// Ptr returns a pointer to the value when present and not nil, else nil.
func (o OptionalNullable[T]) Ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	return &o.Value
}

// Ptr returns a pointer to a copy of v, to fill optional and nullable fields.
func Ptr[T any](v T) *T { return &v }

// ---- whole payloads ----

// Marshal returns the canonical encoding of v, a generated type.
func Marshal(v msgpack.CustomEncoder) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.GetEncoder()
	enc.Reset(&buf)
	enc.UseCompactInts(true)
	err := v.EncodeMsgpack(enc)
	msgpack.PutEncoder(enc)
	if err != nil {
		return nil, asError(err)
	}
	return buf.Bytes(), nil
}

// Validate checks v, a generated type, as Marshal does (constraints, enum values, UTF-8, array
// gaps), without keeping the bytes.
func Validate(v msgpack.CustomEncoder) error {
	enc := msgpack.GetEncoder()
	enc.Reset(io.Discard)
	err := v.EncodeMsgpack(enc)
	msgpack.PutEncoder(enc)
	if err != nil {
		return asError(err)
	}
	return nil
}

// Unmarshal decodes b, exactly one value, into v, a generated type, strictly. Trailing bytes are
// an error.
func Unmarshal(b []byte, v msgpack.CustomDecoder) error {
	r := bytes.NewReader(b)
	dec := msgpack.GetDecoder()
	dec.Reset(r)
	err := v.DecodeMsgpack(dec)
	msgpack.PutDecoder(dec)
	if err != nil {
		return asError(err)
	}
	if r.Len() != 0 {
		return errorf("%d trailing byte(s) after the value", r.Len())
	}
	return nil
}

// Codec is one message type, type-erased, for tools that serve every generated type in a loop
// (the msgpact peer).
type Codec struct {
	// Name is the fully qualified type name, e.g. "chat.ChatRequest".
	Name string
	// Decode is Unmarshal into a new value of the type; the value is returned by value.
	Decode func([]byte) (any, error)
	// Encode is Marshal of a value of the type (as Decode returns it).
	Encode func(any) ([]byte, error)
}

// CodecOf is the Codec of the generated type T named name.
func CodecOf[T msgpack.CustomEncoder, PT interface {
	*T
	msgpack.CustomDecoder
}](name string) Codec {
	return Codec{
		Name: name,
		Decode: func(b []byte) (any, error) {
			var v T
			if err := Unmarshal(b, PT(&v)); err != nil {
				return nil, err
			}
			return v, nil
		},
		Encode: func(x any) ([]byte, error) {
			v, ok := x.(T)
			if !ok {
				return nil, fmt.Errorf("msgpactrt: %s cannot encode a %T", name, x)
			}
			return Marshal(v)
		},
	}
}

// Join concatenates lists of codecs, sorted by name.
func Join(lists ...[]Codec) []Codec {
	var out []Codec
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.SortFunc(out, func(a, b Codec) int { return strings.Compare(a.Name, b.Name) })
	return out
}
