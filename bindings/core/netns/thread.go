//go:build linux

package netns

import "github.com/nsh-lua/nsh/bindings/core/osthread"

// onThrowawayThread runs fn on a locked OS thread that is not the main
// thread, waits for it, and lets that thread die with whatever namespace fn
// moved it into (DESIGN.md, thread rules 1–2). A fresh thread costs about
// 35µs; keeping a spare thread ready measured slower (waking a parked
// thread costs more than making one).
func onThrowawayThread(fn func()) { osthread.Run(fn) }

// startThrowaway starts fn on a throwaway thread, as onThrowawayThread
// does, without waiting for it: fn reports back on its own.
func startThrowaway(fn func()) { osthread.Go(fn) }
