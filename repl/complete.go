package repl

import (
	"context"
	"sort"
	"strings"

	"github.com/nsh-lua/nsh/bindings"
	lua "github.com/yuin/gopher-lua"
)

// lastWord returns the dotted name being typed at the end of line, such as
// "ns.op" or "h:ty".
func lastWord(line string) string {
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

// NewCompleter completes globals, fields of tables (ns.<TAB>) and methods
// of values (h:<TAB>) from the live Lua state of rt, which holds every
// registered module; only plain names are looked up, nothing is called.
func NewCompleter(rt *bindings.Runtime) Completer {
	return func(line string) []string {
		word := lastWord(line)
		var out []string
		rt.Do(context.Background(), func(L *lua.LState) error {
			out = candidates(L, word)
			return nil
		})
		return out
	}
}

func candidates(L *lua.LState, word string) []string {
	sep := strings.LastIndexAny(word, ".:")
	if sep < 0 {
		return globals(L, word)
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
func globals(L *lua.LState, partial string) []string {
	out := matching(L.G.Global, "", partial)
	for _, m := range bindings.Modules() {
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
