//go:build linux

package bindings

import "github.com/nsh-lua/nsh/bindings/core/osthread"

// prepareVMThread readies the locked VM thread (osthread rules 1 and 3):
// never the main thread, with a private fs struct so that a later
// mount-namespace change on it cannot move the root of other threads.
func prepareVMThread() error { return osthread.PrepareVM() }

// movedNamespaces lists the calling thread's namespaces that differ from
// the process's, from the one registry of thread changes.
func movedNamespaces() []string { return osthread.Changed() }
