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
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
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

// ExtraItem is the error for an item after the last field of an array-shaped message: such a message has
// exactly its fields' items (appending one is a breaking change, docs/breaking.md).
func ExtraItem(i int) error {
	return AtIndex(errorf("an item after the message's last field (an array-shaped message has no more items than fields)"), i)
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
