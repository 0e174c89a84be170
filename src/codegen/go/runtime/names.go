// Wire names: each generated type reads its fields' `msgpack` tags once, so renaming a field in Go
// cannot change the wire.

package msgpactrt

import (
	"reflect"
	"strings"
)

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
