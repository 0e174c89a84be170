package peer

// This file exists to run a peer's life (protocol sections 1 and 4): read the
// environment, connect, subscribe with the queue group, say ready, answer
// requests on a pool of workers with their reply headers, and on
// SIGTERM/SIGINT drain in order so that every request already received is
// answered before the process exits 0. What a payload's status is, is decided
// by Roundtrip (peer.go), without NATS; the handshake is built in hello.go.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
)

// stopTimeout bounds the whole of a shutdown: answering the requests already
// received and flushing the replies.
const stopTimeout = StopTimeoutSeconds * time.Second

// Run reads the configuration from the MSGPACT_* environment variables and
// serves until SIGTERM or SIGINT (then drains) or until the NATS connection
// closes for good; then it returns, so that main returns and the process
// exits 0. A peer that cannot start does not return: Run prints why and exits
// with status ExitConfigError (2) for a configuration problem (a missing
// MSGPACT_* variable, no type registered) or ExitNATSUnreachable (1)
// otherwise (NATS cannot be reached, the subscription is refused).
func (p *Peer) Run() {
	err := func() error {
		cfg, err := ConfigFromEnv()
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		defer stop()
		return p.Serve(ctx, cfg)
	}()
	if err != nil {
		fmt.Fprintf(p.stderr(), "msgpact-peer: error: %v\n", err)
		if IsConfigError(err) {
			os.Exit(ExitConfigError)
		}
		os.Exit(ExitNATSUnreachable)
	}
}

// Serve connects to NATS as cfg says and serves until ctx is done (then drains
// and returns nil) or the connection closes for good (returns nil). It
// returns an error when it cannot start: bad configuration, no connection, or
// a refused subscription. It prints ReadyLine once it is subscribed.
func (p *Peer) Serve(ctx context.Context, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if err := p.freeze(); err != nil {
		return err
	}
	log := &lockedWriter{w: p.stderr()}
	helloBody := p.hello(cfg.Name, cfg.ContractsHash, log).marshal()

	closed := make(chan struct{})
	var closeOnce sync.Once
	opts := append(slices.Clone(p.NATSOptions),
		nats.Name("msgpact-peer "+cfg.Name),
		nats.ClosedHandler(func(*nats.Conn) { closeOnce.Do(func() { close(closed) }) }),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				fmt.Fprintf(log, "msgpact-peer: disconnected from NATS: %v\n", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			fmt.Fprintf(log, "msgpact-peer: reconnected to %s\n", nc.ConnectedUrlRedacted())
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			fmt.Fprintf(log, "msgpact-peer: NATS error: %v\n", err)
		}),
	)
	if cfg.NATSCreds != "" {
		opts = append(opts, nats.UserCredentials(cfg.NATSCreds))
	}
	nc, err := nats.Connect(cfg.NATSURL, opts...)
	if err != nil {
		return fmt.Errorf("connect to NATS at %s: %w", cfg.NATSURL, err)
	}
	defer nc.Close()

	// Workers take messages from the subscription's callback one at a time;
	// while all are busy the callback waits and nats.go queues the rest in
	// the subscription's pending list. quit releases workers and callback.
	work := make(chan *nats.Msg)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	for range p.workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case m := <-work:
					p.serveOne(nc, m, helloBody, log)
				case <-quit:
					return
				}
			}
		}()
	}
	stopWorkers := func() { close(quit); wg.Wait() }

	sub, err := nc.QueueSubscribe(cfg.Subject(), QueueGroup, func(m *nats.Msg) {
		select {
		case work <- m:
		case <-quit: // connection gone: nobody to answer
		}
	})
	if err == nil {
		err = nc.Flush()
	}
	if err == nil {
		err = nc.LastError() // e.g. a permissions violation for the subscription
	}
	if err != nil {
		stopWorkers()
		return fmt.Errorf("subscribe to %s: %w", cfg.Subject(), err)
	}
	fmt.Fprintln(log, ReadyLine)

	select {
	case <-ctx.Done():
		fmt.Fprintln(log, "msgpact-peer: stopping: answering the requests already received")
		deadline := time.Now().Add(stopTimeout)
		if err := sub.Drain(); err != nil {
			fmt.Fprintf(log, "msgpact-peer: drain: %v\n", err)
		}
		// A drained subscription becomes invalid once every pending message
		// was handed over (Subscription.StatusChanged would say so too, but
		// only from nats.go v1.34 on: polling keeps older versions usable).
	drain:
		for sub.IsValid() {
			select {
			case <-closed:
				break drain
			case <-time.After(10 * time.Millisecond):
				if time.Now().After(deadline) {
					fmt.Fprintln(log, "msgpact-peer: drain timed out")
					break drain
				}
			}
		}
		stopWorkers() // every handed-over message is answered before this returns
		flushFor := max(time.Until(deadline), 100*time.Millisecond)
		if err := nc.FlushTimeout(flushFor); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
			fmt.Fprintf(log, "msgpact-peer: flush: %v\n", err)
		}
		return nil
	case <-closed:
		stopWorkers()
		if err := nc.LastError(); err != nil {
			fmt.Fprintf(log, "msgpact-peer: NATS connection closed for good (%v); exiting\n", err)
		} else {
			fmt.Fprintln(log, "msgpact-peer: NATS connection closed for good; exiting")
		}
		return nil
	}
}

// serveOne answers one request. Publishing can fail when the re-encoded
// payload exceeds the server's max_payload: that is answered too, so that the
// runner sees an error rather than a timeout.
func (p *Peer) serveOne(nc *nats.Conn, m *nats.Msg, helloBody []byte, log io.Writer) {
	if m.Reply == "" {
		fmt.Fprintf(log, "msgpact-peer: ignored a message on %s without a reply subject\n", m.Subject)
		return
	}
	r := p.answer(m, helloBody, func(pe *PanicError) {
		fmt.Fprintf(log, "msgpact-peer: recovered %v\n%s", pe, pe.Stack)
	})
	err := m.RespondMsg(r.msg())
	if errors.Is(err, nats.ErrMaxPayload) {
		r = failure(r.caseID, StatusInternalError, "reply of %d bytes exceeds the NATS server's max_payload of %d bytes",
			len(r.body), nc.MaxPayload())
		err = m.RespondMsg(r.msg())
	}
	if err != nil {
		fmt.Fprintf(log, "msgpact-peer: reply on %s: %v\n", m.Subject, err)
	}
}

func (p *Peer) workers() int {
	if p.Concurrency > 0 {
		return p.Concurrency
	}
	return max(2, runtime.GOMAXPROCS(0))
}

func (p *Peer) stderr() io.Writer {
	if p.Stderr != nil {
		return p.Stderr
	}
	return os.Stderr
}

// lockedWriter serialises writes from the workers to one log.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

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
		caseID, hasCase := headerValue(m.Header, HeaderCase)
		typeName, hasType := headerValue(m.Header, HeaderType)
		switch {
		case !hasCase && !hasType:
			return failure("", StatusInternalError, "missing header %s, %s", HeaderCase, HeaderType)
		case !hasCase:
			return failure("", StatusInternalError, "missing header %s", HeaderCase)
		case !hasType:
			return failure(caseID, StatusInternalError, "missing header %s", HeaderType)
		}
		rt, ok := p.types[typeName] // read without locks: the table is frozen while serving
		o := p.roundtrip(typeName, rt, ok, m.Data, onPanic)
		return reply{caseID: caseID, status: o.Status, errMsg: o.Error, body: o.Payload}
	default:
		caseID, _ := headerValue(m.Header, HeaderCase)
		return failure(caseID, StatusInternalError, "unknown operation %q (this peer serves %s and %s)", op, OpHello, OpRoundtrip)
	}
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
