package bindings

import (
	"sort"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// Func is one Lua function of an nsh module: the single entry that drives
// its registration, its reference documentation and REPL completion.
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
	// Meta holds metamethods such as __tostring, __eq and __gc.
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
	// more holds the Fields setters of later registrations of this module.
	more []func(L *lua.LState, mod *lua.LTable)
	// Lua is the name of a file in package lua that completes the module;
	// it runs with the module table as its first argument (...).
	Lua string
}

var registry struct {
	sync.Mutex
	modules map[string]*Module
}

// Register adds a module to the registry. Modules register themselves from
// init functions. A module may be registered in parts from several files
// (ns is): later parts add their functions, classes and fields to the first;
// a function or class name registered twice panics, since it is a bug.
func Register(m *Module) {
	registry.Lock()
	defer registry.Unlock()
	if registry.modules == nil {
		registry.modules = map[string]*Module{}
	}
	old, ok := registry.modules[m.Name]
	if !ok {
		registry.modules[m.Name] = m
		return
	}
	old.merge(m)
}

func (m *Module) merge(part *Module) {
	seen := map[string]bool{}
	for _, f := range m.Funcs {
		seen[f.Name] = true
	}
	for _, c := range m.Classes {
		seen[":"+c.Name] = true
	}
	for _, f := range part.Funcs {
		if seen[f.Name] {
			panic("bindings: function registered twice: " + m.Name + "." + f.Name)
		}
	}
	for _, c := range part.Classes {
		if seen[":"+c.Name] {
			panic("bindings: class registered twice: " + m.Name + "." + c.Name)
		}
	}
	m.Funcs = append(m.Funcs, part.Funcs...)
	m.Classes = append(m.Classes, part.Classes...)
	if m.Doc == "" {
		m.Doc = part.Doc
	}
	if part.Fields != nil {
		m.more = append(m.more, part.Fields)
	}
	if m.Lua == "" {
		m.Lua = part.Lua
	}
}

// Modules returns every registered module, sorted by name.
func Modules() []*Module {
	registry.Lock()
	defer registry.Unlock()
	out := make([]*Module, 0, len(registry.modules))
	for _, m := range registry.modules {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup finds a module by name.
func Lookup(name string) (*Module, bool) {
	registry.Lock()
	defer registry.Unlock()
	m, ok := registry.modules[name]
	return m, ok
}

// ClassMeta returns the registry key of a class's metatable.
func ClassMeta(module, class string) string { return "nsh." + module + "." + class }
