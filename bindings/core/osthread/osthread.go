// Package osthread runs Go code on OS threads set aside for namespace work.
// Namespaces belong to threads and Go moves goroutines between threads, so
// every goroutine that changes its thread's namespaces starts here: locked
// to a thread that is never the process's main thread (the Go runtime
// never kills the main thread, so one changed there would stay changed),
// and, unless it proves its thread unchanged, exiting still locked so the
// runtime kills the thread (DESIGN rules 1 and 2).
package osthread

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// Go runs fn on a new goroutine locked to an OS thread that is not the main
// thread. fn's goroutine stays locked: when fn returns, the goroutine exits
// and the runtime kills the thread, namespaces and all. fn may call
// runtime.UnlockOSThread first only if it left every namespace as it was.
func Go(fn func()) {
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			fn()
			return
		}
		// This goroutine holds the main thread, so the next one cannot be
		// scheduled there; once it has its own thread, let the main go.
		locked := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			close(locked)
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
