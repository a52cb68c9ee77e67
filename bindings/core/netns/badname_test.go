//go:build linux

package netns_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// TestBadNamesTouchNothing: every operation refuses names iproute2 refuses,
// before touching anything. A decoy file that "../.." would reach from
// /run/netns survives, and /run/netns is unchanged.
func TestBadNamesTouchNothing(t *testing.T) {
	testutil.RequireRoot(t)
	dir := testutil.TempDir(t)
	decoy := filepath.Join(dir, "decoy")
	if err := os.WriteFile(decoy, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	reach := "../.." + decoy // /run/netns/../../tmp/…/decoy
	bad := []string{"", ".", "..", reach, "a/b", "../../etc", string(make([]byte, 256))}
	for _, name := range bad {
		checks := map[string]error{
			"Add":   second(netns.Add(name)),
			"Del":   netns.Del(name),
			"Get":   second(netns.Get(name)),
			"SetID": second(netns.SetID(name, 1)),
			"Pids":  second(netns.Pids(name)),
			"ID":    second(netns.ID(name)),
		}
		for op, err := range checks {
			if !errors.Is(err, netns.ErrBadName) {
				t.Errorf("%s(%q) = %v, want ErrBadName", op, name, err)
			}
		}
	}
	if data, err := os.ReadFile(decoy); err != nil || string(data) != "keep" {
		t.Fatalf("decoy touched: %q, %v", data, err)
	}
	// What the bad names would reach if they were used as paths is intact.
	// (Comparing all of /run/netns would race with other tests.)
	for _, p := range []string{"/etc/hosts", "/run/netns", "/run"} {
		if !exists(p) {
			t.Fatalf("%s is gone", p)
		}
	}
	if exists("/run/netns/a") {
		t.Fatal("/run/netns/a was created")
	}
}

func second[T any](_ T, err error) error { return err }
