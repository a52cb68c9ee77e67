//go:build linux

package bindings

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// nsfsFDs counts this process's descriptors on namespace files.
func nsfsFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		link, err := os.Readlink("/proc/self/fd/" + e.Name())
		if _, _, ok := nsfs.ParseLink([]byte(link)); err == nil && ok {
			n++
		}
	}
	return n
}

// TestRuntimeClosesForgottenHandles checks that handles a script never
// closed, and still reaches, are released when the runtime closes, and
// that closed ones are no longer held.
func TestRuntimeClosesForgottenHandles(t *testing.T) {
	testutil.RequireRoot(t)
	before := nsfsFDs(t)
	rt, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	code := `
		keep = {}
		for i = 1, 20 do keep[i] = ns.self() end             -- 160 forgotten
		for i = 1, 50 do ns.open("/proc/self/ns/net"):close() end
		h = ns.self("user")
		p = h:owner()                                        -- nil at the top
		x = ns.self("net")
		n = ns.ioctl(x, "NS_GET_USERNS")                     -- 2 more
	`
	if err := rt.DoString(context.Background(), code, "forget"); err != nil {
		t.Fatal(err)
	}
	if got := nsfsFDs(t) - before; got != 163 {
		t.Errorf("open namespace descriptors while the runtime runs: %d, want 163", got)
	}
	var held int
	rt.Do(context.Background(), func(L *lua.LState) error { held = vocab.HeldHandles(L); return nil })
	if held != 163 {
		t.Errorf("held: %d, want 163 (closed handles are not held)", held)
	}
	rt.Close()
	if after := nsfsFDs(t); after != before {
		t.Errorf("after Close: %d namespace descriptors, %d before", after, before)
	}
}

// TestNSErrorsReadOnce checks kernel errors name the operation, the target
// and the cause once each.
func TestNSErrorsReadOnce(t *testing.T) {
	testutil.RequireRoot(t)
	rt := newTestRuntime(t, nil)
	cases := map[string]string{
		`ns.open("/etc/hostname")`:                  "ns.open: /etc/hostname: not a namespace file",
		`ns.open("/nonexistent")`:                   "ns.open: /nonexistent: no such file or directory",
		`ns.unpin("/etc/hostname")`:                 "ns.unpin: /etc/hostname: not a pinned namespace: nothing is mounted on it",
		`ns.ioctl(ns.self("net"), "NS_GET_PARENT")`: "NS_GET_PARENT: invalid argument (applies to pid, user namespaces only)",
	}
	for code, want := range cases {
		err := rt.DoString(context.Background(), code, "errors")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", code, err, want)
		}
		if err != nil && strings.Count(err.Error(), "/etc/hostname") > 1 {
			t.Errorf("%s: target repeated in %q", code, err)
		}
	}
}

// BenchmarkNSList times ns.list() from Lua, records included (compare with
// nsfs.BenchmarkList for the cost of the Lua tables).
func BenchmarkNSList(b *testing.B) {
	rt, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close()
	for b.Loop() {
		if err := rt.DoString(context.Background(), "ns.list()", "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
