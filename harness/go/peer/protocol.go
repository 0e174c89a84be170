package peer

// This file exists to give the wire-level names of docs/peer-protocol.md one
// home, so that the SDK, its tests and any Go client of the protocol spell
// them the same way.

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

// MaxErrorBytes bounds the Msgpact-Error header value.
const MaxErrorBytes = 1000

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

// Environment variables the runner sets when it starts a peer.
const (
	EnvNATSURL       = "MSGPACT_NATS_URL"
	EnvNATSCreds     = "MSGPACT_NATS_CREDS"
	EnvSubjectPrefix = "MSGPACT_SUBJECT_PREFIX"
	EnvPeer          = "MSGPACT_PEER"
)
