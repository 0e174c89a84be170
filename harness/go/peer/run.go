package peer

// This file exists to run a peer's life cycle (protocol section 1): read the
// environment, connect, subscribe with the queue group, say ready, serve
// requests on a pool of workers, and on SIGTERM/SIGINT drain in order so that
// every request already received is answered before the process exits 0.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
)

// drainTimeout bounds each step of a shutdown.
const drainTimeout = 10 * time.Second

// RunMain is Run for a main function: on an error it prints it to standard
// error and exits with status 2 for a configuration problem (a missing
// MSGPACT_* variable, no type registered) or 1 otherwise. It returns when the
// peer stopped normally (a signal, or its NATS connection closed for good), so
// that main returns and the process exits 0.
func (p *Peer) RunMain() {
	if err := p.Run(); err != nil {
		fmt.Fprintf(p.stderr(), "msgpact-peer: error: %v\n", err)
		if IsConfigError(err) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// Run reads the configuration from the MSGPACT_* environment variables and
// serves until SIGTERM or SIGINT (then drains and returns nil) or until the
// NATS connection closes for good (returns nil, as the protocol asks).
func (p *Peer) Run() error {
	cfg, err := ConfigFromEnv()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return p.Serve(ctx, cfg)
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
	helloBody := p.hello(cfg.Name, log).marshal()

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
		wg.Go(func() {
			for {
				select {
				case m := <-work:
					p.serveOne(nc, m, helloBody, log)
				case <-quit:
					return
				}
			}
		})
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
		subClosed := sub.StatusChanged(nats.SubscriptionClosed)
		if err := sub.Drain(); err != nil {
			fmt.Fprintf(log, "msgpact-peer: drain: %v\n", err)
		}
		select {
		case <-subClosed:
		case <-closed:
		case <-time.After(drainTimeout):
			fmt.Fprintln(log, "msgpact-peer: drain timed out")
		}
		stopWorkers() // every handed-over message is answered before this returns
		if err := nc.FlushTimeout(drainTimeout); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
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
