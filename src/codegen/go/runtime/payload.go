// Optional-and-nullable values, and whole payloads: Marshal, Validate, Unmarshal, the codec registry.

package msgpactrt

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vmihailenco/msgpack/v5"
)

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
