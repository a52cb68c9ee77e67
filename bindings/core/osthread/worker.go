//go:build linux

package osthread

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// A Worker is one locked thread kept for short namespace excursions (rule
// 12): each job may move it, with Setns and Unshare, in the types the
// Worker was made for, and after each job the thread goes back to the
// namespaces it had before. Handing a job to a parked thread costs a few
// microseconds where a fresh thread costs tens. The thread is started on
// the first job, never on the main thread, gets a private fs struct, and
// is never unlocked; if it cannot go back after a job it dies, and the
// next job starts a new one. Jobs run one at a time.
type Worker struct {
	types int
	mu    sync.Mutex
	jobs  chan func() // nil: no live thread
}

// NewWorker returns a Worker whose jobs may change namespaces of the
// CLONE_NEW* types in types: net, uts, ipc or cgroup (mnt could not come
// back with the same root, pid and time not at all, user not in).
func NewWorker(types int) *Worker {
	const switchable = unix.CLONE_NEWNET | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWCGROUP
	if types == 0 || types&^switchable != 0 {
		panic(fmt.Sprintf("osthread.NewWorker: types %#x: must be among net, uts, ipc, cgroup", types))
	}
	return &Worker{types: types}
}

// Do runs job on the worker's thread and returns its error, joined with
// the error of the way back when that failed (it wraps ErrStranded). The
// thread is in the process's namespaces when job starts.
func (w *Worker) Do(job func() error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.jobs == nil {
		if err := w.start(); err != nil {
			return err
		}
	}
	res := make(chan workResult, 1)
	w.jobs <- func() { res <- w.run(job) }
	r := <-res
	if r.stranded {
		w.jobs = nil // its goroutine ended: the thread dies
	}
	return r.err
}

type workResult struct {
	err      error
	stranded bool
}

// start starts the worker's thread and waits until it is ready.
func (w *Worker) start() error {
	jobs := make(chan func())
	ready := make(chan error, 1)
	Go(func() { // never released: it ends only when it could not go back
		if err := privateFS(); err != nil {
			ready <- fmt.Errorf("worker: %w", err)
			return
		}
		ready <- nil
		for job := range jobs {
			job()
			if Moved() {
				return
			}
		}
	})
	if err := <-ready; err != nil {
		return err
	}
	w.jobs = jobs
	return nil
}

// run runs job on the worker thread and brings the thread back: one setns
// per type through descriptors of its own namespaces, opened before job.
func (w *Worker) run(job func() error) workResult {
	home, err := openHome(w.types)
	if err != nil {
		return workResult{err: err}
	}
	defer closeHome(home)
	err = job()
	if movedTypes()&^w.types != 0 {
		return workResult{errors.Join(err, fmt.Errorf("%w: the job changed %s", ErrStranded, flagNames(movedTypes()&^w.types))), true}
	}
	for _, h := range home {
		if movedTypes()&h.flag == 0 {
			continue
		}
		if back := unix.Setns(h.fd, h.flag); back != nil {
			return workResult{errors.Join(err, fmt.Errorf("%w: setns %s: %w", ErrStranded, flagNames(h.flag), back)), true}
		}
		setMoved(movedTypes() &^ h.flag)
	}
	return workResult{err: err}
}

type homeNS struct{ fd, flag int }

// openHome opens the calling thread's namespaces of the types in flags.
func openHome(flags int) ([]homeNS, error) {
	var out []homeNS
	for _, t := range typeNames {
		if flags&t.flag == 0 {
			continue
		}
		fd, err := unix.Open("/proc/thread-self/ns/"+t.name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			closeHome(out)
			return nil, fmt.Errorf("worker: open own %s namespace: %w", t.name, err)
		}
		out = append(out, homeNS{fd, t.flag})
	}
	return out, nil
}

func closeHome(hs []homeNS) {
	for _, h := range hs {
		unix.Close(h.fd)
	}
}
