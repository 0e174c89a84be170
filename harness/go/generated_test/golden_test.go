// Package generated_test tests the Go code `msgpact codegen --lang go` generates: every golden vector
// decodes and re-encodes to the same bytes, decoding is strict, and the generated text is gofmt-clean.
package generated_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/msgpact/msgpact/harness/go/generated/msgpactrt"
	"github.com/msgpact/msgpact/harness/go/generated/registry"
	kitchenregistry "github.com/msgpact/msgpact/harness/go/generated_test/kitchen/registry"
)

// repoRoot is the msgpact repository root: the nearest directory above this test with contracts/
// and golden/.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if isDir(filepath.Join(d, "contracts")) && isDir(filepath.Join(d, "golden")) {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no directory with contracts/ and golden/ above %s", dir)
		}
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// vector is one golden case: golden/<pkg>/<Msg>/<case>.msgpack.
type vector struct {
	typeName string // "<pkg>.<Msg>"
	caseID   string
	path     string
	bytes    []byte
}

func loadVectors(t testing.TB, goldenDir string) []vector {
	t.Helper()
	var out []vector
	err := filepath.WalkDir(goldenDir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() || !strings.HasSuffix(p, ".msgpack") {
			return nil
		}
		rel, err := filepath.Rel(goldenDir, p)
		if err != nil {
			return err
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 3 {
			return fmt.Errorf("%s: expected golden/<package>/<Message>/<case>.msgpack", p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, vector{typeName: parts[0] + "." + parts[1], caseID: strings.TrimSuffix(parts[2], ".msgpack"), path: p, bytes: b})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// codec is a msgpactrt.Codec of either generated tree (./generated or ./kitchen, each with its own
// copy of the runtime).
type codec struct {
	Decode func([]byte) (any, error)
	Encode func(any) ([]byte, error)
}

func codecsByName(list []msgpactrt.Codec) map[string]codec {
	m := make(map[string]codec, len(list))
	for _, c := range list {
		m[c.Name] = codec{c.Decode, c.Encode}
	}
	return m
}

func kitchenCodecs() map[string]codec {
	m := make(map[string]codec, len(kitchenregistry.Codecs))
	for _, c := range kitchenregistry.Codecs {
		m[c.Name] = codec{c.Decode, c.Encode}
	}
	return m
}

// isReject says whether a vector is a must-reject case (reject.<kind>...), which no reader may accept.
func isReject(v vector) bool { return strings.HasPrefix(v.caseID, "reject.") }

// rejectAll decodes every must-reject vector with its generated type and returns one line per vector it
// accepted. An unknown key in a map-shaped message is accepted on purpose (newer writers may add optional
// fields; docs/verify.md), so `reject.unknown-key` must decode.
func rejectAll(vectors []vector, codecs map[string]codec) (failures []string, checked int) {
	for _, v := range vectors {
		c, ok := codecs[v.typeName]
		if !ok || !isReject(v) {
			continue
		}
		checked++
		_, err := c.Decode(v.bytes)
		if v.caseID == "reject.unknown-key" {
			if err != nil {
				failures = append(failures, fmt.Sprintf("%s %s: unknown keys are ignored, but: %v", v.typeName, v.caseID, err))
			}
		} else if err == nil {
			failures = append(failures, fmt.Sprintf("%s %s: accepted a payload the contract forbids", v.typeName, v.caseID))
		}
	}
	return failures, checked
}

// roundtripAll decodes every vector with its generated type and encodes it back; it returns the
// failures, one line each, and how many vectors were checked per type. Must-reject vectors are rejectAll's.
func roundtripAll(vectors []vector, codecs map[string]codec) (failures []string, perType map[string]int) {
	perType = map[string]int{}
	for _, v := range vectors {
		if isReject(v) {
			continue
		}
		c, ok := codecs[v.typeName]
		if !ok {
			failures = append(failures, fmt.Sprintf("%s %s: no generated type", v.typeName, v.caseID))
			continue
		}
		perType[v.typeName]++
		val, err := c.Decode(v.bytes)
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s %s: decode: %v", v.typeName, v.caseID, err))
			continue
		}
		out, err := c.Encode(val)
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s %s: encode: %v", v.typeName, v.caseID, err))
			continue
		}
		if !bytes.Equal(out, v.bytes) {
			failures = append(failures, fmt.Sprintf("%s %s: re-encoded bytes differ\n  golden: %s\n  go:     %s",
				v.typeName, v.caseID, shortHex(v.bytes), shortHex(out)))
		}
	}
	return failures, perType
}

func shortHex(b []byte) string {
	const max = 96
	if len(b) > max {
		return hex.EncodeToString(b[:max]) + fmt.Sprintf("… (%d bytes)", len(b))
	}
	return hex.EncodeToString(b)
}

// TestGoldenVectorsRoundtripByteExact is the main promise of the generated code: for EVERY golden
// vector, decode with the generated type and encode back gives the golden bytes.
func TestGoldenVectorsRoundtripByteExact(t *testing.T) {
	root := repoRoot(t)
	vectors := loadVectors(t, filepath.Join(root, "golden"))
	codecs := codecsByName(registry.Codecs)
	failures, perType := roundtripAll(vectors, codecs)
	for _, f := range failures {
		t.Error(f)
	}
	checked := 0
	for _, n := range perType {
		checked += n
	}
	if checked <= 300 {
		t.Fatalf("only %d golden vectors checked; expected more than 300 (is %s/golden complete?)", checked, root)
	}
	// Every generated type has vectors, and every type with vectors is generated.
	var missing []string
	for name := range codecs {
		if perType[name] == 0 {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("generated types without golden vectors: %v", missing)
	}
	t.Logf("%d golden vectors of %d types round-tripped; %d failure(s)", checked, len(perType), len(failures))
}

// TestMustRejectVectorsAreRefused: every reject.* vector of golden/ and of the kitchen sink is refused by
// the generated decoders (the strictness verify's matrix shows for the Go reference peer).
func TestMustRejectVectorsAreRefused(t *testing.T) {
	for _, tree := range []struct {
		name    string
		vectors []vector
		codecs  map[string]codec
	}{
		{"golden", loadVectors(t, filepath.Join(repoRoot(t), "golden")), codecsByName(registry.Codecs)},
		{"kitchen", loadVectors(t, filepath.Join("testdata", "golden")), kitchenCodecs()},
	} {
		failures, checked := rejectAll(tree.vectors, tree.codecs)
		for _, f := range failures {
			t.Errorf("%s: %s", tree.name, f)
		}
		if checked < 100 {
			t.Errorf("%s: only %d must-reject vectors found", tree.name, checked)
		}
	}
}

// TestKitchenVectorsRoundtripByteExact does the same for the test contracts in testdata/contracts,
// generated into ./kitchen with golden vectors in testdata/golden: every presence combination,
// recursive messages, integer map keys, keyword package names.
func TestKitchenVectorsRoundtripByteExact(t *testing.T) {
	vectors := loadVectors(t, filepath.Join("testdata", "golden"))
	failures, perType := roundtripAll(vectors, kitchenCodecs())
	for _, f := range failures {
		t.Error(f)
	}
	checked := 0
	for _, n := range perType {
		checked += n
	}
	if checked < 250 || len(perType) != len(kitchenregistry.Codecs) {
		t.Fatalf("only %d kitchen vectors of %d types checked", checked, len(perType))
	}
	t.Logf("%d kitchen vectors of %d types round-tripped; %d failure(s)", checked, len(perType), len(failures))
}
