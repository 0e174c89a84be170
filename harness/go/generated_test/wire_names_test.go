package generated_test

// This file exists to prove that the struct tags of the generated types are the single source of
// truth for their wire names, read as vmihailenco/msgpack reads them: the runtime helper agrees with
// the library on tag variants; every generated type writes exactly its tags' names; and a tag
// edited by hand in a copy of the generated code changes what it writes, what it reads and the
// paths of its errors (as it would for any Go service using vmihailenco/msgpack).

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/msgpact/msgpact/harness/go/generated/msgpactrt"
	"github.com/msgpact/msgpact/harness/go/generated/registry"
	kitchenregistry "github.com/msgpact/msgpact/harness/go/generated_test/kitchen/registry"
	"github.com/vmihailenco/msgpack/v5"
)

// tagVariants has one field per way of writing (or not writing) a msgpack tag.
type tagVariants struct {
	Renamed   string `msgpack:"renamed_key"`
	NoTag     string
	Empty     string `msgpack:""`
	OmitEmpty string `msgpack:",omitempty"`
	Opts      string `msgpack:"with_opts,omitempty"`
	Skipped   string `msgpack:"-"`
	SkippedC  string `msgpack:"-,omitempty"`
	Spaced    string `msgpack:" spaced , omitempty"`
	Quoted    string `msgpack:"'a,b',omitempty"`
	KeyValue  string `msgpack:"alias:other"`
	EmptyKey  string `msgpack:":from_value"`
	OtherTag  string `json:"json_name"`
	unexp     string `msgpack:"unexported"`
	Last      string `msgpack:"last"`
}

func TestWireNamesReadsTagsLikeVmihailenco(t *testing.T) {
	got := msgpactrt.WireNames(reflect.TypeOf(tagVariants{}))
	want := msgpactrt.Names{"renamed_key", "NoTag", "Empty", "OmitEmpty", "with_opts", "", "", "spaced", "a,b",
		"KeyValue", "from_value", "OtherTag", "", "last"}
	if !slices.Equal(got, want) {
		t.Fatalf("WireNames = %q\n          want %q", got, want)
	}

	// The library itself, by reflection (no custom encoder), writes exactly those keys, in order.
	v := tagVariants{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"}
	_ = v.unexp
	b, err := msgpack.Marshal(&v)
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := topLevel(t, b)
	var onWire []string
	for _, n := range got {
		if n != "" {
			onWire = append(onWire, n)
		}
	}
	if !slices.Equal(keys, onWire) {
		t.Errorf("vmihailenco/msgpack writes the keys %q; WireNames says %q", keys, onWire)
	}

	for tag, want := range map[string]string{
		"": "", "x": "x", "x,omitempty": "x", ",omitempty": "", "-": "-", "-,": "-", " x ": "x",
		"'x,y'": "x,y", `'it\'s'`: "it's", "k:v": "", "k:v,x": "", ":v": "v", ":'a,b'": "a,b", ":f(a,b),x": "f(a,b)",
		`:a\,b`: "a,b",
	} {
		if got := msgpactrt.TagName(tag); got != want {
			t.Errorf("TagName(%q) = %q, want %q", tag, got, want)
		}
	}
}

func TestNamesPositionsAndCounts(t *testing.T) {
	w := msgpactrt.Names{"a", "", "c", "d", "c"}
	for key, want := range map[string]int{"a": 0, "c": 4, "d": 3, "": -1, "b": -1, "A": -1} {
		if got := w.Index(key); got != want {
			t.Errorf("Index(%q) = %d, want %d", key, got, want)
		}
	}
	if got := w.Count(true, true, false, true, true); got != 3 {
		t.Errorf("Count = %d, want 3", got)
	}
	if got := w.OnWire(3); got != 2 {
		t.Errorf("OnWire(3) = %d, want 2", got)
	}
	for pos, want := range []int{0, 2, 3, 4, -1, -1} {
		if got := w.Field(pos); got != want {
			t.Errorf("Field(%d) = %d, want %d", pos, got, want)
		}
	}
	// Array prefixes: a field not on the wire takes no position, so it leaves no gap.
	arr := msgpactrt.Names{"id", "opt1", "", "opt3"}
	for _, tc := range []struct {
		present []bool
		n       int
		err     string
	}{
		{[]bool{false, false, false}, 1, ""},
		{[]bool{true, false, false}, 2, ""},
		{[]bool{true, true, true}, 4, ""},
		{[]bool{true, false, true}, 4, ""},
		{[]bool{false, true, false}, 1, ""},
		{[]bool{false, false, true}, 0, "$.opt3: cannot be sent while the optional field opt1 before it is absent"},
	} {
		n, err := arr.Prefix(1, tc.present...)
		if tc.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
				t.Errorf("Prefix(%v) = %d, %v; want error %q", tc.present, n, err, tc.err)
			}
		} else if err != nil || n != tc.n {
			t.Errorf("Prefix(%v) = %d, %v; want %d", tc.present, n, err, tc.n)
		}
	}
}

// topLevel returns the keys of the map b holds, in order, or (nil, the item count) for an array.
func topLevel(t *testing.T, b []byte) (keys []string, items int) {
	t.Helper()
	d := msgpack.NewDecoder(bytes.NewReader(b))
	c, err := d.PeekCode()
	if err != nil {
		t.Fatal(err)
	}
	if (c >= 0x90 && c <= 0x9f) || c == 0xdc || c == 0xdd {
		n, err := d.DecodeArrayLen()
		if err != nil {
			t.Fatal(err)
		}
		return nil, n
	}
	n, err := d.DecodeMapLen()
	if err != nil {
		t.Fatal(err)
	}
	keys = []string{}
	for i := 0; i < n; i++ {
		k, err := d.DecodeString()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
		if err := d.Skip(); err != nil {
			t.Fatal(err)
		}
	}
	return keys, -1
}

// tagKeys is what a value of a generated struct should write, read from its tags by reflection
// independently of msgpactrt: the tag names of its present fields in order (map-shaped), and the
// number of fields up to the last present one (array-shaped).
func tagKeys(v reflect.Value) (keys []string, items int) {
	keys = []string{}
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("msgpack"), ",")
		if name == "" {
			name = f.Name
		}
		fv := v.Field(i)
		present := true
		switch {
		case fv.Kind() == reflect.Pointer && strings.Contains(opts, "omitempty"):
			present = !fv.IsNil()
		case fv.Kind() == reflect.Struct && strings.HasPrefix(fv.Type().Name(), "OptionalNullable["):
			present = fv.FieldByName("Set").Bool()
		}
		if present {
			keys = append(keys, name)
			items = i + 1
		}
	}
	return keys, items
}

// TestEncodedKeysAreTheStructTags: for every registered type of both generated trees, every golden
// value is written with exactly the names of its struct tags (read here with reflect).
func TestEncodedKeysAreTheStructTags(t *testing.T) {
	trees := []struct {
		name    string
		vectors []vector
		codecs  map[string]codec
		types   int
	}{
		{"generated", loadVectors(t, filepath.Join(repoRoot(t), "golden")), codecsByName(registry.Codecs), len(registry.Codecs)},
		{"kitchen", loadVectors(t, filepath.Join("testdata", "golden")), kitchenCodecs(), len(kitchenregistry.Codecs)},
	}
	for _, tree := range trees {
		covered := map[string]bool{}
		for _, vec := range tree.vectors {
			c, ok := tree.codecs[vec.typeName]
			if !ok {
				continue // reported by the round-trip tests
			}
			val, err := c.Decode(vec.bytes)
			if err != nil {
				continue
			}
			out, err := c.Encode(val)
			if err != nil {
				continue
			}
			rv := reflect.ValueOf(val)
			if rv.Kind() != reflect.Struct {
				t.Fatalf("%s: decoded a %T, not a struct", vec.typeName, val)
			}
			wantKeys, wantItems := tagKeys(rv)
			keys, items := topLevel(t, out)
			if keys == nil {
				if items != wantItems {
					t.Errorf("%s %s %s: %d array items, the tags say %d", tree.name, vec.typeName, vec.caseID, items, wantItems)
				}
			} else if !slices.Equal(keys, wantKeys) {
				t.Errorf("%s %s %s: keys %q, the struct tags say %q", tree.name, vec.typeName, vec.caseID, keys, wantKeys)
			}
			covered[vec.typeName] = true
		}
		if len(covered) != tree.types {
			t.Errorf("%s: %d of %d registered types checked", tree.name, len(covered), tree.types)
		}
	}
}

// probeMain runs in a copy of the module whose generated code has hand-edited tags.
const probeMain = `package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/msgpact/msgpact/harness/go/generated/chat"
	"github.com/msgpact/msgpact/harness/go/generated/common"
	"github.com/msgpact/msgpact/harness/go/generated_test/kitchen/kitchen"
	"github.com/msgpact/msgpact/harness/go/generated_test/kitchen/msgpactrt"
	"github.com/vmihailenco/msgpack/v5"
)

func keys(b []byte) string {
	d := msgpack.NewDecoder(bytes.NewReader(b))
	n, err := d.DecodeMapLen()
	if err != nil {
		return err.Error()
	}
	var out []string
	for i := 0; i < n; i++ {
		k, _ := d.DecodeString()
		out = append(out, k)
		if k == "history" {
			if m, _ := d.DecodeArrayLen(); m > 0 {
				raw, _ := d.DecodeRaw()
				out = append(out, "["+keys(raw)+"]")
				continue
			}
		}
		d.Skip()
	}
	return strings.Join(out, " ")
}

func main() {
	v := chat.ChatRequest{RequestID: "r", UserID: "u", Text: "hi", Premium: true, SentAt: time.Unix(1, 0),
		History: &[]chat.ChatTurn{{Role: common.RoleUser, Text: "t"}}}
	b, err := v.Marshal()
	fmt.Println("keys:", keys(b), err)
	back, err := chat.UnmarshalChatRequest(b)
	fmt.Printf("self: %v %q %v\n", err, back.UserID, back.Premium)
	g, _ := os.ReadFile(os.Args[1])
	_, err = chat.UnmarshalChatRequest(g)
	fmt.Println("golden:", err)
	_, err = chat.ChatRequest{RequestID: "r", Text: "hi", SentAt: time.Unix(1, 0)}.Marshal()
	fmt.Println("invalid:", err)
	p, err := kitchen.Positions{ID: 1, First: new(int16), Second: msgpactrt.Some("s")}.Marshal()
	fmt.Printf("positions: %x %v\n", p, err)
	_, err = kitchen.UnmarshalPositions([]byte{0x91, 0x01})
	fmt.Println("short:", err)
}
`

// TestEditedTagChangesTheWire copies the module with its generated code, edits tags by hand as a
// developer might (rename, delete, "-"), and runs a program against the copy: what it writes, what
// it reads and its error paths follow the edited tags.
func TestEditedTagChangesTheWire(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program (-short)")
	}
	src, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	for _, p := range []string{"go.mod", "go.sum", "generated", filepath.Join("generated_test", "kitchen")} {
		copyTree(t, filepath.Join(src, p), filepath.Join(dst, p))
	}
	edit := func(rel string, edits ...string) {
		t.Helper()
		p := filepath.Join(dst, rel)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for i := 0; i < len(edits); i += 2 {
			if !strings.Contains(s, edits[i]) {
				t.Fatalf("%s: no %q", rel, edits[i])
			}
			s = strings.Replace(s, edits[i], edits[i+1], 1)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit(filepath.Join("generated", "chat", "chat.go"),
		"Text string `msgpack:\"text\"`", "Text string", // the first one: ChatTurn
		"UserID string `msgpack:\"user_id\"`", "UserID string `msgpack:\"userId\"`",
		"Premium bool `msgpack:\"premium\"`", "Premium bool `msgpack:\"-\"`")
	edit(filepath.Join("generated_test", "kitchen", "kitchen", "kitchen.go"),
		"Label *string `msgpack:\"label\"`", "Label *string `msgpack:\"lbl\"`",
		"First *int16 `msgpack:\"first,omitempty\"`", "First *int16 `msgpack:\"-\"`")
	if err := os.MkdirAll(filepath.Join(dst, "probe"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, "probe", "main.go"), []byte(probeMain), 0o644); err != nil {
		t.Fatal(err)
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	golden := filepath.Join(repoRoot(t), "golden", "chat", "ChatRequest", "example.minimal.msgpack")
	cmd := exec.Command(goBin, "run", "-mod=readonly", "./probe", golden)
	cmd.Dir = dst
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	got := strings.TrimSpace(string(out))
	want := strings.Join([]string{
		// renamed key, "-" not written, no tag = the Go field name (in the nested ChatTurn)
		"keys: request_id userId text history [role Text] locale sent_at <nil>",
		// reads what it writes; the "-" field is neither written nor read
		`self: <nil> "u" false`,
		// the contract's bytes: user_id is now an unknown key, userId is missing
		"golden: $.userId: required field is missing",
		// constraint errors name the tag in force
		"invalid: $.userId: length 0 bytes of UTF-8 is outside 1..=64",
		// array-shaped: the "-" field takes no position, so second follows label
		"positions: 9301c0a173 <nil>",
		"short: $.lbl: required field is missing",
	}, "\n")
	if got != want {
		t.Errorf("with edited tags the probe says\n%s\nwant\n%s", got, want)
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if de.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
