package bindings

import (
	"os"

	// The cgo constructor that joins user and time namespaces in children
	// before the Go runtime starts (osthread rule 6). Linked here so that
	// every program embedding nsh has it, not only main.
	_ "github.com/nsh-lua/nsh/bindings/core/nsenter"
)

// Init must be the first call in main() of any program that embeds nsh:
// child processes nsh starts are the same binary re-executed with a marker,
// and Init runs the child's work and exits when the process is such a child.
// In the parent it returns at once.
func Init() {
	if isSpawnChild() {
		os.Exit(spawnChildMain())
	}
}
