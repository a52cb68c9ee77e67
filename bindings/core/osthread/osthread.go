//go:build linux

package osthread

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// pid is the process's id, its main thread's (Go never forks without exec).
var pid = unix.Getpid()

// OnMain reports whether the calling thread is the process's main thread,
// which never changes namespaces (rule 1).
func OnMain() bool { return unix.Gettid() == pid }

// Go runs fn on a new goroutine locked to an OS thread that is not the main
// thread. fn's goroutine stays locked: when fn returns, the goroutine exits
// and the runtime kills the thread, namespaces and all. fn may call
// Release only if it left every namespace as it was (rule 2).
func Go(fn func()) {
	go func() {
		runtime.LockOSThread()
		if tid := unix.Gettid(); tid != pid {
			clean(tid) // a thread a goroutine may land on is unchanged
			fn()
			return
		}
		// This goroutine holds the main thread, so the next one cannot be
		// scheduled there; once it has its own thread, let the main go.
		locked := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			close(locked)
			clean(unix.Gettid())
			fn()
		}()
		<-locked
		runtime.UnlockOSThread()
	}()
}

// Run runs fn as Go does and waits for it to return.
func Run(fn func()) {
	done := make(chan struct{})
	Go(func() {
		defer close(done)
		fn()
	})
	<-done
}

// Release unlocks the calling goroutine from its thread, which then serves
// other goroutines, when the registry says the thread is unchanged; on a
// moved thread it does nothing, and the goroutine exits locked (rule 2).
// Call it only from a goroutine Go started.
func Release() {
	if !Moved() {
		runtime.UnlockOSThread()
	}
}

// Pin runs fn with the calling goroutine locked to its current thread, for
// work that needs one thread throughout without changing its namespaces.
// A goroutine already locked stays locked. If fn changed them, Pin panics
// and leaves the goroutine locked (rule 2).
func Pin(fn func()) {
	runtime.LockOSThread()
	was := Moved()
	fn()
	if !was && Moved() {
		panic("osthread.Pin: fn changed the thread's namespaces")
	}
	runtime.UnlockOSThread()
}

// LockForChild locks the calling goroutine to its thread for good. It is
// for the main goroutine of a re-executed child that sets itself up and
// then execs, where every step must act on the one thread that execs.
func LockForChild() { runtime.LockOSThread() }
