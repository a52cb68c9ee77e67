//go:build linux

// Package testutil forwards to github.com/nsh-lua/nsh/bindings/testutil,
// where the test discipline now lives; import that package instead.
package testutil

import (
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// Prefix is testutil.Prefix.
var Prefix = testutil.Prefix

// Name is testutil.Name.
func Name(tb testing.TB) string { tb.Helper(); return testutil.Name(tb) }

// TempDir is testutil.TempDir.
func TempDir(tb testing.TB) string { tb.Helper(); return testutil.TempDir(tb) }

// RequireRoot is testutil.RequireRoot.
func RequireRoot(tb testing.TB) { tb.Helper(); testutil.RequireRoot(tb) }

// Cmd is testutil.Cmd.
func Cmd(tb testing.TB, name string, args ...string) string {
	tb.Helper()
	return testutil.Cmd(tb, name, args...)
}

// Main is testutil.Main.
func Main(m *testing.M) int { return testutil.Main(m) }

// HasTool is testutil.HasTool.
func HasTool(name string) bool { return testutil.HasTool(name) }
