package bindings

import (
	"errors"
	"regexp"
	"sort"

	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// callOfField matches a call of a table's field: t.f(…), t.f{…}, t.f"…".
var callOfField = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*[({"'\[]`)

// callOfNil matches the message of a call of a missing field, as lua5.1
// words it (and nsh does), or gopher-lua's own words for a call of a value
// it could not name.
var callOfNil = regexp.MustCompile(`attempt to call (?:field '([^']*)' \(a nil value\)|a non-function object)`)

// explain turns "attempt to call field 'ad' (a nil value)", raised by an
// entry that calls a function a module does not have, into
// "netns.ad: no such function (did you mean netns.add?)".
//
// Reading a missing field still gives nil, as in plain Lua (scripts test
// `if netns.foo then`); the message names the field, not the table, so
// the entry's text is searched for a call t.f where t is a table (a
// module, a kept local or any global table) without a field f.
func (r *Runtime) explain(L *lua.LState, code string, err error) error {
	var le *LuaError
	if !errors.As(err, &le) {
		return err
	}
	called := callOfNil.FindStringSubmatch(le.Message)
	if called == nil {
		return err
	}
	for _, m := range callOfField.FindAllStringSubmatch(code, -1) {
		if called[1] != "" && called[1] != m[2] {
			continue
		}
		t, ok := r.entryValue(L, m[1]).(*lua.LTable)
		if !ok || t.RawGetString(m[2]) != lua.LNil {
			continue
		}
		msg := m[1] + "." + m[2] + ": no such function"
		if best := vocab.Closest(m[2], functionNames(t)); best != "" {
			msg += " (did you mean " + m[1] + "." + best + "?)"
		}
		return &LuaError{Message: msg, Traceback: le.Traceback, Value: lua.LString(msg)}
	}
	return err
}

// entryValue is what name means to an entry: a kept local, else a global.
func (r *Runtime) entryValue(L *lua.LState, name string) lua.LValue {
	if r.scope != nil {
		if v, ok := r.scope.Get(name); ok {
			return v
		}
	}
	return L.GetGlobal(name)
}

// functionNames lists the names of t's function fields, sorted.
func functionNames(t *lua.LTable) []string {
	var out []string
	t.ForEach(func(k, v lua.LValue) {
		if s, ok := k.(lua.LString); ok && v.Type() == lua.LTFunction {
			out = append(out, string(s))
		}
	})
	sort.Strings(out)
	return out
}
