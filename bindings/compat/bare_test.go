package compat

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// runBare runs src on a gopher-lua state without any mend and returns its
// first result as a string.
func runBare(t *testing.T, src string) string {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(src); err != nil {
		return "error: " + err.Error()
	}
	return L.Get(-1).String()
}
