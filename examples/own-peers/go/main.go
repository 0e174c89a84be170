// Command own-peer-go is a team's own Go peer (docs/own-peer.md): its hand-written structs, with the
// vmihailenco/msgpack/v5 calls the service itself uses, served to `msgpact verify` with the peer SDK.
package main

import (
	"bytes"
	"fmt"

	"github.com/msgpact/msgpact/harness/go/peer"
	"github.com/vmihailenco/msgpack/v5"
)

// The application's own types (in a real service: imported from its package). Every field has a
// `msgpack` tag (untagged fields go out under their Go names), and the field order is the contract's.
type TokenUsage struct {
	PromptTokens     uint32 `msgpack:"prompt_tokens"`
	CompletionTokens uint32 `msgpack:"completion_tokens"`
	TotalTokens      uint32 `msgpack:"total_tokens"`
}

type Role string

type ChatTurn struct {
	Role Role   `msgpack:"role"`
	Text string `msgpack:"text"`
}

// marshal writes integers in their smallest form: without UseCompactInts a uint32 is always `ce` + 4 bytes.
// msgpack.Marshal cannot do that, so every message goes through an Encoder.
func marshal[T any](v T) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.UseCompactInts(true)
	err := enc.Encode(&v)
	return buf.Bytes(), err
}

func unmarshal[T any](b []byte) (v T, err error) { return v, msgpack.Unmarshal(b, &v) }

func decodeTurn(b []byte) (ChatTurn, error) {
	t, err := unmarshal[ChatTurn](b)
	if err == nil && t.Role != "user" && t.Role != "assistant" && t.Role != "system" {
		err = fmt.Errorf("role: unknown common.Role %q", t.Role) // the library takes any string
	}
	return t, err
}

func main() {
	p := peer.New(peer.Info{Language: "go", Library: "github.com/vmihailenco/msgpack/v5", ContractsHash: ""})
	peer.Register(p, "common.TokenUsage", unmarshal[TokenUsage], marshal[TokenUsage])
	peer.Register(p, "chat.ChatTurn", decodeTurn, marshal[ChatTurn])
	p.Run() // reads MSGPACT_* from the runner, serves until SIGTERM
}
