//go:build linux

// Package testutil holds the discipline shared by nsh's privileged tests:
// names unique to one test run, temporary directories that carry them, and a
// TestMain that fails the run when anything the tests made is left behind.
//
// Every object a test creates on the host (named network namespaces, links,
// mounts, files) carries Prefix in its name, so the leak check looks only at
// what this run made and never at anything else on the machine.
package testutil

import (
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
)

// Prefix is unique to this test process: "nt" and four random base-36
// characters. Names built from it fit in IFNAMSIZ with room to spare.
var Prefix = newPrefix()

var counter atomic.Uint64

func newPrefix() string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	out := []byte("nt")
	for _, c := range b {
		out = append(out, digits[int(c)%len(digits)])
	}
	return string(out)
}

// Name returns a name unique to this test run: Prefix, a counter, and the
// parts given joined by "-" ("nt4f9k12-lab"). Without parts it is at most
// 12 characters, so that a suffix such as "-p" still fits a 15-character
// interface name. Every object a test makes on the host is named with it
// (or starts with one), which is what the leak check of Main looks at.
func Name(tb testing.TB, parts ...string) string {
	tb.Helper()
	n := fmt.Sprintf("%s%d", Prefix, counter.Add(1))
	if len(parts) > 0 {
		n += "-" + strings.Join(parts, "-")
	}
	return n
}

// Owns reports whether a name (a /run/netns entry, a link, a mount point)
// is one this test run made: whether it carries Prefix. Other objects
// belong to other programs (a container runtime, another test run) and
// are left alone by the leak check.
func Owns(name string) bool { return strings.Contains(name, Prefix) }

// TempDir makes a directory whose name carries Prefix and removes it when
// the test ends.
func TempDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", Prefix+"-")
	if err != nil {
		tb.Fatalf("tempdir: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// RequireRoot fails the test when it does not run as root: nsh's tests use
// the real kernel, and a skip would hide that nothing was tested.
func RequireRoot(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Fatalf("this test needs root (it creates namespaces); run go test as root")
	}
}

// Cmd runs a system tool and returns its standard output; the test fails
// when the tool fails.
func Cmd(tb testing.TB, name string, args ...string) string {
	tb.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = strings.TrimSpace(string(ee.Stderr))
		}
		tb.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, msg)
	}
	return string(out)
}
