package bindings

import (
	"context"
	"sort"
	"strings"

	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// LastWord returns the dotted name being typed at the end of line, such as
// "ns.op" or "h:ty".
func LastWord(line string) string {
	i := len(line)
	for i > 0 {
		c := line[i-1]
		if c == '_' || c == '.' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			i--
			continue
		}
		break
	}
	return line[i:]
}

// Complete returns the completions of the end of line: globals, fields of
// tables (ns.<TAB>) and methods of values (h:<TAB>), from the live Lua
// state, which holds every module; only plain names are looked up, nothing
// is called.
func (r *Runtime) Complete(line string) []string {
	word := LastWord(line)
	var out []string
	r.Do(context.Background(), func(L *lua.LState) error {
		out = candidates(L, r.modules, word)
		return nil
	})
	return out
}

func candidates(L *lua.LState, set vocab.Set, word string) []string {
	sep := strings.LastIndexAny(word, ".:")
	if sep < 0 {
		return globals(L, set, word)
	}
	owner, partial := word[:sep], word[sep+1:]
	v := lookupPath(L, owner)
	if word[sep] == ':' {
		idx, _ := L.GetMetaField(v, "__index").(*lua.LTable)
		if idx == nil {
			return nil
		}
		return matching(idx, word[:sep+1], partial)
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil
	}
	return matching(t, word[:sep+1], partial)
}

// globals completes a global name: the live globals and every registered
// module, loaded yet or not.
func globals(L *lua.LState, set vocab.Set, partial string) []string {
	out := matching(L.G.Global, "", partial)
	for _, m := range set {
		if strings.HasPrefix(m.Name, partial) && L.G.Global.RawGetString(m.Name) == lua.LNil {
			out = append(out, m.Name)
		}
	}
	sort.Strings(out)
	return out
}

// lookupPath resolves "a.b.c" by field reads from the globals: raw reads,
// but for the first name, which may load a module.
func lookupPath(L *lua.LState, path string) lua.LValue {
	parts := strings.Split(path, ".")
	if parts[0] == "" {
		return lua.LNil
	}
	v := L.GetGlobal(parts[0])
	for _, part := range parts[1:] {
		t, ok := v.(*lua.LTable)
		if !ok || part == "" {
			return lua.LNil
		}
		v = t.RawGetString(part)
	}
	return v
}

func matching(t *lua.LTable, prefix, partial string) []string {
	var out []string
	t.ForEach(func(k, v lua.LValue) {
		s, ok := k.(lua.LString)
		if !ok || !strings.HasPrefix(string(s), partial) || strings.HasPrefix(string(s), "_") && partial == "" {
			return
		}
		name := prefix + string(s)
		if v.Type() == lua.LTFunction {
			name += "("
		}
		out = append(out, name)
	})
	sort.Strings(out)
	return out
}
