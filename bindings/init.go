package bindings

import (
	"fmt"
	"os"

	// The cgo constructor that joins user and time namespaces in children
	// before the Go runtime starts (osthread rule 6), and refuses to start
	// under a process limit the runtime cannot live with. Linked here so
	// that every program embedding nsh has it, not only main.
	_ "github.com/nsh-lua/nsh/bindings/core/nsenter"
)

// Init must be the first call in main() of any program that embeds nsh:
// child processes nsh starts are the same binary re-executed with a marker,
// and Init runs the child's work and exits when the process is such a child.
// In the parent it readies the Go runtime for low resource limits (the
// poller is started while descriptors are free) and returns; under an open
// file or process limit nsh cannot run with, it prints one line
// ("nsh: cannot run: …") and exits with status 1. Without Init, starting a
// child fails with "call bindings.Init() at the start of main".
func Init() {
	if isSpawnChild() {
		os.Exit(spawnChildMain())
	}
	if err := prepareRuntime(); err != nil {
		fmt.Fprintf(os.Stderr, "nsh: %v\n", err)
		os.Exit(1)
	}
}
