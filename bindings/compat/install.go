package compat

import (
	"io"
	"math"
	"os"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Hooks is what the host runtime gives Install.
type Hooks struct {
	// Stdout receives print, io.write and writes to io.stdout; nil keeps
	// the process's standard output.
	Stdout io.Writer
	// Exit is called by os.exit(code); after it returns, os.exit raises an
	// error so that the running chunk stops. Nil leaves os.exit alone
	// (gopher-lua's, which ends the process).
	Exit func(code int)
	// Source is told the text of every chunk the loaders compile, by the
	// chunk's shown name (its proto's SourceName). Nil keeps nothing. Use a
	// SourceCache to keep them bounded.
	Source func(name, src string)
}

// Install applies every library mend to L: pcall and xpcall, print,
// tostring, tonumber, error, string arithmetic and string.format, io.write
// and file:write, os.exit and os.execute, math.huge, debug.getinfo's
// source, the coroutine functions, and the loaders (loadstring, load,
// loadfile, dofile, require's Lua-file searcher), which compile through
// Compile. It works on a state nsh made (with Options) and on one a host
// made and attached nsh to.
func Install(L *lua.LState, h Hooks) {
	s := &stdlib{h: h, stdout: os.Stdout}
	if h.Stdout != nil {
		s.stdout = Serialized(h.Stdout) // io.popen children write too
	}
	p := &protector{}
	s.tostring = L.NewFunction(baseToString)
	L.SetGlobal("tostring", s.tostring)
	L.SetGlobal("print", L.NewFunction(s.print))
	L.SetGlobal("tonumber", L.NewFunction(baseToNumber))
	L.SetGlobal("unpack", L.NewFunction(baseUnpack))
	L.SetGlobal("collectgarbage", L.NewFunction((&gcState{pause: 200, stepmul: 200, weak: installWeak(L)}).collect))
	L.SetGlobal("error", L.NewFunction(baseError))
	L.SetGlobal("pcall", L.NewFunction(p.pcall))
	L.SetGlobal("xpcall", L.NewFunction(p.xpcall))
	installStringArith(L)
	if str, ok := L.GetGlobal("string").(*lua.LTable); ok {
		str.RawSetString("format", L.NewFunction(stringFormat))
		installPatterns(L, str)
	}
	s.installIO(L)
	if m, ok := L.GetGlobal("math").(*lua.LTable); ok {
		m.RawSetString("huge", lua.LNumber(math.Inf(1))) // gopher-lua has the largest float
	}
	if os, ok := L.GetGlobal("os").(*lua.LTable); ok {
		if h.Exit != nil {
			os.RawSetString("exit", L.NewFunction(s.osExit))
		}
		os.RawSetString("execute", L.NewFunction(s.osExecute))
		os.RawSetString("date", L.NewFunction(osDate))
		os.RawSetString("clock", L.NewFunction(osClock))
		installOSFiles(L, os)
	}
	installTable(L)
	installBase51(L)
	installPackagePath(L)
	installDebug(L)
	installCoroutine(L)
	(&loaders{h: h}).install(L)
}

// DefaultPath is lua5.1's package.path on Debian, used when LUA_PATH is not
// set: gopher-lua's default lacks /usr/local/lib/lua/5.1 and the
// /usr/share/lua/5.1 directories Debian's Lua packages install into.
const DefaultPath = "./?.lua;/usr/local/share/lua/5.1/?.lua;/usr/local/share/lua/5.1/?/init.lua;" +
	"/usr/local/lib/lua/5.1/?.lua;/usr/local/lib/lua/5.1/?/init.lua;" +
	"/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua"

// installPackagePath sets package.path as lua5.1 does: LUA_PATH with ";;"
// standing for the default, else DefaultPath.
func installPackagePath(L *lua.LState) {
	pkg, ok := L.GetGlobal("package").(*lua.LTable)
	if !ok {
		return
	}
	path := DefaultPath
	if env, ok := os.LookupEnv("LUA_PATH"); ok {
		path = strings.ReplaceAll(env, ";;", ";"+DefaultPath+";")
	}
	pkg.RawSetString("path", lua.LString(path))
}
