package compat

import (
	"io"
	"os"
	"weak"

	lua "github.com/yuin/gopher-lua"
)

// ioState is one state's io library: its default files and every file it
// opened that is still open, closed by Release as lua_close closes them.
type ioState struct {
	stdout io.Writer // the host's writer for io.stdout
	meta   *lua.LTable
	input  *lua.LUserData
	output *lua.LUserData
	open   map[*fileCore]weak.Pointer[luaFile]
	order  []*fileCore // open files, oldest first (some closed since)
}

// ioStateKey is the registry field holding a state's *ioState.
const ioStateKey = "nsh.io"

// installIOLib replaces gopher-lua's io library with nsh's: lua5.1's
// results and messages, C stdio's buffering, io.popen with the child's
// stdin, stdout and stderr as popen(3) gives them, and pclose's wait.
func installIOLib(L *lua.LState, stdout io.Writer, hostStdout bool) {
	st := &ioState{stdout: stdout, open: map[*fileCore]weak.Pointer[luaFile]{}}
	L.G.Registry.RawSetString(ioStateKey, &lua.LUserData{Value: st})
	st.meta = L.NewTypeMetatable("FILE*")
	methods := L.NewTable()
	for name, fn := range map[string]lua.LGFunction{
		"close": st.fClose, "flush": st.fFlush, "lines": st.fLines, "read": st.fRead,
		"seek": st.fSeek, "setvbuf": st.fSetvbuf, "write": st.fWrite,
	} {
		methods.RawSetString(name, L.NewFunction(fn))
	}
	st.meta.RawSetString("__index", methods)
	st.meta.RawSetString("__tostring", L.NewFunction(st.fToString))
	lib := L.NewTable()
	for name, fn := range map[string]lua.LGFunction{
		"close": st.ioClose, "flush": st.ioFlush, "input": st.ioInput, "lines": st.ioLines,
		"open": st.ioOpen, "output": st.ioOutput, "popen": st.ioPopen, "read": st.ioRead,
		"tmpfile": st.ioTmpfile, "type": st.ioType, "write": st.ioWrite,
	} {
		lib.RawSetString(name, L.NewFunction(fn))
	}
	stdin := newLuaFile(os.Stdin, true, false, false)
	out := &luaFile{fileCore: &fileCore{}, sink: stdout, write: true}
	if !hostStdout {
		out.f = os.Stdout
	}
	stderr := newLuaFile(os.Stderr, false, true, false)
	for name, lf := range map[string]*luaFile{"stdin": stdin, "stdout": out, "stderr": stderr} {
		lf.std = true
		lib.RawSetString(name, st.wrap(L, lf))
	}
	st.input = lib.RawGetString("stdin").(*lua.LUserData)
	st.output = lib.RawGetString("stdout").(*lua.LUserData)
	L.SetGlobal("io", lib)
	wrapCollect(L)
	if loaded, ok := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable); ok {
		loaded.RawSetString("io", lib)
	}
}

// wrap makes lf a Lua value and, unless it is a standard file, tracks it.
func (st *ioState) wrap(L *lua.LState, lf *luaFile) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = lf
	ud.Metatable = st.meta
	if !lf.std {
		st.open[lf.fileCore] = weak.Make(lf)
		st.order = append(st.order, lf.fileCore)
	}
	return ud
}

// closeFile closes lf and forgets it.
func (st *ioState) closeFile(lf *luaFile) error {
	err := lf.close()
	if lf.done {
		delete(st.open, lf.fileCore)
	}
	return err
}

// sweep closes the files the scripts dropped, as lua5.1's __gc closes
// them: collectgarbage() calls it after Go's collector ran.
func (st *ioState) sweep() {
	kept := st.order[:0]
	for _, c := range st.order {
		wp, open := st.open[c]
		if open && wp.Value() == nil {
			c.close()
			delete(st.open, c)
			open = false
		}
		if open {
			kept = append(kept, c)
		}
	}
	clear(st.order[len(kept):])
	st.order = kept
}

// SweepFiles closes the files of L its scripts can no longer reach; run
// it after a garbage collection (collectgarbage does).
func SweepFiles(L *lua.LState) {
	if st := stateOf(L); st != nil {
		st.sweep()
	}
}

// stateOf returns L's io library state, nil without one.
func stateOf(L *lua.LState) *ioState {
	ud, ok := L.G.Registry.RawGetString(ioStateKey).(*lua.LUserData)
	if !ok {
		return nil
	}
	st, _ := ud.Value.(*ioState)
	return st
}

// Release closes every file a state's scripts left open, oldest first,
// flushing their buffers and waiting for the children of io.popen handles
// as pclose does (their pipes closed first, so a child reading its stdin
// sees end of file and one writing gets SIGPIPE), then flushes the
// standard output. Call it before L.Close; it is harmless on a state
// without nsh's io library and when called twice.
func Release(L *lua.LState) {
	st := stateOf(L)
	if st == nil {
		return
	}
	for _, c := range st.order {
		if _, open := st.open[c]; open {
			c.close()
			delete(st.open, c)
		}
	}
	st.order = nil
}

// toFile returns argument n as an open file, raising as lua5.1 does.
func toFile(L *lua.LState, n int) *luaFile {
	lf := checkFile(L, n)
	if lf.done {
		L.RaiseError("attempt to use a closed file")
	}
	return lf
}

// checkFile returns argument n as a file, open or closed.
func checkFile(L *lua.LState, n int) *luaFile {
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if lf, ok := ud.Value.(*luaFile); ok {
			return lf
		}
	}
	argError(L, n, "FILE* expected, got "+argTypeName(L, n))
	return nil
}

// typeName is the type name lua5.1's messages use ("no value" for none).
func typeName(v lua.LValue) string {
	return v.Type().String()
}

// defaultFile returns the default input or output, refusing a closed one
// as lua5.1 does ("standard output file is closed").
func (st *ioState) defaultFile(L *lua.LState, output bool) *luaFile {
	ud, what := st.input, "input"
	if output {
		ud, what = st.output, "output"
	}
	lf := ud.Value.(*luaFile)
	if lf.done {
		L.RaiseError("standard %s file is closed", what)
	}
	return lf
}

// wrapCollect makes collectgarbage() and collectgarbage("collect") close
// the files the scripts dropped, after the collection, as lua5.1's __gc
// does for files.
func wrapCollect(L *lua.LState) {
	orig, ok := L.GetGlobal("collectgarbage").(*lua.LFunction)
	if !ok {
		return
	}
	L.SetGlobal("collectgarbage", L.NewFunction(func(L *lua.LState) int {
		top := L.GetTop()
		sweep := L.OptString(1, "collect") == "collect"
		L.Push(orig)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top, lua.MultRet)
		if sweep {
			SweepFiles(L)
		}
		return L.GetTop() - top
	}))
}
