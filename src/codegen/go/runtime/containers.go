// Reading arrays, maps, messages, optional and nullable values.

package msgpactrt

import (
	"github.com/vmihailenco/msgpack/v5"
)

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
