//go:build linux

package spawn

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
)

// dispatching is set once main asked IsChild (or ChildMain runs): only
// then can a re-executed child of this program reach ChildMain.
var dispatching atomic.Bool

// ErrNotInitialized is returned by Start in a program whose main did not
// first hand re-executed children over to ChildMain: each child would run
// the program's main again, and start children of its own.
var ErrNotInitialized = errors.New("call bindings.Init() at the start of main (or exit with spawn.ChildMain() when spawn.IsChild())")

// Initialized reports whether main dispatches re-executed children
// (bindings.Init or spawn.IsChild ran), so Start may run.
func Initialized() bool { return dispatching.Load() && os.Getenv(envChild) == "" }

// checkInitialized refuses Start in a program that does not dispatch its
// children, and ends a re-executed child whose main ran instead of
// ChildMain before it can start children of its own (the recursion a
// forgotten Init would cause): it tells the parent through the reply fd.
func checkInitialized() error {
	if os.Getenv(envChild) == "" {
		if dispatching.Load() {
			return nil
		}
		return ErrNotInitialized
	}
	msg := message{Op: "re-executed child", Error: "the program's main ran instead of the child's work: " + ErrNotInitialized.Error()}
	if reply := os.NewFile(replyFD, "reply"); reply != nil {
		json.NewEncoder(reply).Encode(msg)
	}
	fmt.Fprintf(os.Stderr, "nsh: %s: %s\n", msg.Op, msg.Error)
	os.Exit(126)
	return nil
}
