//go:build linux

package bindings

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	lua "github.com/yuin/gopher-lua"
)

func init() {
	Register(&Module{
		Name: "ns",
		Funcs: []Func{
			{Name: "unshare", Args: "(type, … [, {propagation=}])", Fn: nsUnshare, Thread: true,
				Doc: "Moves the shell into new namespaces of the given types, like unshare(2) on the shell itself: net, uts, ipc, cgroup and mnt (made private, or as propagation says) at once, " +
					"pid and time for the children it starts next; user is refused (use ns.spawn or ns.clone).",
				Equiv:   "unshare -n (on the shell itself)",
				Example: "local before = ns.self(\"uts\")\nns.with(before, function()\n  ns.unshare(\"uts\")\n  assert(ns.self(\"uts\") ~= before)\nend)\nassert(ns.self(\"uts\") == before)"},
			{Name: "setns", Args: "(target [, types])", Fn: nsSetns, Thread: true,
				Doc: "Moves the shell into existing namespaces, like setns(2): target is a handle, a list of handles, a {type=handle} table or a pid " +
					"(then types picks which, default all that differ but user and time); user and time are refused (use ns.spawn{join=…}).",
				Equiv:   "nsenter -t PID -n (on the shell itself)",
				Example: "local p = ns.spawn{\"sleep\", \"60\", new = {\"uts\"}}\nns.with({}, function()\n  ns.setns(p.pid, {\"uts\"})\n  assert(ns.self(\"uts\") == p:ns(\"uts\"))\nend)\np:kill()\np:wait()"},
			{Name: "with", Args: "(target, fn, …)", Returns: "fn's results", Fn: nsWith,
				Doc: "Calls fn(…) with the shell inside target (a handle, a list, a {type=handle} table, a pid, or {} for a scope in the current namespaces) and returns its results; " +
					"the shell is back where it was afterwards, also when fn raises, and an inner with keeps the outer namespaces.",
				Equiv:   "nsenter -t PID -n -u CMD",
				Example: "local p = ns.spawn{\"sleep\", \"60\", new = {\"net\", \"uts\"}, hostname = \"lab\"}\nlocal name = ns.with(p.pid, function()\n  return io.popen(\"hostname\"):read(\"*l\")\nend)\nassert(name == \"lab\")\np:kill()\np:wait()"},
		},
	})
}

// nsUnshare is ns.unshare(type, … [, opts]) on the thread running Lua.
func nsUnshare(L *lua.LState) int {
	var types []nsfs.Type
	prop := ""
	for i := 1; i <= L.GetTop(); i++ {
		if opts, ok := L.Get(i).(*lua.LTable); ok && i == L.GetTop() && opts.Len() == 0 {
			o := optReader{L, i, opts}
			opts.ForEach(func(k, _ lua.LValue) {
				if k != lua.LString("propagation") {
					o.L.ArgError(i, fmt.Sprintf("unknown option '%s': ns.unshare takes only propagation", L.ToStringMeta(k)))
				}
			})
			prop = o.str("propagation")
			continue
		}
		if L.Get(i) == lua.LNil {
			L.ArgError(i, "namespace type expected, got nil")
		}
		types = append(types, checkTypeList(L, i)...)
	}
	if len(types) == 0 {
		L.ArgError(1, "namespace type expected")
	}
	if err := spawn.Unshare(types, prop); err != nil {
		return raiseEnter(L, "ns.unshare", "", err)
	}
	return 0
}

// nsSetns is ns.setns(target [, types]) on the thread running Lua.
func nsSetns(L *lua.LState) int {
	target := checkThreadTarget(L, "ns.setns", 1, checkTypeList(L, 2))
	defer target.Close()
	if err := spawn.Setns(target.hs); err != nil {
		return raiseEnter(L, "ns.setns", "", err)
	}
	return 0
}

// nsWith is ns.with(target, fn, …): fn runs on a fresh thread that took on
// the calling thread's namespaces and then entered target; this thread
// waits, and the fresh one dies afterwards (DESIGN.md rule 3).
func nsWith(L *lua.LState) int {
	var target *nsTarget
	if tb, ok := L.Get(1).(*lua.LTable); ok && tb.Len() == 0 && isEmpty(tb) {
		target = &nsTarget{name: "current"} // {}: a scope in the current set
	} else {
		target = checkThreadTarget(L, "ns.with", 1, nil)
	}
	defer target.Close()
	fn := L.CheckFunction(2)
	base, err := spawn.CurrentSet()
	if err != nil {
		return raiseEnter(L, "ns.with", target.name, err)
	}
	defer base.Close()
	top := L.GetTop()
	// fn is called unprotected: an error it raises unwinds through
	// spawn.With (which re-raises it here, after the fresh thread died)
	// to the caller's pcall or the runtime's message handler while fn's
	// frames are still on the Lua stack, so the traceback shows where fn
	// raised, and the value raised arrives unchanged.
	err = spawn.With(base, target.hs, func() {
		L.Push(fn)
		for i := 3; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top-2, lua.MultRet)
	})
	if err != nil {
		L.SetTop(top)
		return raiseEnter(L, "ns.with", "", err)
	}
	return L.GetTop() - top
}

func isEmpty(tb *lua.LTable) bool {
	k, _ := tb.Next(lua.LNil)
	return k == lua.LNil
}

// raiseEnter raises err; bad options become bad-argument errors.
func raiseEnter(L *lua.LState, op, target string, err error) int {
	if errors.Is(err, spawn.ErrBadSpec) {
		L.ArgError(1, strings.TrimPrefix(err.Error(), spawn.ErrBadSpec.Error()+": "))
	}
	return Raise(L, op, target, err)
}
