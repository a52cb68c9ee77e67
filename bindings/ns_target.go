//go:build linux

package bindings

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	lua "github.com/yuin/gopher-lua"
)

// nsTarget is a set of namespaces to enter, read from a Lua argument: a
// handle, a list of handles, a {net=h, uts=h} table, or a pid. Handles it
// opened itself (the pid form) are closed by Close; the script's are not.
type nsTarget struct {
	hs    []*nsfs.Handle
	owned bool
	name  string // for messages: "pid 42" or the handles
}

// Close releases the handles the target opened.
func (t *nsTarget) Close() {
	if t.owned {
		for _, h := range t.hs {
			h.Close()
		}
	}
}

// checkTarget reads argument n as a target; types (may be nil) picks the
// types of the pid form, default every type that differs from the calling
// thread's. op names the operation in errors about the pid.
func checkTarget(L *lua.LState, op string, n int, types []nsfs.Type) *nsTarget {
	return targetOf(L, L.Get(n), types, op, func(msg string) { L.ArgError(n, msg) })
}

// checkThreadTarget is checkTarget for a target a thread enters (ns.setns,
// ns.with): the pid form without types enters every type that differs
// except user and time, which no thread of a running Go process can enter
// (named in types, they are refused with a pointer to ns.spawn).
func checkThreadTarget(L *lua.LState, op string, n int, types []nsfs.Type) *nsTarget {
	pid, isPID := L.Get(n).(lua.LNumber)
	if !isPID || types != nil {
		return checkTarget(L, op, n, types)
	}
	var all []nsfs.Type
	for _, t := range nsfs.Types {
		if t != nsfs.User && t != nsfs.Time {
			all = append(all, t)
		}
	}
	p, ok := pidOf(pid)
	if !ok {
		L.ArgError(n, badPID)
	}
	hs, err := spawn.OpenPIDDiffering(p, all)
	if err != nil {
		Raise(L, op, "", err)
	}
	return &nsTarget{hs: hs, owned: true, name: fmt.Sprintf("pid %d", p)}
}

// badPID is the message for a number that cannot be a pid.
const badPID = "pid must be a positive integer below 2^31"

// pidOf returns x as a pid: an integer in 1..2^31-1 (pids are C ints;
// NaN, infinities and fractions are refused rather than truncated).
func pidOf(x lua.LNumber) (int, bool) {
	f := float64(x)
	if !(f >= 1 && f <= math.MaxInt32) || f != math.Trunc(f) {
		return 0, false
	}
	return int(f), true
}

// checkPID returns argument n as a pid or raises a bad argument error.
func checkPID(L *lua.LState, n int) int {
	pid, ok := pidOf(L.CheckNumber(n))
	if !ok {
		L.ArgError(n, badPID)
	}
	return pid
}

// checkPath returns argument n as a file path, refusing the empty string
// and embedded NUL bytes (the kernel would cut the path there).
func checkPath(L *lua.LState, n int) string {
	path := L.CheckString(n)
	if path == "" {
		L.ArgError(n, "path is empty")
	}
	if strings.IndexByte(path, 0) >= 0 {
		L.ArgError(n, "path contains a NUL byte")
	}
	return path
}

// targetOf reads v as a target; bad reports misuse (it raises).
func targetOf(L *lua.LState, v lua.LValue, types []nsfs.Type, op string, bad func(string)) *nsTarget {
	if types != nil && v.Type() != lua.LTNumber {
		bad("types picks the namespaces of a pid: give join/target as a pid")
	}
	switch x := v.(type) {
	case lua.LNumber:
		pid, ok := pidOf(x)
		if !ok {
			bad(badPID)
		}
		hs, err := spawn.OpenPID(pid, types)
		if err != nil {
			Raise(L, op, "", err)
		}
		return &nsTarget{hs: hs, owned: true, name: fmt.Sprintf("pid %d", pid)}
	case *lua.LUserData:
		h, ok := x.Value.(*nsfs.Handle)
		if !ok {
			bad("namespace handle expected, got " + wireTypeName(x))
		}
		if h.Closed() {
			bad("handle is closed")
		}
		return &nsTarget{hs: []*nsfs.Handle{h}, name: h.String()}
	case *lua.LTable:
		return tableTarget(x, bad)
	}
	bad("namespace handle, list of handles, {type=handle} table or pid expected, got " + v.Type().String())
	return nil
}

func tableTarget(tb *lua.LTable, fail func(string)) *nsTarget {
	t := &nsTarget{}
	seen := map[nsfs.Type]bool{}
	var bad string
	tb.ForEach(func(k, v lua.LValue) {
		if bad != "" {
			return
		}
		ud, _ := v.(*lua.LUserData)
		var h *nsfs.Handle
		if ud != nil {
			h, _ = ud.Value.(*nsfs.Handle)
		}
		switch {
		case h == nil:
			bad = fmt.Sprintf("entry %s is a %s, not a namespace handle", k, v.Type())
		case h.Closed():
			bad = fmt.Sprintf("entry %s: handle is closed", k)
		case k.Type() == lua.LTString && string(k.(lua.LString)) != string(h.Type()):
			bad = fmt.Sprintf("entry %s is a %s namespace", k, h.Type())
		case seen[h.Type()]:
			bad = fmt.Sprintf("two %s namespaces given", h.Type())
		}
		if bad == "" {
			seen[h.Type()] = true
			t.hs = append(t.hs, h)
		}
	})
	if bad != "" {
		fail(bad)
	}
	if len(t.hs) == 0 {
		fail("no namespaces given")
	}
	sort.Slice(t.hs, func(i, j int) bool { return t.hs[i].Type() < t.hs[j].Type() })
	for i, h := range t.hs {
		if i > 0 {
			t.name += ","
		}
		t.name += h.String()
	}
	return t
}

// checkTypeList reads argument n as a type name or a list of them (nil
// when absent).
func checkTypeList(L *lua.LState, n int) []nsfs.Type {
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return nil
	case lua.LString:
		return []nsfs.Type{checkNSType(L, n)}
	case *lua.LTable:
		return typeList(L, n, v, "")
	}
	L.ArgError(n, "namespace type or list of types expected, got "+L.Get(n).Type().String())
	return nil
}

// typeList reads the array part of tb as type names; what names the
// option in messages ("" for a plain argument).
func typeList(L *lua.LState, n int, tb *lua.LTable, what string) []nsfs.Type {
	var out []nsfs.Type
	for i := 1; i <= tb.Len(); i++ {
		s, ok := tb.RawGetInt(i).(lua.LString)
		if !ok {
			L.ArgError(n, fmt.Sprintf("%stype name expected at [%d], got %s", what, i, tb.RawGetInt(i).Type()))
		}
		t, err := nsfs.ParseType(string(s))
		if err != nil {
			L.ArgError(n, what+err.Error())
		}
		out = append(out, t)
	}
	return out
}
