package vocab

import (
	"sort"

	lua "github.com/yuin/gopher-lua"
)

// Func is one Lua function of an nsh module: the single entry that drives
// its registration, its argument checking, its reference documentation and
// REPL completion.
type Func struct {
	// Name is the Lua name inside its module or class, e.g. "add".
	Name string
	// Args is the parameter list as the reference shows it, e.g. "(name [, opts])".
	Args string
	// Returns describes the results, e.g. "handle"; empty when nothing.
	Returns string
	// Doc is one sentence that starts with a verb.
	Doc string
	// Equiv names the classic tool invocation that does the same, if any.
	Equiv string
	// Example is Lua code that runs as a test; it cleans up what it makes.
	Example string
	// Opts declares the options table the function takes, if any: the one
	// declaration its implementation reads with, the reference documents
	// and the REPL completes.
	Opts *OptSet
	// Targets lists the positions of the arguments that name a network
	// namespace by its netns name: the REPL completes the names in
	// /run/netns inside a string there.
	Targets []int
	// Fn implements the function; nil when the module's Lua source defines it.
	Fn lua.LGFunction
	// Thread marks functions that change the namespaces of the calling
	// thread: they refuse to run on a Lua state nsh does not own.
	Thread bool
}

// Class is a userdata type with methods, such as a namespace handle.
type Class struct {
	// Name is the Lua-visible type name, e.g. "handle"; the metatable is
	// registered as "nsh.<module>.<name>".
	Name string
	// Doc describes what a value of the class is.
	Doc string
	// Methods are called as value:method(…).
	Methods []Func
	// Meta holds metamethods such as __tostring and __eq.
	Meta map[string]lua.LGFunction
}

// Module is one nsh Lua module, a global in the shell and require-able.
type Module struct {
	// Name is the global and require name, e.g. "ns".
	Name string
	// Doc is a paragraph that introduces the module.
	Doc string
	// Funcs are the module's functions.
	Funcs []Func
	// Classes are userdata types the module's functions return.
	Classes []Class
	// Fields sets non-function members (constants, tables) on the module.
	Fields func(L *lua.LState, mod *lua.LTable)
	// Lua is the name of a file in package lua that completes the module;
	// it runs with the module table as its first argument (...).
	Lua string
}

// Set is the ordered list of modules a runtime opens: the explicit list
// bindings builds, never filled by side effects.
type Set []*Module

// Lookup finds a module by name.
func (s Set) Lookup(name string) (*Module, bool) {
	for _, m := range s {
		if m.Name == name {
			return m, true
		}
	}
	return nil, false
}

// Sorted returns the modules ordered by name, as help and the reference
// list them.
func (s Set) Sorted() []*Module {
	out := append([]*Module(nil), s...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Func finds "module.func" or "module.class:method"; ok is false when there
// is no such entry.
func (s Set) Func(qualified string) (Func, bool) {
	for _, m := range s {
		for _, f := range m.Funcs {
			if m.Name+"."+f.Name == qualified {
				return f, true
			}
		}
		for _, c := range m.Classes {
			for _, f := range c.Methods {
				if c.Name+":"+f.Name == qualified {
					return f, true
				}
			}
		}
	}
	return Func{}, false
}

// ClassMeta returns the registry key of a class's metatable.
func ClassMeta(module, class string) string { return "nsh." + module + "." + class }

// SortedFuncs returns fs ordered by name.
func SortedFuncs(fs []Func) []Func {
	out := append([]Func(nil), fs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
