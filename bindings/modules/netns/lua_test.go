//go:build linux

package netns_test

import (
	"os"
	"testing"

	"github.com/nsh-lua/nsh/bindings"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"github.com/nsh-lua/nsh/bindings/testutil/luatest"
)

func TestMain(m *testing.M) {
	bindings.Init()
	os.Exit(testutil.Main(m))
}

// TestLua runs the module's Lua tests, testdata/*_test.lua.
func TestLua(t *testing.T) { luatest.Run(t, "testdata/*_test.lua") }
