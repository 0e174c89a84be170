package peer

// This file exists because some MessagePack libraries trust declared lengths:
// vmihailenco/msgpack v5.4.0 and v5.4.1 allocate a slice of the length an
// array header declares before reading any element, so the 5-byte payload
// `dd ff ff ff ff` decoded into a slice field (or into interface{}) is a fatal
// out-of-memory error that no recover() catches (upstream issues #376, #401).
// A peer must never die of a payload, so before calling the decoder the SDK
// checks, in one pass and without allocating, that the payload is well formed
// MessagePack: every declared length fits in the bytes that follow. Valid
// payloads are never refused; the check does not look past the first object,
// so trailing bytes are left to the library to judge.

import "fmt"

// MalformedError says why a payload is not well-formed MessagePack. It is
// answered as decode-error; the library's decoder was not called.
type MalformedError struct {
	Offset int    // where the offending object starts
	Reason string // what is wrong there
}

func (e *MalformedError) Error() string {
	return fmt.Sprintf("not well-formed MessagePack (found by the msgpact peer SDK before calling the decoder): at offset %d, %s", e.Offset, e.Reason)
}

// CheckWellFormed reports whether b starts with one complete MessagePack
// object all of whose declared lengths fit in b. It returns a *MalformedError
// otherwise.
func CheckWellFormed(b []byte) error {
	if len(b) == 0 {
		return &MalformedError{Offset: 0, Reason: "empty payload"}
	}
	pending := 1 // objects still to read; every one needs at least one byte
	i := 0
	for pending > 0 {
		if i >= len(b) {
			return &MalformedError{Offset: i, Reason: fmt.Sprintf("payload ends with %d object(s) still to read", pending)}
		}
		start, c := i, b[i]
		i++
		pending--
		var skip, items int // bytes to skip; objects the container adds
		var name string
		switch {
		case c <= 0x7f || c >= 0xe0: // positive and negative fixint
		case c <= 0x8f:
			items, name = 2*int(c&0x0f), "fixmap"
		case c <= 0x9f:
			items, name = int(c&0x0f), "fixarray"
		case c <= 0xbf:
			skip, name = int(c&0x1f), "fixstr"
		default:
			f := formatTable[c-0xc0]
			if f.name == "" {
				return &MalformedError{Offset: start, Reason: fmt.Sprintf("byte 0x%02x, which MessagePack never uses", c)}
			}
			name = f.name
			if i+f.lenBytes > len(b) {
				return &MalformedError{Offset: start, Reason: fmt.Sprintf("payload ends inside the length of a %s", name)}
			}
			n := 0
			for _, x := range b[i : i+f.lenBytes] {
				n = n<<8 | int(x)
			}
			i += f.lenBytes
			switch f.kind {
			case fixed:
				skip = f.size
			case data:
				skip = n + f.size // f.size: the ext type byte
			case array:
				items = n
			case mapping:
				items = 2 * n
			}
		}
		if skip > len(b)-i {
			return &MalformedError{Offset: start, Reason: fmt.Sprintf("%s needs %d more bytes but %d follow", name, skip, len(b)-i)}
		}
		i += skip
		pending += items
		if pending > len(b)-i {
			return &MalformedError{Offset: start, Reason: fmt.Sprintf("%s declares %d element(s) but only %d bytes follow", name, items, len(b)-i)}
		}
	}
	return nil
}

type formatKind uint8

const (
	fixed   formatKind = iota // a value of size bytes
	data                      // length-prefixed bytes (str, bin, ext: size = 1 type byte)
	array                     // length-prefixed elements
	mapping                   // length-prefixed key/value pairs
)

type format struct {
	name     string
	kind     formatKind
	lenBytes int // bytes of the length field
	size     int // for fixed: the value's size; for data: extra bytes after the length
}

// formatTable is formats indexed by type byte - 0xc0; 0xc1 has no name.
var formatTable = func() (t [32]format) {
	for c, f := range formats {
		t[c-0xc0] = f
	}
	return t
}()

// formats covers the type bytes 0xc0..0xdf.
var formats = map[byte]format{
	0xc0: {"nil", fixed, 0, 0}, 0xc2: {"false", fixed, 0, 0}, 0xc3: {"true", fixed, 0, 0},
	0xc4: {"bin8", data, 1, 0}, 0xc5: {"bin16", data, 2, 0}, 0xc6: {"bin32", data, 4, 0},
	0xc7: {"ext8", data, 1, 1}, 0xc8: {"ext16", data, 2, 1}, 0xc9: {"ext32", data, 4, 1},
	0xca: {"float32", fixed, 0, 4}, 0xcb: {"float64", fixed, 0, 8},
	0xcc: {"uint8", fixed, 0, 1}, 0xcd: {"uint16", fixed, 0, 2}, 0xce: {"uint32", fixed, 0, 4}, 0xcf: {"uint64", fixed, 0, 8},
	0xd0: {"int8", fixed, 0, 1}, 0xd1: {"int16", fixed, 0, 2}, 0xd2: {"int32", fixed, 0, 4}, 0xd3: {"int64", fixed, 0, 8},
	0xd4: {"fixext1", fixed, 0, 2}, 0xd5: {"fixext2", fixed, 0, 3}, 0xd6: {"fixext4", fixed, 0, 5},
	0xd7: {"fixext8", fixed, 0, 9}, 0xd8: {"fixext16", fixed, 0, 17},
	0xd9: {"str8", data, 1, 0}, 0xda: {"str16", data, 2, 0}, 0xdb: {"str32", data, 4, 0},
	0xdc: {"array16", array, 2, 0}, 0xdd: {"array32", array, 4, 0},
	0xde: {"map16", mapping, 2, 0}, 0xdf: {"map32", mapping, 4, 0},
}
