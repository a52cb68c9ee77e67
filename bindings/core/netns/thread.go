//go:build linux

package netns

import "github.com/nsh-lua/nsh/bindings/core/osthread"

// startThrowaway starts fn on a locked OS thread that is not the main
// thread, without waiting for it, and lets that thread die with whatever
// namespace fn moved it into (osthread rules 1 and 2): fn reports back on
// its own.
func startThrowaway(fn func()) { osthread.Go(fn) }
