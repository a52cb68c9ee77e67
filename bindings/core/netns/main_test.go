//go:build linux

package netns_test

import (
	"os"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

func TestMain(m *testing.M) {
	if spawn.IsChild() { // a child spawn re-executed from this test binary
		os.Exit(spawn.ChildMain())
	}
	os.Exit(testutil.Main(m))
}
