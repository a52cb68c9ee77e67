//go:build linux

package bindings

import (
	"flag"
	"os"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

func TestMain(m *testing.M) {
	Init()
	flag.Parse()
	if contained() && fuzzing() {
		// The fuzzing coordinator in its sandbox, and its workers: the
		// engine stops workers at the deadline, maybe in the middle of an
		// input, and one still exiting would fail the run-wide checks.
		// Each input checks that it left nothing (fuzzOne), and whatever
		// a stopped worker left goes with the sandbox's namespaces.
		os.Exit(m.Run())
	}
	os.Exit(testutil.Main(m))
}
