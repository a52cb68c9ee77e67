package bindings

import (
	"fmt"

	luasrc "github.com/nsh-lua/nsh/lua"
	lua "github.com/yuin/gopher-lua"
)

// open installs the runtime's hooks and every registered module in its VM.
func (r *Runtime) open() error {
	L := r.L
	ud := L.NewUserData()
	ud.Value = r
	L.SetField(L.Get(lua.RegistryIndex), runtimeKey, ud)
	r.installStdlib()
	return openModules(L, true)
}

// Attach adds the nsh modules to a Lua state the caller already owns, as
// globals and as require-able modules. nsh does not own the thread such a
// state runs on, so every function that would change the calling thread's
// namespaces refuses with an error instead of corrupting the host; print
// keeps the host's behaviour.
func Attach(L *lua.LState) error {
	return openModules(L, false)
}

func openModules(L *lua.LState, owned bool) error {
	loaded := L.FindTable(L.Get(lua.RegistryIndex).(*lua.LTable), "_LOADED", 1).(*lua.LTable)
	for _, m := range Modules() {
		mod, err := openModule(L, m, owned)
		if err != nil {
			return err
		}
		L.SetGlobal(m.Name, mod)
		loaded.RawSetString(m.Name, mod)
	}
	return nil
}

func openModule(L *lua.LState, m *Module, owned bool) (*lua.LTable, error) {
	mod := L.NewTable()
	for _, f := range m.Funcs {
		if f.Fn != nil {
			mod.RawSetString(f.Name, L.NewFunction(guard(m.Name+"."+f.Name, f, owned)))
		}
	}
	for _, c := range m.Classes {
		openClass(L, m.Name, c, owned)
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

func openClass(L *lua.LState, module string, c Class, owned bool) {
	mt := L.NewTypeMetatable(ClassMeta(module, c.Name))
	methods := L.NewTable()
	for _, f := range c.Methods {
		methods.RawSetString(f.Name, L.NewFunction(guard(module+"."+c.Name+":"+f.Name, f, owned)))
	}
	L.SetField(mt, "__index", methods)
	for name, fn := range c.Meta {
		L.SetField(mt, name, L.NewFunction(fn))
	}
}

// guard returns f's implementation, or on a foreign state a refusal for
// functions that would move the calling thread between namespaces.
func guard(name string, f Func, owned bool) lua.LGFunction {
	if owned || !f.Thread {
		return f.Fn
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
	fn, err := L.Load(bytesReader(src), "lua/"+m.Lua)
	if err != nil {
		return fmt.Errorf("module %s: %w", m.Name, err)
	}
	if r := RuntimeOf(L); r != nil {
		r.sources["lua/"+m.Lua] = string(src)
	}
	L.Push(fn)
	L.Push(mod)
	if err := L.PCall(1, 0, nil); err != nil {
		return fmt.Errorf("module %s: %w", m.Name, err)
	}
	return nil
}
