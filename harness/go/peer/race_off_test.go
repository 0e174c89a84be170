//go:build !race

package peer_test

// This file exists as the counterpart of race_on_test.go.
const raceEnabled = false
