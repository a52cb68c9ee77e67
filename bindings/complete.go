package bindings

import (
	"context"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netns"
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

// Complete returns the completions of the end of line and how many bytes
// at the end of line they replace. What it offers depends on where the
// cursor is:
//
//   - inside a string where a network namespace is expected, an argument
//     the registry lists in Func.Targets (`netns.get("`) or an option of
//     kind Namespace (`link.list{ns = "`): the names in /run/netns;
//   - at a key of a function's options table (`link.list{n`): the options
//     its OptSet declares, as "ns = ";
//   - else globals, the prompt's locals, fields of tables (ns.<TAB>) and
//     methods of values (h:<TAB>), from the live Lua state, which holds
//     every module; only plain names are looked up, nothing is called.
func (r *Runtime) Complete(line string) ([]string, int) {
	c := scanCursor(line)
	if c.comment {
		return nil, 0
	}
	if c.inString {
		partial := line[c.strStart+1:]
		if !r.wantsNetns(c) {
			return nil, 0
		}
		names, _ := os.ReadDir(netns.Dir)
		var out []string
		for _, e := range names {
			if strings.HasPrefix(e.Name(), partial) {
				out = append(out, e.Name())
			}
		}
		return out, len(partial)
	}
	word := LastWord(line)
	var out []string
	r.Do(context.Background(), func(L *lua.LState) error {
		if !strings.ContainsAny(word, ".:") {
			if fn, arg, ok := c.keySlot(len(line) - len(word)); ok {
				out = r.optionKeys(fn, arg, word)
			}
		}
		if len(out) == 0 {
			out = candidates(L, r.modules, r.scope, word)
		}
		return nil
	})
	return out, len(word)
}

// wantsNetns reports whether the string being typed names a network
// namespace, by the registry's declarations.
func (r *Runtime) wantsNetns(c cursor) bool {
	if key, fn, arg := c.tableKey(c.strStart); key != "" {
		f, ok := r.modules.Func(fn)
		if !ok || f.Opts == nil || f.Opts.Arg != arg {
			return false
		}
		o, ok := f.Opts.Lookup(key)
		return ok && o.Kind == vocab.Namespace
	}
	fn, arg := c.argSlot(c.strStart)
	f, ok := r.modules.Func(fn)
	return ok && slices.Contains(f.Targets, arg)
}

// optionKeys completes a key of the options table that is argument arg of
// function fn: "ns = " for "n".
func (r *Runtime) optionKeys(fn string, arg int, partial string) []string {
	f, ok := r.modules.Func(fn)
	if !ok || f.Opts == nil || f.Opts.Arg != arg {
		return nil
	}
	var out []string
	for _, name := range f.Opts.Names() {
		if strings.HasPrefix(name, partial) {
			out = append(out, name+" = ")
		}
	}
	return out
}

func candidates(L *lua.LState, set vocab.Set, scope *replScope, word string) []string {
	sep := strings.LastIndexAny(word, ".:")
	if sep < 0 {
		return globals(L, set, scope, word)
	}
	owner, partial := word[:sep], word[sep+1:]
	v := lookupPath(L, scope, owner)
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
func globals(L *lua.LState, set vocab.Set, scope *replScope, partial string) []string {
	out := matching(L.G.Global, "", partial)
	if scope != nil {
		for _, n := range scope.Names() {
			if strings.HasPrefix(n, partial) && !slices.Contains(out, n) && !slices.Contains(out, n+"(") {
				v, _ := scope.Get(n)
				if v.Type() == lua.LTFunction {
					n += "("
				}
				out = append(out, n)
			}
		}
	}
	for _, m := range set {
		if strings.HasPrefix(m.Name, partial) && L.G.Global.RawGetString(m.Name) == lua.LNil {
			out = append(out, m.Name)
		}
	}
	sort.Strings(out)
	return out
}

// lookupPath resolves "a.b.c" by field reads from the prompt's locals or
// the globals: raw reads, but for the first name, which may load a module.
func lookupPath(L *lua.LState, scope *replScope, path string) lua.LValue {
	parts := strings.Split(path, ".")
	if parts[0] == "" {
		return lua.LNil
	}
	v, ok := lua.LValue(lua.LNil), false
	if scope != nil {
		v, ok = scope.Get(parts[0])
	}
	if !ok {
		v = L.GetGlobal(parts[0])
	}
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
