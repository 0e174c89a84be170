module github.com/msgpact/msgpact/harness/go/peer

go 1.22

require (
	github.com/nats-io/nats.go v1.31.0
	github.com/vmihailenco/msgpack/v5 v5.0.0
)

require (
	github.com/klauspost/compress v1.17.0 // indirect
	github.com/nats-io/nkeys v0.4.5 // indirect
	github.com/nats-io/nuid v1.0.1 // indirect
	github.com/vmihailenco/tagparser v0.1.2 // indirect
	golang.org/x/crypto v0.6.0 // indirect
	golang.org/x/sys v0.5.0 // indirect
)
