package peer

// This file exists to answer one request (protocol sections 3 and 4): pick the
// operation from the subject, check the headers, run the type's round-trip and
// shape the reply headers, including a Msgpact-Error that is always one line
// of at most 1,000 bytes of valid UTF-8.

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
)

// reply is the answer to one request, before it is published.
type reply struct {
	caseID string // echoed as Msgpact-Case when not empty
	status Status // "" for hello, which has no status header
	errMsg string // Msgpact-Error, already one line
	body   []byte
}

func (r reply) msg() *nats.Msg {
	m := &nats.Msg{Data: r.body}
	if r.status == "" {
		return m
	}
	h := make(nats.Header, 3)
	if r.caseID != "" {
		h[HeaderCase] = []string{r.caseID}
	}
	h[HeaderStatus] = []string{string(r.status)}
	if r.status != StatusOK {
		h[HeaderError] = []string{r.errMsg}
	}
	m.Header = h
	return m
}

func failure(caseID string, status Status, format string, args ...any) reply {
	return reply{caseID: caseID, status: status, errMsg: OneLine(fmt.Sprintf(format, args...))}
}

// operation is the last token of a subject.
func operation(subject string) string {
	return subject[strings.LastIndexByte(subject, '.')+1:]
}

// answer computes the reply to m. helloBody is the marshalled handshake.
// onPanic is called with each recovered panic, for the log.
func (p *Peer) answer(m *nats.Msg, helloBody []byte, onPanic func(*PanicError)) reply {
	switch op := operation(m.Subject); op {
	case OpHello:
		return reply{body: helloBody}
	case OpRoundtrip:
		return p.roundtrip(m.Header, m.Data, onPanic)
	default:
		caseID, _ := headerValue(m.Header, HeaderCase)
		return failure(caseID, StatusInternalError, "unknown operation %q (this peer serves %s and %s)", op, OpHello, OpRoundtrip)
	}
}

func (p *Peer) roundtrip(h nats.Header, body []byte, onPanic func(*PanicError)) reply {
	caseID, hasCase := headerValue(h, HeaderCase)
	typeName, hasType := headerValue(h, HeaderType)
	switch {
	case !hasCase:
		return failure("", StatusInternalError, "missing header %s", HeaderCase)
	case !hasType:
		return failure(caseID, StatusInternalError, "missing header %s", HeaderType)
	}
	rt, ok := p.types[typeName]
	if !ok {
		return failure(caseID, StatusUnknownType, "this peer does not serve %q", typeName)
	}
	if !p.SkipWellFormedCheck {
		if err := CheckWellFormed(body); err != nil {
			return reply{caseID: caseID, status: StatusDecodeError, errMsg: OneLine(err.Error())}
		}
	}
	out, status, err := rt(body)
	if err != nil {
		var pe *PanicError
		if errors.As(err, &pe) && onPanic != nil {
			onPanic(pe)
		}
		return reply{caseID: caseID, status: status, errMsg: OneLine(err.Error())}
	}
	return reply{caseID: caseID, status: StatusOK, body: out}
}

// headerValue returns the first value of header key; ok is false when it is
// absent or empty. NATS header names are case-sensitive on the wire: the exact
// name is tried first, then any spelling that differs only in case.
func headerValue(h nats.Header, key string) (string, bool) {
	if h == nil {
		return "", false
	}
	if v := h[key]; len(v) > 0 {
		return v[0], v[0] != ""
	}
	for k, v := range h {
		if len(v) > 0 && strings.EqualFold(k, key) {
			return v[0], v[0] != ""
		}
	}
	return "", false
}

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
