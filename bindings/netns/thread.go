//go:build linux

package netns

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// onThrowawayThread runs fn on a locked OS thread that is not the main
// thread, waits for it, and lets that thread die: its goroutine exits
// without unlocking, so the Go runtime terminates the thread, and whatever
// namespace fn moved it into goes with it (DESIGN.md, thread rules 1–2).
// A fresh thread costs about 35µs; keeping a spare thread ready measured
// slower (waking a parked thread costs more than making one).
func onThrowawayThread(fn func()) {
	done := make(chan struct{})
	startThrowaway(func() {
		defer close(done)
		fn()
	})
	<-done
}

// startThrowaway starts fn on a throwaway thread, as onThrowawayThread
// does, without waiting for it: fn reports back on its own.
func startThrowaway(fn func()) { go runLocked(fn) }

// runLocked runs job on a locked thread that is not the main thread and
// lets that thread die afterwards.
func runLocked(job func()) {
	runtime.LockOSThread()
	if unix.Gettid() == unix.Getpid() {
		// The runtime never kills the main thread: keep it here, clean,
		// and run job on another thread, which cannot be this one while
		// this goroutine holds it.
		done := make(chan struct{})
		go func() {
			defer close(done)
			runLocked(job)
		}()
		<-done
		runtime.UnlockOSThread()
		return
	}
	job()
}
