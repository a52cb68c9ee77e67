package bindings

import (
	"fmt"
	"strings"

	"github.com/nsh-lua/nsh/bindings/compat"
	"github.com/nsh-lua/nsh/bindings/vocab"
	luasrc "github.com/nsh-lua/nsh/lua"
	lua "github.com/yuin/gopher-lua"
)

// open installs the runtime's hooks and every module in its VM. A module's
// table is built the first time a script names it, as a global, in
// package.loaded or with require, so a script pays only for the modules it
// uses and start-up stays cheap.
func (r *Runtime) open() error {
	L := r.L
	vocab.SetHost(L, r)
	r.handler = L.NewFunction(r.traceback)
	r.installStdlib()
	installCollect(L)
	load := registerModules(L, r.modules, true)
	mt := L.NewTable()
	index := L.NewFunction(func(L *lua.LState) int {
		name, ok := L.Get(2).(lua.LString)
		if !ok {
			return 0
		}
		L.Push(load(L, string(name)))
		return 1
	})
	compat.PureIndex(L, index) // loading a module twice gives the same table
	mt.RawSetString("__index", index)
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
// os.exit is left alone. Call compat.Release(L) before closing L to flush
// and close the files its scripts left open and wait for their io.popen
// children, as lua_close does.
func Attach(L *lua.LState) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("nsh: attach: %v", r)
		}
	}()
	set := Modules()
	compat.Install(L, compat.Hooks{})
	installCollect(L)
	load := registerModules(L, set, false)
	for _, m := range set {
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
func registerModules(L *lua.LState, set vocab.Set, owned bool) func(L *lua.LState, name string) lua.LValue {
	vocab.SetModules(L, set)
	loaded := loadedTable(L)
	load := func(L *lua.LState, name string) lua.LValue {
		// require marks a module being loaded with a sentinel: only a
		// table means it is built.
		if mod, ok := loaded.RawGetString(name).(*lua.LTable); ok {
			return mod
		}
		m, ok := set.Lookup(name)
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
	for _, m := range set {
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
	if f, ok := set.Func("nsh.help"); ok {
		L.SetGlobal("help", L.NewFunction(vocab.Wrap("help", f, owned)))
	}
	return load
}

func openModule(L *lua.LState, m *vocab.Module, owned bool) (*lua.LTable, error) {
	mod := L.NewTable()
	for _, f := range m.Funcs {
		if f.Fn != nil {
			tb, name := subtable(L, mod, f.Name)
			tb.RawSetString(name, L.NewFunction(vocab.Wrap(m.Name+"."+f.Name, f, owned)))
		}
	}
	if m.Fields != nil {
		m.Fields(L, mod)
	}
	if m.Lua != "" {
		if err := runModuleLua(L, m, mod); err != nil {
			return nil, err
		}
	}
	return mod, nil
}

// subtable returns the table a dotted function name ("json.encode") lives
// in under mod, made when missing, and the name's last part.
func subtable(L *lua.LState, mod *lua.LTable, name string) (*lua.LTable, string) {
	for {
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return mod, name
		}
		sub, ok := mod.RawGetString(name[:i]).(*lua.LTable)
		if !ok {
			sub = L.NewTable()
			mod.RawSetString(name[:i], sub)
		}
		mod, name = sub, name[i+1:]
	}
}

// openClass registers a class's metatable. Classes open with the runtime,
// before any module, since one module's functions return another's values
// (netns.add returns an ns handle). The methods stay reachable under
// __methods when Meta supplies its own __index; __name is the type name
// messages use.
func openClass(L *lua.LState, module string, c vocab.Class, owned bool) {
	mt := L.NewTypeMetatable(vocab.ClassMeta(module, c.Name))
	methods := L.NewTable()
	for _, f := range c.Methods {
		methods.RawSetString(f.Name, L.NewFunction(vocab.Wrap(c.Name+":"+f.Name, f, owned)))
	}
	L.SetField(mt, "__index", methods)
	L.SetField(mt, "__methods", methods)
	L.SetField(mt, "__name", lua.LString(module+" "+c.Name))
	for name, fn := range c.Meta {
		L.SetField(mt, name, L.NewFunction(fn))
	}
}

func runModuleLua(L *lua.LState, m *vocab.Module, mod *lua.LTable) error {
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
	L.Push(vocab.LuaHelpers(L))
	if err := L.PCall(2, 0, nil); err != nil {
		return fmt.Errorf("module %s: %w", m.Name, err)
	}
	return nil
}
