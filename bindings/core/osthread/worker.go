//go:build linux

package osthread

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// A Worker is one locked thread kept for short namespace excursions (rule
// 12): each job may move it, with Setns and Unshare, in the types the
// Worker was made for, and after each job the thread goes back to the
// namespaces it had before, through descriptors of them it opened when it
// started and keeps. The thread is started on the first job, never on the
// main thread, gets a private fs struct, and is never unlocked; if it
// cannot go back it dies, and the next job starts a new one. It also ends
// (dies, closing its descriptors) after WorkerIdle without a job, so an
// idle process keeps neither a thread nor descriptors. Jobs run one at a
// time, each on a thread in the process's namespaces.
//
// A job's result goes to its caller before the thread goes back, so the
// way back costs the caller nothing.
type Worker struct {
	types int
	mu    sync.Mutex
	t     *workerThread // nil: none started yet
}

// WorkerIdle is how long a Worker's thread waits for a job before it ends.
const WorkerIdle = 100 * time.Millisecond

// workerThread is one thread's life as a Worker's.
type workerThread struct {
	tid  int
	home []homeNS
	jobs chan func()
	gone chan struct{} // closed when its goroutine ended: the thread dies
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

// Do runs job on the worker's thread, once it is free, and returns job's
// error. A job that changed a type the Worker cannot go back from returns
// its error joined with one wrapping ErrStranded, and its thread dies.
func (w *Worker) Do(job func() error) error {
	return w.Start(job)()
}

// Start hands job to the worker's thread and returns at once; the function
// it returns waits for the job and returns its error, as Do does. The
// caller must call it exactly once. The caller and the job may meet
// meanwhile, through a channel the job reads: netns.Add has the namespace
// made while it creates the file to bind it on.
func (w *Worker) Start(job func() error) (wait func() error) {
	res := make(chan error, 1)
	t, err := w.hand(job, res)
	return func() error {
		for err == nil {
			if jerr, ran := t.await(res); ran {
				return jerr
			}
			t, err = w.hand(job, res) // the thread ended before it took the job
		}
		return err
	}
}

// hand queues job on a running worker thread, starting one if needed, and
// returns that thread; job's error goes to res.
func (w *Worker) hand(job func() error, res chan<- error) (*workerThread, error) {
	for {
		t, err := w.thread()
		if err != nil {
			return nil, err
		}
		select {
		case t.jobs <- func() { t.run(w.types, job, res) }:
			return t, nil
		case <-t.gone:
		}
	}
}

// thread returns the running worker thread, starting one if there is none
// or the last one ended.
func (w *Worker) thread() (*workerThread, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.t != nil {
		select {
		case <-w.t.gone:
			w.t = nil
		default:
			return w.t, nil
		}
	}
	t, err := w.start()
	if err != nil {
		return nil, err
	}
	w.t = t
	return t, nil
}

// start starts a worker thread and waits until it is ready.
func (w *Worker) start() (*workerThread, error) {
	t := &workerThread{jobs: make(chan func(), 1), gone: make(chan struct{})}
	ready := make(chan error, 1)
	Go(func() { // never released: it ends only idle or stranded, and dies
		defer close(t.gone)
		if err := t.prepare(w.types); err != nil {
			ready <- err
			return
		}
		defer closeHome(t.home)
		ready <- nil
		t.serve()
	})
	if err := <-ready; err != nil {
		return nil, err
	}
	return t, nil
}

// prepare gives the worker thread a private fs struct and opens its own
// namespaces of the given types, the way back.
func (t *workerThread) prepare(types int) error {
	t.tid = unix.Gettid()
	if err := privateFS(); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	home, err := openHome(types)
	t.home = home
	return err
}

// serve runs jobs until the thread has been idle for WorkerIdle or could
// not go back. A job left in its queue when it ends is never run: its
// caller sees the thread gone and hands the job to a new one.
//
// Neither side of a hand-off polls instead of sleeping: measured, a thread
// spinning in user space on the other CPU made netns.add three times
// slower, as the kernel work of unshare and mount waits for every CPU to
// pass through the scheduler.
func (t *workerThread) serve() {
	idle := time.NewTimer(WorkerIdle)
	defer idle.Stop()
	for {
		select {
		case job := <-t.jobs:
			job()
		case <-idle.C:
			return
		}
		if typesOf(t.tid) != 0 {
			return
		}
		idle.Reset(WorkerIdle)
	}
}

// await waits for the result of a job handed to t: true and the job's
// error, or false when the thread ended without taking the job.
func (t *workerThread) await(res <-chan error) (error, bool) {
	select {
	case err := <-res:
		return err, true
	case <-t.gone:
		select { // it may have answered just before it ended
		case err := <-res:
			return err, true
		default:
			return nil, false
		}
	}
}

// run runs job on the worker thread, hands its error to the caller on
// res, and then brings the thread back: one setns per type moved. Whatever
// it cannot bring back stays in the registry, and the thread ends.
func (t *workerThread) run(types int, job func() error, res chan<- error) {
	err := job()
	if extra := typesOf(t.tid) &^ types; extra != 0 {
		res <- errors.Join(err, fmt.Errorf("%w: the job changed %s", ErrStranded, flagNames(extra)))
		return
	}
	res <- err
	t.goHome()
}

// goHome brings the thread back into its namespaces that the registry
// says it left.
func (t *workerThread) goHome() {
	for _, h := range t.home {
		left := typesOf(t.tid)
		if left&h.flag == 0 {
			continue
		}
		if unix.Setns(h.fd, h.flag) != nil {
			return
		}
		setTypes(t.tid, left&^h.flag)
	}
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
