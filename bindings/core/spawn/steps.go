//go:build linux

package spawn

import (
	"encoding/json"
	"sync"
)

// StepFunc is a setup step: it runs inside the child's namespaces, after
// every join and unshare and the propagation change, before the command
// starts. It runs either on the spawner's locked thread in this process or
// in the re-executed child, so it must do its work on the calling goroutine
// (no goroutines, no thread switches) and touch only the namespaces it is
// in. arg is the Step's Arg as JSON. An error aborts the spawn and is
// reported as "step NAME: err".
type StepFunc func(arg json.RawMessage) error

// MainFunc is a child main: the re-executed child runs it instead of a
// command, after the same setup. arg is Spec.MainArg as JSON; the returned
// reply reaches the parent as Result.Reply and code is the exit status.
type MainFunc func(arg json.RawMessage) (reply json.RawMessage, code int)

var reg struct {
	sync.RWMutex
	steps map[string]StepFunc
	mains map[string]MainFunc
}

// RegisterStep registers a named setup step. Call it from an init function,
// so the re-executed child (the same binary) knows the step too.
//
// For example, netns.exec registers a step that bind-mounts
// /etc/netns/NAME/* over /etc/* and remounts /sys, and spawns with
// Spec{Join: {netns}, New: {mnt}, Propagation: "slave", Steps: {{Name, NAME}}}.
func RegisterStep(name string, fn StepFunc) {
	reg.Lock()
	defer reg.Unlock()
	if reg.steps == nil {
		reg.steps = map[string]StepFunc{}
	}
	if _, dup := reg.steps[name]; dup {
		panic("spawn: step registered twice: " + name)
	}
	reg.steps[name] = fn
}

// RegisterMain registers a named child main (see Spec.Main). Call it from an
// init function.
func RegisterMain(name string, fn MainFunc) {
	reg.Lock()
	defer reg.Unlock()
	if reg.mains == nil {
		reg.mains = map[string]MainFunc{}
	}
	if _, dup := reg.mains[name]; dup {
		panic("spawn: main registered twice: " + name)
	}
	reg.mains[name] = fn
}

func stepFor(name string) StepFunc {
	reg.RLock()
	defer reg.RUnlock()
	return reg.steps[name]
}

func mainFor(name string) MainFunc {
	reg.RLock()
	defer reg.RUnlock()
	return reg.mains[name]
}
