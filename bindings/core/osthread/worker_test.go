//go:build linux

package osthread

import (
	"errors"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

type jobSeen struct {
	tid        int
	net, uts   string
	moved, off bool
}

func look() jobSeen {
	return jobSeen{tid: unix.Gettid(), net: threadNS("net"), uts: threadNS("uts"), moved: Moved(), off: !OnMain()}
}

// TestWorkerGoesHome: a job that moves the worker into a new network
// namespace leaves it there for the job only; the next job runs on the same
// thread, back in the process's namespace, with the registry cleared.
func TestWorkerGoesHome(t *testing.T) {
	testutil.RequireRoot(t)
	w := NewWorker(unix.CLONE_NEWNET)
	var first, away, second jobSeen
	err := w.Do(func() error {
		first = look()
		if err := Unshare(unix.CLONE_NEWNET); err != nil {
			return err
		}
		away = look()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Do(func() error { second = look(); return nil }); err != nil {
		t.Fatal(err)
	}
	if !first.off || first.moved || first.net != processNS("net") {
		t.Fatalf("first job: %+v", first)
	}
	if away.net == first.net || !away.moved {
		t.Fatalf("in the job after unshare: %+v", away)
	}
	if second.tid != first.tid || second.net != first.net || second.moved {
		t.Fatalf("next job: %+v, want thread %d in %s, not moved", second, first.tid, first.net)
	}
}

// TestWorkerDiesStranded: a job that changes a type the worker cannot go
// back from (uts, for a net worker) strands it: Do says so, the thread
// dies with its namespace, and the next job gets a new thread at home.
func TestWorkerDiesStranded(t *testing.T) {
	testutil.RequireRoot(t)
	w := NewWorker(unix.CLONE_NEWNET)
	var first, second jobSeen
	err := w.Do(func() error {
		first = look()
		return Unshare(unix.CLONE_NEWUTS)
	})
	if !errors.Is(err, ErrStranded) {
		t.Fatalf("Do = %v, want ErrStranded", err)
	}
	waitGone(t, first.tid)
	if err := w.Do(func() error { second = look(); return nil }); err != nil {
		t.Fatal(err)
	}
	if second.uts != processNS("uts") || second.moved {
		t.Fatalf("next job: %+v, want a thread in %s", second, processNS("uts"))
	}
}

// TestWorkerJobError: a job's error comes back and the worker stays.
func TestWorkerJobError(t *testing.T) {
	w := NewWorker(unix.CLONE_NEWNET)
	var a, b int
	err := w.Do(func() error { a = unix.Gettid(); return unix.EEXIST })
	if !errors.Is(err, unix.EEXIST) || errors.Is(err, ErrStranded) {
		t.Fatalf("Do = %v", err)
	}
	w.Do(func() error { b = unix.Gettid(); return nil })
	if a != b {
		t.Fatalf("the worker changed thread after a job error: %d, %d", a, b)
	}
}

// TestNewWorkerRefusesTypes: a worker cannot be made for types it could
// not go back from.
func TestNewWorkerRefusesTypes(t *testing.T) {
	for _, flags := range []int{0, unix.CLONE_NEWNS, unix.CLONE_NEWPID, unix.CLONE_NEWNET | unix.CLONE_NEWUSER} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewWorker(%#x) did not refuse", flags)
				}
			}()
			NewWorker(flags)
		}()
	}
}

// TestWorkerEndsIdle: after WorkerIdle without a job the worker's thread
// ends (closing its descriptors), and the next job starts a new one.
func TestWorkerEndsIdle(t *testing.T) {
	w := NewWorker(unix.CLONE_NEWNET)
	var a, b int
	w.Do(func() error { a = unix.Gettid(); return nil })
	waitGone(t, a)
	w.Do(func() error { b = unix.Gettid(); return nil })
	if a == b {
		t.Fatalf("the same thread %d served after it ended", a)
	}
}

// TestWorkerStartOverlaps: Start returns before the job ends, and the
// caller and the job can meet halfway through a channel.
func TestWorkerStartOverlaps(t *testing.T) {
	w := NewWorker(unix.CLONE_NEWNET)
	meet := make(chan int)
	wait := w.Start(func() error {
		meet <- unix.Gettid()
		<-meet
		return errors.New("done")
	})
	tid := <-meet // the job is running while the caller goes on
	if tid == unix.Gettid() {
		t.Fatal("the job ran on the caller's thread")
	}
	meet <- 0
	if err := wait(); err == nil || err.Error() != "done" {
		t.Fatalf("wait: %v, want the job's error", err)
	}
}

// TestWorkerJobOutlivesThread: a job queued on a thread that ends before
// taking it runs once, on a new thread.
func TestWorkerJobOutlivesThread(t *testing.T) {
	w := NewWorker(unix.CLONE_NEWNET)
	doomed := &workerThread{jobs: make(chan func(), 1), gone: make(chan struct{})}
	w.t = doomed // never serves: it ends once the job sits in its queue
	runs := 0
	wait := w.Start(func() error { runs++; return nil })
	if len(doomed.jobs) != 1 {
		t.Fatal("the job was not queued on the current thread")
	}
	close(doomed.gone)
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	if runs != 1 || w.t == doomed {
		t.Fatalf("the job ran %d times; thread replaced: %v", runs, w.t != doomed)
	}
}
