package nsh

import (
	"io"
	"os"
	"strings"

	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// Version is nsh's version, as `nsh -v` and nsh.version report it.
const Version = "0.1.0"

// Module is the nsh module.
func Module() *vocab.Module {
	return &vocab.Module{
		Name: "nsh",
		Doc:  "The shell itself: its version (`nsh.version`, a string such as \"0.1.0\"), pretty printing, JSON, tables and help.",
		Funcs: append(jsonFuncs(), []vocab.Func{
			{Name: "table", Args: "(records [, columns])", Fn: nshTable,
				Doc: "Prints a list of records as aligned columns, as lsns and ps do: columns is a list of field names (headed by the name in capitals) or {field, heading} pairs, " +
					"by default every field with plain values; numbers align right, lists show joined by commas, control characters escaped.",
				Equiv:   "lsns; ip -br link",
				Example: "nsh.table(ns.list(), {{\"inode\", \"NS\"}, \"type\", \"nprocs\", \"pid\", \"user\", \"command\"})\nnsh.table(link.list(), {\"name\", \"state\", \"mtu\"})"},
			{Name: "pp", Args: "(v, …)", Fn: nshPP,
				Doc:     "Prints each value as the REPL shows it: tables expanded with sorted keys, cycles marked.",
				Example: `nsh.pp({name = "ns1", ids = {1, 2, 3}})`},
			{Name: "repr", Args: "(v)", Returns: "string", Fn: nshRepr,
				Doc:     "Returns the text nsh.pp would print for a value.",
				Example: `assert(nsh.repr({1, 2}) == "{ 1, 2 }")`},
			{Name: "help", Args: "([name])", Fn: Help,
				Doc:     "Prints the reference for a module or function (a name such as \"ns.open\", or the function itself); with no argument, lists the modules.",
				Example: `help("nsh.pp")`},
			{Name: "printf", Args: "(fmt, …)",
				Doc:     "Prints string.format(fmt, …) followed by a newline.",
				Example: `nsh.printf("%s has %d types", "ns", 8)`},
			{Name: "keys", Args: "(t)", Returns: "list",
				Doc:     "Returns the keys of a table, sorted: numbers first, then strings.",
				Example: `assert(table.concat(nsh.keys({b = 1, a = 2}), ",") == "a,b")`},
		}...),
		Fields: func(L *lua.LState, mod *lua.LTable) {
			mod.RawSetString("version", lua.LString(Version))
		},
		Lua: "nsh.lua",
	}
}

// nshPP prints each argument pretty-printed on its own line.
func nshPP(L *lua.LState) int {
	var b strings.Builder
	for i := 1; i <= L.GetTop(); i++ {
		b.WriteString(vocab.Repr(L, L.Get(i)))
		b.WriteByte('\n')
	}
	writeOut(L, b.String())
	return 0
}

// nshRepr returns the pretty-printed text of its argument.
func nshRepr(L *lua.LState) int {
	L.CheckAny(1)
	L.Push(lua.LString(vocab.Repr(L, L.Get(1))))
	return 1
}

// Help is help([name]): it prints the reference text of a module or
// function; the runtime also sets it as the global help.
func Help(L *lua.LState) int {
	var text string
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
		text = vocab.ModulesOf(L).HelpIndex()
	case lua.LString:
		text = vocab.ModulesOf(L).Help(string(v))
	case *lua.LFunction:
		text = vocab.ModulesOf(L).Help(functionName(L, v))
	default:
		L.ArgError(1, "name or function expected, got "+v.Type().String())
	}
	if s, ok := L.Get(1).(lua.LString); ok && text == "" {
		text = searchText(vocab.ModulesOf(L), string(s))
	}
	if text == "" {
		L.ArgError(1, "no help for "+L.ToStringMeta(L.Get(1)).String()+": try help() for the list of modules")
	}
	writeOut(L, vocab.WrapText(text, vocab.Width(outOf(L))))
	return 0
}

// searchText lists the reference entries that mention word, for a help
// name that is no function: help("veth").
func searchText(set vocab.Set, word string) string {
	found := set.Search(word)
	if len(found) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("no function is named " + vocab.Quote(word) + "; the reference mentions it in:\n")
	for _, f := range found {
		b.WriteString("  " + strings.ReplaceAll(f, "\n", "\n  ") + "\n")
	}
	return b.String()
}

// outOf returns where help writes: the runtime's stdout, or the process's.
func outOf(L *lua.LState) io.Writer {
	if h := vocab.HostOf(L); h != nil {
		return h.Stdout()
	}
	return os.Stdout
}

// functionName finds the registry name of a function value by looking it
// up in the loaded modules.
func functionName(L *lua.LState, fn *lua.LFunction) string {
	for _, m := range vocab.ModulesOf(L) {
		mod, ok := L.GetGlobal(m.Name).(*lua.LTable)
		if !ok {
			continue
		}
		for _, f := range m.Funcs {
			if mod.RawGetString(f.Name) == fn {
				return m.Name + "." + f.Name
			}
		}
	}
	return ""
}

// writeOut writes to the runtime's stdout, or to the process's on a state
// nsh does not own.
func writeOut(L *lua.LState, s string) {
	if h := vocab.HostOf(L); h != nil {
		h.Stdout().Write([]byte(s))
		return
	}
	print(s)
}
