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
func onThrowawayThread(fn func()) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			// The runtime never kills the main thread: keep it here, clean,
			// and run fn on another thread, which cannot be this one while
			// this goroutine holds it.
			onThrowawayThread(fn)
			runtime.UnlockOSThread()
			close(done)
			return
		}
		defer close(done)
		fn()
	}()
	<-done
}
