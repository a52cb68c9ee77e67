package bindings

import (
	"fmt"
	"strings"

	"github.com/nsh-lua/nsh/bindings/compat"
	luasrc "github.com/nsh-lua/nsh/lua"
	lua "github.com/yuin/gopher-lua"
)

// open installs the runtime's hooks and every registered module in its VM.
// A module's table is built the first time a script names it, as a global,
// in package.loaded or with require, so a script pays only for the modules
// it uses and start-up stays cheap.
func (r *Runtime) open() error {
	L := r.L
	ud := L.NewUserData()
	ud.Value = r
	L.SetField(L.Get(lua.RegistryIndex), runtimeKey, ud)
	r.handler = L.NewFunction(r.traceback)
	r.installStdlib()
	load := registerModules(L, true)
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		name, ok := L.Get(2).(lua.LString)
		if !ok {
			return 0
		}
		L.Push(load(L, string(name)))
		return 1
	}))
	L.SetMetatable(L.G.Global, mt)
	L.SetMetatable(loadedTable(L), mt)
	return nil
}

// Attach adds the nsh modules to a Lua state the caller already owns, as
// globals and as require-able modules, all built at once: nsh leaves the
// host's metatables alone. nsh does not own the thread such a state runs
// on, so every function that would change the calling thread's namespaces
// refuses with an error instead of corrupting the host. compat's library
// mends are installed too; print and io.write keep the process's stdout and
// os.exit is left alone.
func Attach(L *lua.LState) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("nsh: attach: %v", r)
		}
	}()
	compat.Install(L, compat.Hooks{})
	load := registerModules(L, false)
	for _, m := range Modules() {
		load(L, m.Name)
	}
	return nil
}

func loadedTable(L *lua.LState) *lua.LTable {
	return L.FindTable(L.Get(lua.RegistryIndex).(*lua.LTable), "_LOADED", 1).(*lua.LTable)
}

// registerModules opens every class, makes every module require-able and
// sets the help global; it returns the function that builds a module on
// first use (nil for a name that is not a module).
func registerModules(L *lua.LState, owned bool) func(L *lua.LState, name string) lua.LValue {
	loaded := loadedTable(L)
	load := func(L *lua.LState, name string) lua.LValue {
		// require marks a module being loaded with a sentinel: only a
		// table means it is built.
		if mod, ok := loaded.RawGetString(name).(*lua.LTable); ok {
			return mod
		}
		m, ok := Lookup(name)
		if !ok {
			return lua.LNil
		}
		mod, err := openModule(L, m, owned)
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		loaded.RawSetString(name, mod)
		L.G.Global.RawSetString(name, mod)
		return mod
	}
	preload, _ := L.GetField(L.GetField(L.Get(lua.EnvironIndex), "package"), "preload").(*lua.LTable)
	for _, m := range Modules() {
		for _, c := range m.Classes {
			openClass(L, m.Name, c, owned)
		}
		name := m.Name
		if preload != nil {
			preload.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
				L.Push(load(L, name))
				return 1
			}))
		}
	}
	L.SetGlobal("help", L.NewFunction(nshHelp))
	return load
}

func openModule(L *lua.LState, m *Module, owned bool) (*lua.LTable, error) {
	mod := L.NewTable()
	for _, f := range m.Funcs {
		if f.Fn != nil {
			mod.RawSetString(f.Name, L.NewFunction(guard(m.Name+"."+f.Name, f, owned)))
		}
	}
	for _, set := range append([]func(*lua.LState, *lua.LTable){m.Fields}, m.more...) {
		if set != nil {
			set(L, mod)
		}
	}
	if m.Lua != "" {
		if err := runModuleLua(L, m, mod); err != nil {
			return nil, err
		}
	}
	return mod, nil
}

// openClass registers a class's metatable. Classes open with the runtime,
// before any module, since one module's functions return another's values
// (netns.add returns an ns handle). The methods stay reachable under
// __methods when Meta supplies its own __index.
func openClass(L *lua.LState, module string, c Class, owned bool) {
	mt := L.NewTypeMetatable(ClassMeta(module, c.Name))
	methods := L.NewTable()
	for _, f := range c.Methods {
		methods.RawSetString(f.Name, L.NewFunction(guard(c.Name+":"+f.Name, f, owned)))
	}
	L.SetField(mt, "__index", methods)
	L.SetField(mt, "__methods", methods)
	for name, fn := range c.Meta {
		L.SetField(mt, name, L.NewFunction(fn))
	}
}

// guard returns f's implementation, or on a foreign state a refusal for
// functions that would move the calling thread between namespaces.
func guard(name string, f Func, owned bool) lua.LGFunction {
	if owned || !f.Thread {
		return named(name, f.Fn)
	}
	return func(L *lua.LState) int {
		L.RaiseError("%s: refused on a Lua state nsh does not own: it would change the namespaces of the host's thread; use bindings.New to get a runtime with its own thread", name)
		return 0
	}
}

func runModuleLua(L *lua.LState, m *Module, mod *lua.LTable) error {
	src, err := luasrc.Files.ReadFile(m.Lua)
	if err != nil {
		return fmt.Errorf("module %s: %w", m.Name, err)
	}
	fn, err := compileChunk(L, bytesReader(src), "=lua/"+m.Lua)
	if err != nil {
		return fmt.Errorf("module %s: %w", m.Name, err)
	}
	if r := RuntimeOf(L); r != nil {
		r.sources.Put(fn.Proto.SourceName, string(src))
	}
	L.Push(fn)
	L.Push(mod)
	if err := L.PCall(1, 0, nil); err != nil {
		return fmt.Errorf("module %s: %w", m.Name, err)
	}
	return nil
}

// named makes the function's misuse errors name it fully: gopher-lua names
// a function by the field it was read from ('self'), or not at all when it
// was called through pcall ("(anonymous)"); nsh says 'ns.self' either way.
// Errors that merely pass through, raised by Lua code the function called
// back (an ns.with body, an ns.list predicate), name another function and
// keep their text.
func named(name string, fn lua.LGFunction) lua.LGFunction {
	short := name[strings.LastIndexAny(name, ".:")+1:]
	return func(L *lua.LState) int {
		defer func() {
			if r := recover(); r != nil {
				panic(renameArgError(r, short, name))
			}
		}()
		return fn(L)
	}
}

// renameArgError rewrites the function name in a "bad argument" error that
// names the function as short (or as nobody); any other panic passes
// through unchanged.
func renameArgError(r any, short, name string) any {
	e, ok := r.(*lua.ApiError)
	if !ok {
		return r
	}
	msg, ok := e.Object.(lua.LString)
	if !ok {
		return r
	}
	if renamed, ok := renameIn(string(msg), short, name); ok {
		e.Object = lua.LString(renamed)
	}
	return e
}

// renameIn replaces the function name in "… bad argument #n to NAME (…"
// when NAME is 'short', short, (anonymous) or ?.
func renameIn(msg, short, name string) (string, bool) {
	i := strings.Index(msg, "bad argument #")
	if i < 0 {
		return msg, false
	}
	to := strings.Index(msg[i:], " to ")
	if to < 0 {
		return msg, false
	}
	start := i + to + len(" to ")
	end := strings.Index(msg[start:], " (")
	if end < 0 {
		return msg, false
	}
	switch msg[start : start+end] {
	case "'" + short + "'", short, "(anonymous)", "?":
		return msg[:start] + "'" + name + "'" + msg[start+end:], true
	}
	return msg, false
}
