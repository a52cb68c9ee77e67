package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// interruption is the signal that stopped nsh. The runtime returns it as
// the cause its running script was cancelled with, so the script ends with
// it instead of "context canceled" and a traceback.
type interruption struct{ sig syscall.Signal }

func (i *interruption) Error() string {
	if i.sig == syscall.SIGTERM {
		return "terminated"
	}
	return "interrupted"
}

// status is the shell's convention for a signal: 128 + its number (130
// after SIGINT, 143 after SIGTERM).
func (i *interruption) status() int { return 128 + int(i.sig) }

// signalWatch catches SIGINT and SIGTERM from start to exit. The first one
// cancels ctx with an *interruption; nsh then cleans up exactly as after
// any error (children killed, labs torn down) and exits with its status.
// Signals that come while nsh cleans up are announced, never obeyed, so a
// second Ctrl-C cannot leave a lab half torn down.
type signalWatch struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	ch     chan os.Signal
	quit   chan struct{}

	mu       sync.Mutex
	got      *interruption
	cleaning bool
}

// watchSignals starts catching SIGINT and SIGTERM.
func watchSignals() *signalWatch {
	ctx, cancel := context.WithCancelCause(context.Background())
	w := &signalWatch{ctx: ctx, cancel: cancel, ch: make(chan os.Signal, 8), quit: make(chan struct{})}
	w.resume()
	go w.loop()
	return w
}

func (w *signalWatch) resume() { signal.Notify(w.ch, syscall.SIGINT, syscall.SIGTERM) }

// pause hands the signals back, for the REPL, which reads Ctrl-C itself.
func (w *signalWatch) pause() { signal.Stop(w.ch) }

func (w *signalWatch) loop() {
	for {
		select {
		case s := <-w.ch:
			w.receive(s.(syscall.Signal))
		case <-w.quit:
			return
		}
	}
}

func (w *signalWatch) receive(sig syscall.Signal) {
	w.mu.Lock()
	first, cleaning := w.got == nil, w.cleaning
	if first {
		w.got = &interruption{sig}
	}
	w.mu.Unlock()
	switch {
	case first && !cleaning:
		w.cancel(w.got)
	case first:
		fmt.Fprintf(os.Stderr, "nsh: %v: finishing cleanup first (stopping children, tearing down labs)\n", &interruption{sig})
	default:
		fmt.Fprintln(os.Stderr, "nsh: still cleaning up (stopping children, tearing down labs); nsh exits when that is done")
	}
}

// stopped returns the signal that stopped nsh, or nil.
func (w *signalWatch) stopped() *interruption {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.got
}

// finish says why nsh stops when a signal stopped it, runs cleanup with
// signals still caught, and returns the exit status: code, or the
// signal's status when one came, in which case the signals stay caught
// until the process exits.
func (w *signalWatch) finish(code int, cleanup func()) int {
	w.resume()
	w.mu.Lock()
	w.cleaning = true
	got := w.got
	w.mu.Unlock()
	if got != nil {
		fmt.Fprintf(os.Stderr, "nsh: %v\n", got)
	}
	cleanup()
	if got := w.stopped(); got != nil {
		// Still caught: nsh exits with the signal's status right away,
		// and one more Ctrl-C must not kill it by the default action
		// first (which would report death by SIGINT, not status 130).
		return got.status()
	}
	signal.Stop(w.ch)
	close(w.quit)
	return code
}
