package peer

// This file exists because a peer must never die of a payload: a panic inside
// an application's decoder or encoder becomes an internal-error reply carrying
// the panic text, and the stack goes to standard error for the run's log.

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// PanicError is the error a recovered panic in a decode or encode function
// turns into. Its reply status is internal-error.
type PanicError struct {
	Stage string // "decode" or "encode"
	Type  string // the message type being served
	Value any    // what was passed to panic
	Stack []byte // the goroutine's stack at the panic
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic in %s of %s: %v", e.Stage, e.Type, e.Value)
}

// guard runs f and turns a panic into a *PanicError.
func guard[R any](stage, typeName string, f func() (R, error)) (r R, err error) {
	defer func() {
		if v := recover(); v != nil {
			var zero R
			r, err = zero, &PanicError{Stage: stage, Type: typeName, Value: v, Stack: debug.Stack()}
		}
	}()
	return f()
}

// statusFor is the reply status for an error of a stage whose ordinary
// failure status is normal.
func statusFor(err error, normal Status) Status {
	var pe *PanicError
	if errors.As(err, &pe) {
		return StatusInternalError
	}
	return normal
}
