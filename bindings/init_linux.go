//go:build linux

package bindings

import (
	"sync"

	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/modules/ns"
)

var registerMains sync.Once

// registerChildMains registers the child mains, explicitly and once: from
// Init, and from New for a program that forgot Init (its children are then
// stopped with a clear message rather than refused as unknown).
func registerChildMains() {
	registerMains.Do(func() { spawn.RegisterMain(ns.CloneMain, cloneChild) })
}

// isSpawnChild reports whether this process is a child nsh started.
func isSpawnChild() bool {
	registerChildMains()
	return spawn.IsChild()
}

func spawnChildMain() int   { return spawn.ChildMain() }
func prepareRuntime() error { return spawn.Prepare() }
