package compat

import (
	"os"

	lua "github.com/yuin/gopher-lua"
)

// installOSFiles replaces os.remove, os.rename, os.tmpname and
// os.setlocale with lua5.1's results: nil, "name: No such file or
// directory", 2 on failure; a created /tmp/lua_XXXXXX; the C locale.
func installOSFiles(L *lua.LState, oslib *lua.LTable) {
	loc := &locale{name: "C"}
	oslib.RawSetString("remove", L.NewFunction(osRemove))
	oslib.RawSetString("rename", L.NewFunction(osRename))
	oslib.RawSetString("tmpname", L.NewFunction(osTmpname))
	oslib.RawSetString("setlocale", L.NewFunction(loc.set))
}

func osRemove(L *lua.LState) int {
	name := L.CheckString(1)
	return pushResult(L, unwrapPath(os.Remove(name)), name)
}

func osRename(L *lua.LState) int {
	from := L.CheckString(1)
	return pushResult(L, unwrapPath(os.Rename(from, L.CheckString(2))), from)
}

// unwrapPath drops Go's "op path:" wrapping, keeping the errno.
func unwrapPath(err error) error {
	switch e := err.(type) {
	case *os.PathError:
		return e.Err
	case *os.LinkError:
		return e.Err
	}
	return err
}

// osTmpname is os.tmpname(): lua5.1 makes the file with mkstemp and
// returns its name.
func osTmpname(L *lua.LState) int {
	f, err := os.CreateTemp("/tmp", "lua_")
	if err != nil {
		L.RaiseError("unable to generate a unique filename")
	}
	f.Close()
	L.Push(lua.LString(f.Name()))
	return 1
}

// locale is what os.setlocale says: nsh formats and compares as the C
// locale does whatever it is set to, so it accepts the names that mean C
// and the environment's ("" asks for that), and refuses others (nil).
type locale struct{ name string }

var localeCategories = map[string]string{
	"all": "LC_ALL", "collate": "LC_COLLATE", "ctype": "LC_CTYPE",
	"monetary": "LC_MONETARY", "numeric": "LC_NUMERIC", "time": "LC_TIME",
}

func (l *locale) set(L *lua.LState) int {
	cat := L.OptString(2, "all")
	envName, ok := localeCategories[cat]
	if !ok {
		argError(L, 2, "invalid option '"+cat+"'")
	}
	if L.Get(1) == lua.LNil {
		L.Push(lua.LString(l.name))
		return 1
	}
	want := L.CheckString(1)
	env := fromEnv(envName)
	switch want {
	case "C", "POSIX":
		l.name = "C"
	case "", env:
		l.name = env
	default:
		L.Push(lua.LNil)
		return 1
	}
	L.Push(lua.LString(l.name))
	return 1
}

// fromEnv is the locale setlocale(cat, "") picks: LC_ALL, the category's
// variable, LANG, else C.
func fromEnv(category string) string {
	for _, v := range []string{"LC_ALL", category, "LANG"} {
		if s := os.Getenv(v); s != "" {
			return s
		}
	}
	return "C"
}
