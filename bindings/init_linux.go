//go:build linux

package bindings

import "github.com/nsh-lua/nsh/bindings/core/spawn"

func isSpawnChild() bool    { return spawn.IsChild() }
func spawnChildMain() int   { return spawn.ChildMain() }
func prepareRuntime() error { return spawn.Prepare() }
