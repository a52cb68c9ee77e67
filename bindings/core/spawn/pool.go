//go:build linux

package spawn

import (
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
)

// A joined thread is a locked OS thread that entered one set of existing
// namespaces and starts every child that asks for exactly that set, so
// repeated ns.spawn{join=h} pays for neither a thread nor the setns calls
// each time. It lives while it has children (their Pdeathsig is tied to
// it, osthread rule 9) and for idleTTL after the last one, then exits
// locked, so the thread dies with its namespaces (osthread rule 2) and pins
// nothing for long.
type joinedThread struct {
	key  string
	jobs chan func()
	live int // children started here and not yet reaped; guarded by pool.Mutex
}

const idleTTL = 20 * time.Millisecond

var pool struct {
	sync.Mutex
	threads map[string]*joinedThread
}

// poolable reports whether the plan's only thread work is joining.
func (pl *plan) poolable() bool {
	return len(pl.threadJoins) > 0 && pl.threadNew == 0 && (pl.reexec || len(pl.spec.Steps) == 0)
}

func joinKey(hs []*nsfs.Handle) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "%s:%d:%d ", h.Type(), h.Dev(), h.Inode())
	}
	return b.String()
}

// startPooled starts the child from the joined thread for the plan's set.
func startPooled(pl *plan, p *Process) error {
	t, err := joinedThreadFor(pl.threadJoins)
	if err != nil {
		return err
	}
	var cmd *exec.Cmd
	done := make(chan struct{})
	t.jobs <- func() {
		cmd, err = launch(pl, p)
		close(done)
	}
	<-done
	if err != nil {
		t.release()
		close(p.done)
		return err
	}
	go func() {
		reap(p, cmd)
		t.release()
	}()
	return nil
}

// joinedThreadFor returns the live thread for the set hs, counting one
// more child on it, or makes one.
func joinedThreadFor(hs []*nsfs.Handle) (*joinedThread, error) {
	key := joinKey(hs)
	pool.Lock()
	if t := pool.threads[key]; t != nil {
		t.live++
		pool.Unlock()
		return t, nil
	}
	pool.Unlock()
	t := &joinedThread{key: key, jobs: make(chan func()), live: 1}
	ready := make(chan error, 1)
	osthread.Go(func() { t.serve(hs, ready) }) // exits locked: the thread dies
	if err := <-ready; err != nil {
		return nil, err
	}
	pool.Lock()
	if pool.threads == nil {
		pool.threads = map[string]*joinedThread{}
	}
	if old := pool.threads[key]; old == nil {
		pool.threads[key] = t
	}
	pool.Unlock()
	return t, nil
}

func (t *joinedThread) serve(hs []*nsfs.Handle, ready chan<- error) {
	warm()
	if err := enterThread(hs); err != nil {
		ready <- err
		return
	}
	ready <- nil
	idle := time.NewTimer(idleTTL)
	for {
		select {
		case job := <-t.jobs:
			job()
		case <-idle.C:
			if t.retire() {
				return
			}
		}
		idle.Reset(idleTTL)
	}
}

// retire removes the thread from the pool when it has no children left.
func (t *joinedThread) retire() bool {
	pool.Lock()
	defer pool.Unlock()
	if t.live > 0 {
		return false
	}
	if pool.threads[t.key] == t {
		delete(pool.threads, t.key)
	}
	return true
}

func (t *joinedThread) release() {
	pool.Lock()
	t.live--
	pool.Unlock()
}
