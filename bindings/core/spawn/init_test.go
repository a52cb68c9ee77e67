//go:build linux

package spawn_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/spawn"
)

// TestStartRefusesWithoutInit: in a program whose main never asked
// IsChild, Start refuses every child (a re-executed one would run main
// again), and works once main has asked.
func TestStartRefusesWithoutInit(t *testing.T) {
	spawn.SetDispatching(false)
	defer spawn.SetDispatching(true)
	if spawn.Initialized() {
		t.Fatal("Initialized with no dispatch")
	}
	for _, spec := range []spawn.Spec{{Argv: []string{"true"}}, {Argv: []string{"true"}, MountProc: true}} {
		if _, err := spawn.Start(context.Background(), spec); !errors.Is(err, spawn.ErrNotInitialized) {
			t.Fatalf("Start without Init: %v, want ErrNotInitialized", err)
		}
	}
	if spawn.IsChild() || !spawn.Initialized() {
		t.Fatal("IsChild in the parent must mark the program initialized")
	}
	if out := run(t, spawn.Spec{Argv: []string{"echo", "ok"}}); out != "ok\n" {
		t.Fatalf("after IsChild: %q", out)
	}
}
