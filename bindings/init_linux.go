//go:build linux

package bindings

import (
	"sync"

	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/modules/ns"
)

var registerMains sync.Once

// isSpawnChild registers the child mains, explicitly and once, and reports
// whether this process is a child nsh started.
func isSpawnChild() bool {
	registerMains.Do(func() { spawn.RegisterMain(ns.CloneMain, cloneChild) })
	return spawn.IsChild()
}

func spawnChildMain() int   { return spawn.ChildMain() }
func prepareRuntime() error { return spawn.Prepare() }
