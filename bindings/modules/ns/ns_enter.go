//go:build linux

package ns

import (
	"errors"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

func enterPart() *vocab.Module {
	return &vocab.Module{
		Name: "ns",
		Funcs: []vocab.Func{
			{Name: "unshare", Args: "(type, … [, {propagation=}])", Fn: nsUnshare, Thread: true, Opts: unshareOpts,
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
	}
}

var unshareOpts = &vocab.OptSet{Func: "ns.unshare", Opts: []vocab.Opt{
	{Name: "propagation", Kind: vocab.String, Doc: "private (default), slave, shared or unchanged for a new mnt namespace"},
}}

// nsUnshare is ns.unshare(type, … [, opts]) on the thread running Lua.
func nsUnshare(L *lua.LState) int {
	var types []nsfs.Type
	prop := ""
	for i := 1; i <= L.GetTop(); i++ {
		if opts, ok := L.Get(i).(*lua.LTable); ok && i == L.GetTop() && opts.Len() == 0 {
			set := *unshareOpts
			set.Arg = i
			prop = set.Read(L, false).Str("propagation")
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

// threadTarget reads argument 1 of op as namespaces for this thread to
// enter; a user namespace that already is the thread's is left out.
func threadTarget(L *lua.LState, op string, types []nsfs.Type) (*vocab.Target, []*nsfs.Handle) {
	t := vocab.ResolveThread(L, vocab.Where{Op: op, Arg: 1}, L.Get(1), types)
	return t, t.ForJoin()
}

// nsSetns is ns.setns(target [, types]) on the thread running Lua.
func nsSetns(L *lua.LState) int {
	target, hs := threadTarget(L, "ns.setns", checkTypeList(L, 2))
	defer target.Close()
	if err := spawn.Setns(hs); err != nil {
		return raiseEnter(L, "ns.setns", target.Name, err)
	}
	return 0
}

// nsWith is ns.with(target, fn, …).
func nsWith(L *lua.LState) int { return With(L, "ns.with") }

// With is ns.with(target, fn, …) for op: fn runs on a fresh thread that
// took on the calling thread's namespaces and then entered target; this
// thread waits, and the fresh one dies afterwards (osthread rule 4).
func With(L *lua.LState, op string) int {
	target, hs := &vocab.Target{Name: "current"}, []*nsfs.Handle(nil)
	if tb, ok := L.Get(1).(*lua.LTable); !ok || tb.Len() != 0 || !isEmpty(tb) {
		target, hs = threadTarget(L, op, nil) // {} is a scope in the current set
	}
	defer target.Close()
	fn, ok := L.Get(2).(*lua.LFunction)
	if !ok {
		L.ArgError(2, "function expected, got "+vocab.TypeName(L.Get(2)))
	}
	base, err := spawn.CurrentSet()
	if err != nil {
		return raiseEnter(L, op, target.Name, err)
	}
	defer base.Close()
	top := L.GetTop()
	// fn is called unprotected: an error it raises unwinds through
	// spawn.With (which re-raises it here, after the fresh thread died)
	// to the caller's pcall or the runtime's message handler while fn's
	// frames are still on the Lua stack, so the traceback shows where fn
	// raised, and the value raised arrives unchanged.
	err = spawn.With(base, hs, func() {
		L.Push(fn)
		for i := 3; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top-2, lua.MultRet)
	})
	if err != nil {
		L.SetTop(top)
		return raiseEnter(L, op, target.Name, err)
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
		vocab.ArgError(L, op, 1, strings.TrimPrefix(err.Error(), spawn.ErrBadSpec.Error()+": "))
	}
	return vocab.Raise(L, op, target, err)
}
