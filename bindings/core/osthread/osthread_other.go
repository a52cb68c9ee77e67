//go:build !linux

package osthread

import "runtime"

// Go runs fn on a new goroutine locked to an OS thread. Without Linux
// namespaces there is nothing a thread can carry, so this is all it does:
// the embedding API builds everywhere and refuses namespace work at run
// time.
func Go(fn func()) {
	go func() {
		runtime.LockOSThread()
		fn()
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
