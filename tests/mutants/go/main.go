// The Go mutants of msgpact's mutation suite (docs/mutation-suite.md): peers written the way a team would
// write them with vmihailenco/msgpack/v5 and its DEFAULTS, each with one of the interop bugs of
// ../shared/INTEROP.md. MSGPACT_MUTANT (set in each mutant's peer.toml) picks the bug; everything else about
// the peer is right, so that the bug is the only thing msgpact verify can find on the case the suite checks.
//
// These are deliberately broken peers. Do not copy them: examples/own-peers/go is the right way.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/msgpact/msgpact/harness/go/peer"
	"github.com/vmihailenco/msgpack/v5"
)

// ---- the types, written by hand, tagged, in the contract's field order (the mutants' variants below) ----

type ChatTurn struct {
	Role string `msgpack:"role"`
	Text string `msgpack:"text"`
}

type PipelineParams struct {
	Model        string             `msgpack:"model"`
	Temperature  float32            `msgpack:"temperature"`
	TopP         float64            `msgpack:"top_p"`
	MaxTokens    uint32             `msgpack:"max_tokens"`
	Stop         []string           `msgpack:"stop"`
	Metadata     map[string]string  `msgpack:"metadata"`
	CreatedAt    time.Time          `msgpack:"created_at"`
	Seed         *int64             `msgpack:"seed"`
	Priority     int8               `msgpack:"priority"`
	ShardWeights map[uint16]float64 `msgpack:"shard_weights,omitempty"`
}

// ---- the mutants' own variants of those types ----

// untagged: one field whose tag was forgotten goes out under its Go name, `UserID`; decoding the real key
// `user_id` finds no field and silently leaves "".
type ChatRequestUntagged struct {
	RequestID     string `msgpack:"request_id"`
	UserID        string
	Text          string     `msgpack:"text"`
	Premium       bool       `msgpack:"premium"`
	Audio         []byte     `msgpack:"audio,omitempty"`
	History       []ChatTurn `msgpack:"history,omitempty"`
	Locale        *string    `msgpack:"locale"`
	SentAt        time.Time  `msgpack:"sent_at"`
	ClientVersion *string    `msgpack:"client_version,omitempty"`
}

// omitempty: `,omitempty` on every field, out of JSON habit: premium=false and locale=nil are dropped.
type ChatRequestOmitempty struct {
	RequestID     string     `msgpack:"request_id,omitempty"`
	UserID        string     `msgpack:"user_id,omitempty"`
	Text          string     `msgpack:"text,omitempty"`
	Premium       bool       `msgpack:"premium,omitempty"`
	Audio         []byte     `msgpack:"audio,omitempty"`
	History       []ChatTurn `msgpack:"history,omitempty"`
	Locale        *string    `msgpack:"locale,omitempty"`
	SentAt        time.Time  `msgpack:"sent_at,omitempty"`
	ClientVersion *string    `msgpack:"client_version,omitempty"`
}

// wrap-int32: total_tokens as an int32 ("two billion tokens is plenty"); decoding 4294967295 wraps to -1.
type TokenUsageInt32 struct {
	PromptTokens     uint32 `msgpack:"prompt_tokens"`
	CompletionTokens uint32 `msgpack:"completion_tokens"`
	TotalTokens      int32  `msgpack:"total_tokens"`
}

// no-checks: the contract's types decoded with msgpack.Unmarshal alone, without the checks the SDK's
// generated decoders add: 4294967296 wraps into a uint32 field, a str that is not UTF-8 becomes a Go string,
// a key sent twice keeps its last value, and nothing says no.
type TokenUsage struct {
	PromptTokens     uint32 `msgpack:"prompt_tokens"`
	CompletionTokens uint32 `msgpack:"completion_tokens"`
	TotalTokens      uint32 `msgpack:"total_tokens"`
}

// extra-field: the service's struct has a field the contract does not know, always written.
type TokenUsageExtra struct {
	PromptTokens     uint32 `msgpack:"prompt_tokens"`
	CompletionTokens uint32 `msgpack:"completion_tokens"`
	TotalTokens      uint32 `msgpack:"total_tokens"`
	CachedTokens     uint32 `msgpack:"cached_tokens"`
}

// ---- codecs ----

func unmarshal[T any](b []byte) (v T, err error) { return v, msgpack.Unmarshal(b, &v) }

// marshal is the library's one-call default: integers at the full width of their Go type, maps unsorted.
func marshal[T any](v T) ([]byte, error) { return msgpack.Marshal(&v) }

// careful writes integers in their smallest form and sorts the keys of the maps the library can sort
// (map[string]string): what examples/own-peers/go does, so that only the mutant's own bug shows.
func careful[T any](v T) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.UseCompactInts(true)
	enc.SetSortMapKeys(true)
	err := enc.Encode(&v)
	return buf.Bytes(), err
}

// compactOnly writes integers in their smallest form but leaves map keys in Go's (random) iteration order.
func compactOnly[T any](v T) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.UseCompactInts(true)
	err := enc.Encode(&v)
	return buf.Bytes(), err
}

// stopWords is how the service builds its stop list: append to a nil slice. No stop words leaves it nil,
// and a nil slice goes out as `c0`, where the contract declares a list (never null).
func stopWords(p PipelineParams) (PipelineParams, error) {
	var stop []string
	for _, s := range p.Stop {
		if strings.TrimSpace(s) != "" { // blank stop words are dropped
			stop = append(stop, s)
		}
	}
	p.Stop = stop
	return p, nil
}

func main() {
	mutant := os.Getenv("MSGPACT_MUTANT")
	p := peer.New(peer.Info{Language: "go", Library: "github.com/vmihailenco/msgpack/v5", ContractsHash: ""})
	switch mutant {
	case "fixed-ints":
		// msgpack.Marshal: uint32/int64/int8 fields at the full width of their Go type (UseCompactInts
		// cannot be reached through Marshal).
		peer.Register(p, "pipeline.PipelineParams", unmarshal[PipelineParams], marshal[PipelineParams])
	case "untagged":
		peer.Register(p, "chat.ChatRequest", unmarshal[ChatRequestUntagged], careful[ChatRequestUntagged])
	case "omitempty":
		peer.Register(p, "chat.ChatRequest", unmarshal[ChatRequestOmitempty], careful[ChatRequestOmitempty])
	case "nil-slice":
		peer.Register(p, "pipeline.PipelineParams", func(b []byte) (PipelineParams, error) {
			v, err := unmarshal[PipelineParams](b)
			if err != nil {
				return v, err
			}
			return stopWords(v)
		}, careful[PipelineParams])
	case "wrap-int32":
		peer.Register(p, "common.TokenUsage", unmarshal[TokenUsageInt32], careful[TokenUsageInt32])
	case "map-order":
		peer.Register(p, "pipeline.PipelineParams", unmarshal[PipelineParams], compactOnly[PipelineParams])
	case "extra-field":
		peer.Register(p, "common.TokenUsage", unmarshal[TokenUsageExtra], careful[TokenUsageExtra])
	case "no-checks":
		peer.Register(p, "common.TokenUsage", unmarshal[TokenUsage], careful[TokenUsage])
		peer.Register(p, "chat.ChatTurn", unmarshal[ChatTurn], careful[ChatTurn])
	default:
		fmt.Fprintf(os.Stderr, "mutant-peer-go: MSGPACT_MUTANT=%q is not one of fixed-ints, untagged, omitempty, nil-slice, wrap-int32, map-order, extra-field, no-checks\n", mutant)
		os.Exit(2)
	}
	p.Run()
}
