package peer

// This file exists to give the constants of docs/peer-protocol.md one home,
// with the same names as in the Rust (harness/rust/peer/src/protocol.rs) and
// Python (msgpact_peer/protocol.py) SDKs, and the one-line rule for error
// texts. msgpact's src/peer/protocol.rs holds the one table they all come
// from; its test (tests/sdk/protocol_constants.rs) fails when a copy here differs.

import (
	"strings"
	"unicode/utf8"
)

// ProtocolVersion is the `protocol` number this package speaks in `hello`.
const ProtocolVersion = 1

// QueueGroup is the NATS queue group every peer subscribes with, so that
// several instances of one peer share the load.
const QueueGroup = "msgpact"

// ReadyLine is printed to standard error once the peer is subscribed.
const ReadyLine = "msgpact-peer ready"

// Operations: the last token of `<prefix>.<peer>.<operation>`.
const (
	OpHello     = "hello"
	OpRoundtrip = "roundtrip"
)

// Header names of the roundtrip request and reply.
const (
	HeaderType   = "Msgpact-Type"
	HeaderCase   = "Msgpact-Case"
	HeaderStatus = "Msgpact-Status"
	HeaderError  = "Msgpact-Error"
)

// Status is the value of the Msgpact-Status reply header.
type Status string

// The statuses a roundtrip reply can carry.
const (
	StatusOK            Status = "ok"
	StatusDecodeError   Status = "decode-error"
	StatusEncodeError   Status = "encode-error"
	StatusUnknownType   Status = "unknown-type"
	StatusInternalError Status = "internal-error"
)

// MaxErrorBytes bounds the Msgpact-Error header value.
const MaxErrorBytes = 1000

// Environment variables the runner sets when it starts a peer.
// EnvContractsHash is optional: the wire hash of the run's contracts, which
// hello reports when the application's Info gives none.
const (
	EnvNATSURL       = "MSGPACT_NATS_URL"
	EnvNATSCreds     = "MSGPACT_NATS_CREDS"
	EnvSubjectPrefix = "MSGPACT_SUBJECT_PREFIX"
	EnvPeer          = "MSGPACT_PEER"
	EnvContractsHash = "MSGPACT_CONTRACTS_HASH"
)

// Exit statuses of a peer that cannot start, and the time a stopping peer
// has to answer the requests it has received.
const (
	ExitConfigError     = 2
	ExitNATSUnreachable = 1
	StopTimeoutSeconds  = 5
)

// OneLine makes s fit the Msgpact-Error header: valid UTF-8, no control or
// line-breaking characters (each becomes a space), trimmed, never empty, and
// at most MaxErrorBytes bytes, cut on a character boundary and ending in "…"
// when it had to be shortened.
func OneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (0x80 <= r && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if s == "" {
		return "(the library gave no error message)"
	}
	if len(s) <= MaxErrorBytes {
		return s
	}
	const ellipsis = "…"
	cut := MaxErrorBytes - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}
