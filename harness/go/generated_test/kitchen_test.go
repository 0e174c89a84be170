package generated_test

// This file exists to test the generated code on the shapes the real contracts do not use (they live
// in testdata/contracts, generated into ./kitchen): optional-and-nullable fields, array-shaped
// messages with several optional tails, integer map keys of every width, recursion; and to check
// that the generated text is gofmt-clean.

import (
	"bytes"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/msgpact/msgpact/harness/go/generated_test/kitchen/kitchen"
	mappkg "github.com/msgpact/msgpact/harness/go/generated_test/kitchen/map"
	"github.com/msgpact/msgpact/harness/go/generated_test/kitchen/msgpactrt"
	timepkg "github.com/msgpact/msgpact/harness/go/generated_test/kitchen/time"
	"github.com/vmihailenco/msgpack/v5"
)

// wantKitchenErr is wantErr for the kitchen tree's own runtime.
func wantKitchenErr(t *testing.T, err error, path, want string) {
	t.Helper()
	e, ok := err.(*msgpactrt.Error)
	if !ok {
		t.Fatalf("error %v (%T), want a *msgpactrt.Error at %s", err, err, path)
	}
	if e.Path() != path || !strings.Contains(e.Msg, want) {
		t.Errorf("error %q, want %s: …%s…", err, path, want)
	}
}

func TestOptionalNullableThreeStates(t *testing.T) {
	base := kitchen.Everything{Blob: []byte{1}, Level: kitchen.LevelLow, UserID: 10, Ratio: 1}
	states := []struct {
		name  string
		field msgpactrt.OptionalNullable[string]
		wire  []byte // what follows the key, nil when the key is absent
	}{
		{"absent", msgpactrt.Absent[string](), nil},
		{"nil", msgpactrt.Null[string](), []byte{0xc0}},
		{"value", msgpactrt.Some("hi"), str("hi")},
		{"empty value", msgpactrt.Some(""), str("")},
	}
	for _, s := range states {
		t.Run(s.name, func(t *testing.T) {
			v := base
			v.OptNullText = s.field
			b, err := v.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			key := str("opt_null_text")
			i := bytes.Index(b, key)
			if s.wire == nil {
				if i >= 0 {
					t.Fatalf("absent field was written: %x", b)
				}
			} else if i < 0 || !bytes.HasPrefix(b[i+len(key):], s.wire) {
				t.Fatalf("field not written as %x: %x", s.wire, b)
			}
			back, err := kitchen.UnmarshalEverything(b)
			if err != nil {
				t.Fatal(err)
			}
			if back.OptNullText != s.field {
				t.Errorf("decoded %+v, want %+v", back.OptNullText, s.field)
			}
			if got, ok := back.OptNullText.Get(); ok != (s.field.Set && !s.field.Null) || got != s.field.Value {
				t.Errorf("Get() = %q, %v", got, ok)
			}
		})
	}
	// Constraints apply to the value only.
	v := base
	v.OptNullText = msgpactrt.Some("01234567890")
	wantKitchenErr(t, v.Validate(), "$.opt_null_text", "length 11 bytes of UTF-8 is outside 0..=10")
	// Plain pointers: nil is absent for optional, nil on the wire for nullable.
	v = base
	v.OptSmall = ptr(kitchen.SmallTwo)
	v.NullCode = ptr(kitchen.CodeBig)
	b, err := v.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, append(str("opt_small"), 0x02)) || !bytes.Contains(b, append(str("null_code"), h("cf 00 00 00 01 2a 05 f2 00")...)) {
		t.Errorf("pointers not written: %x", b)
	}
}

func TestArrayShapedOptionalTails(t *testing.T) {
	label := "x"
	cases := []struct {
		v    kitchen.Positions
		want string
	}{
		{kitchen.Positions{ID: 1}, "92 01 c0"},
		{kitchen.Positions{ID: 1, Label: &label, First: ptr(int16(-1))}, "93 01 a1 78 ff"},
		{kitchen.Positions{ID: 1, First: ptr(int16(5)), Second: msgpactrt.Null[string]()}, "94 01 c0 05 c0"},
		{kitchen.Positions{ID: 1, First: ptr(int16(5)), Second: msgpactrt.Some("s"), Third: &[]uint8{}}, "95 01 c0 05 a1 73 90"},
	}
	for _, tc := range cases {
		b, err := tc.v.Marshal()
		if err != nil || !bytes.Equal(b, h(tc.want)) {
			t.Errorf("%+v: %x, %v; want %s", tc.v, b, err, tc.want)
			continue
		}
		back, err := kitchen.UnmarshalPositions(b)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := back.Marshal()
		if !bytes.Equal(again, b) {
			t.Errorf("round trip %x -> %x", b, again)
		}
	}
	// A positional array cannot skip a position.
	_, err := kitchen.Positions{ID: 1, Second: msgpactrt.Some("s")}.Marshal()
	wantKitchenErr(t, err, "$.second", "the optional field first before it is absent")
	_, err = kitchen.Positions{ID: 1, First: ptr(int16(1)), Third: &[]uint8{1}}.Marshal()
	wantKitchenErr(t, err, "$.third", "the optional field second before it is absent")
	// Reading: nil is only accepted where the field is nullable.
	_, err = kitchen.UnmarshalPositions(h("93 01 c0 c0"))
	wantKitchenErr(t, err, "$.first", "expected int16, found nil")
	if v, err := kitchen.UnmarshalPositions(h("94 01 c0 05 c0")); err != nil || !v.Second.IsNull() {
		t.Errorf("nullable tail: %+v, %v", v, err)
	}
	_, err = kitchen.UnmarshalPositions(h("91 01"))
	wantKitchenErr(t, err, "$.label", "required field is missing")
}

// TestIntKeyOrder: map<int64, ...> and map<uint64, ...> entries come out sorted by their encoded
// keys, whatever the keys; decoded keys keep their values.
func TestIntKeyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		m := map[int64]float32{}
		for i := 0; i < 1+r.IntN(20); i++ {
			var k int64
			switch r.IntN(4) {
			case 0:
				k = int64(r.IntN(300)) - 150
			case 1:
				k = int64(r.Uint64())
			case 2:
				k = -int64(r.IntN(1 << 20))
			default:
				k = int64(r.IntN(1 << 40))
			}
			m[k] = 1
		}
		var buf bytes.Buffer
		enc := msgpack.NewEncoder(&buf)
		if err := msgpactrt.EncodeIntKeyMap(enc, m, msgpactrt.EncodeInt[int64], msgpactrt.EncodeFloat32Finite); err != nil {
			t.Fatal(err)
		}
		checkSortedKeys(t, buf.Bytes(), len(m))
		back, err := msgpactrt.DecodeMap(msgpack.NewDecoder(bytes.NewReader(buf.Bytes())), msgpactrt.DecodeInt64, msgpactrt.DecodeFloat32Finite)
		if err != nil || len(back) != len(m) {
			t.Fatalf("decode: %v", err)
		}
		for k := range m {
			if _, ok := back[k]; !ok {
				t.Fatalf("key %d lost", k)
			}
		}
	}
}

// TestStringKeyOrder: string keys sort by their encoded bytes, which is shorter first, then bytewise.
func TestStringKeyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 200; round++ {
		m := map[string]bool{}
		for i := 0; i < 1+r.IntN(20); i++ {
			n := []int{0, 1, 2, 31, 32, 255, 256}[r.IntN(7)]
			b := make([]byte, n)
			for j := range b {
				b[j] = "aAz~é"[r.IntN(4)]
			}
			m[string(b)] = true
		}
		var buf bytes.Buffer
		if err := msgpactrt.EncodeStringKeyMap(msgpack.NewEncoder(&buf), m, msgpactrt.EncodeString, msgpactrt.EncodeBool); err != nil {
			t.Fatal(err)
		}
		checkSortedKeys(t, buf.Bytes(), len(m))
	}
	var buf bytes.Buffer
	_ = msgpactrt.EncodeStringKeyMap(msgpack.NewEncoder(&buf), map[string]bool{"k10": true, "k2": true, "b": true}, msgpactrt.EncodeString, msgpactrt.EncodeBool)
	if want := h("83 a1 62 c3 a2 6b 32 c3 a3 6b 31 30 c3"); !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("got %x want %x", buf.Bytes(), want)
	}
}

// checkSortedKeys checks that the map in b has n entries with strictly increasing encoded keys.
func checkSortedKeys(t *testing.T, b []byte, n int) {
	t.Helper()
	d := msgpack.NewDecoder(bytes.NewReader(b))
	got, err := d.DecodeMapLen()
	if err != nil || got != n {
		t.Fatalf("map of %d entries: %d, %v", n, got, err)
	}
	var prev []byte
	for i := 0; i < n; i++ {
		k, err := d.DecodeRaw()
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && bytes.Compare(prev, k) >= 0 {
			t.Fatalf("keys out of order: %x then %x in %x", prev, k, b)
		}
		prev = append([]byte(nil), k...)
		if err := d.Skip(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRecursionAndCrossPackage(t *testing.T) {
	n := kitchen.Node{Name: "leaf"}
	for i := 0; i < 500; i++ {
		n = kitchen.Node{Name: "n", Next: &kitchen.Node{Name: "m", Children: []kitchen.Node{n}}}
	}
	b, err := n.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := kitchen.UnmarshalNode(b)
	if err != nil {
		t.Fatal(err)
	}
	again, err := back.Marshal()
	if err != nil || !bytes.Equal(again, b) {
		t.Fatalf("deep node: %v", err)
	}
	// An error deep down names the whole path.
	bad := bytes.Replace(b, str("leaf"), h("a4 ff ff ff ff"), 1)
	_, err = kitchen.UnmarshalNode(bad)
	if err == nil || !strings.HasPrefix(err.Error(), "$.next.children[0].next.children[0]") || !strings.HasSuffix(err.Error(), ".name: the str is not valid UTF-8") {
		t.Errorf("deep error: %v", err)
	}
	if e := err.(*msgpactrt.Error); len(e.Path()) > 1000 || !strings.Contains(e.Path(), "…(1437 more)…") {
		t.Errorf("deep path not shortened: %d bytes", len(e.Path()))
	}
	// Keyword and standard-library package names.
	s := timepkg.Stamp{At: time.Unix(1, 0), Holder: &mappkg.Holder{Level: kitchen.LevelHigh, Levels: &map[string]kitchen.Small{"a": kitchen.SmallOne}}}
	b, err = s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back2, err := timepkg.UnmarshalStamp(b)
	if err != nil || back2.Holder == nil || (*back2.Holder.Levels)["a"] != kitchen.SmallOne {
		t.Errorf("stamp: %+v, %v", back2, err)
	}
}

// TestGeneratedCodeIsGofmtClean runs gofmt -l over both generated trees.
func TestGeneratedCodeIsGofmtClean(t *testing.T) {
	gofmt := filepath.Join(runtime.GOROOT(), "bin", "gofmt")
	out, err := exec.Command(gofmt, "-l", filepath.Join("..", "generated"), "kitchen").CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v: %s", gofmt, err, out)
	}
	if len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("gofmt -l lists generated files that are not gofmt-formatted:\n%s", out)
	}
}
