//go:build linux

package bindings

import (
	"fmt"
	"sort"

	"github.com/nsh-lua/nsh/bindings/nsfs"
	"github.com/nsh-lua/nsh/bindings/spawn"
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
// thread's.
func checkTarget(L *lua.LState, n int, types []nsfs.Type) *nsTarget {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		pid := int(v)
		if lua.LNumber(pid) != v || pid <= 0 {
			L.ArgError(n, "pid must be a positive integer")
		}
		hs, err := spawn.OpenPID(pid, types)
		if err != nil {
			Raise(L, "ns", fmt.Sprintf("pid %d", pid), err)
		}
		return &nsTarget{hs: hs, owned: true, name: fmt.Sprintf("pid %d", pid)}
	case *lua.LUserData:
		return &nsTarget{hs: []*nsfs.Handle{checkHandle(L, n)}, name: checkHandle(L, n).String()}
	case *lua.LTable:
		return tableTarget(L, n, v)
	}
	L.ArgError(n, "namespace handle, list of handles, {type=handle} table or pid expected, got "+L.Get(n).Type().String())
	return nil
}

func tableTarget(L *lua.LState, n int, tb *lua.LTable) *nsTarget {
	t := &nsTarget{}
	seen := map[nsfs.Type]bool{}
	var bad string
	tb.ForEach(func(k, v lua.LValue) {
		if bad != "" {
			return
		}
		ud, ok := v.(*lua.LUserData)
		h, _ := func() (*nsfs.Handle, bool) {
			if !ok {
				return nil, false
			}
			h, ok := ud.Value.(*nsfs.Handle)
			return h, ok
		}()
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
		L.ArgError(n, bad)
	}
	if len(t.hs) == 0 {
		L.ArgError(n, "no namespaces given")
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
