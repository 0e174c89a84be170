// The Go reference peer of msgpact (cmd/msgpact-peer-go), the types msgpact codegen generates (generated/) and
// their tests: msgpact's own, with today's pins. The SDK is its own module in peer/ (its go.mod requires the
// oldest versions it works with); the replace below builds this module with the SDK as it is in the checkout.
module github.com/msgpact/msgpact/harness/go

go 1.26.0

require (
	github.com/msgpact/msgpact/harness/go/peer v0.0.0-00010101000000-000000000000
	github.com/nats-io/nats.go v1.55.0
	github.com/vmihailenco/msgpack/v5 v5.4.1
)

require (
	github.com/klauspost/compress v1.20.0 // indirect
	github.com/nats-io/nkeys v0.4.16 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
	golang.org/x/crypto v0.57.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

replace github.com/msgpact/msgpact/harness/go/peer => ./peer
