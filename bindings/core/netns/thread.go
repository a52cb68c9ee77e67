//go:build linux

package netns

import "github.com/nsh-lua/nsh/bindings/core/osthread"

// onThrowawayThread runs fn on a locked OS thread that is not the main
// thread, waits for it, and lets that thread die with whatever namespace fn
// moved it into (osthread rules 1 and 2).
func onThrowawayThread(fn func()) { osthread.Run(fn) }

// startThrowaway starts fn on a throwaway thread, as onThrowawayThread
// does, without waiting for it: fn reports back on its own.
func startThrowaway(fn func()) { osthread.Go(fn) }
