//go:build !linux

package bindings

func isSpawnChild() bool    { return false }
func spawnChildMain() int   { return 0 }
func prepareRuntime() error { return nil }
func registerChildMains()   {}
