//go:build !linux

package bindings

import "runtime"

// goLockedOffMain runs fn on a new goroutine locked to its OS thread.
func goLockedOffMain(fn func()) {
	go func() {
		runtime.LockOSThread()
		fn()
	}()
}

// prepareVMThread has nothing to do where there are no namespaces.
func prepareVMThread() error { return nil }

// threadNamespaces is empty where there are no namespaces.
func threadNamespaces() map[string]string { return map[string]string{} }
