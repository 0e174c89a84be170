module example.com/own-peer-go

// The service's own versions (here go 1.24, vmihailenco/msgpack v5.4.1, nats.go v1.48.0): requiring the SDK
// moves none of them, because the SDK's module requires the oldest versions it works with.
go 1.24

require (
	github.com/msgpact/msgpact/harness/go/peer v0.0.0-00010101000000-000000000000
	github.com/vmihailenco/msgpack/v5 v5.4.1
)

require (
	github.com/klauspost/compress v1.18.0 // indirect
	github.com/nats-io/nats.go v1.48.0 // indirect
	github.com/nats-io/nkeys v0.4.11 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
	golang.org/x/crypto v0.37.0 // indirect
	golang.org/x/sys v0.32.0 // indirect
)

// The peer SDK from this repository; a team's own module would require a published version instead.
replace github.com/msgpact/msgpact/harness/go/peer => ../../../harness/go/peer
