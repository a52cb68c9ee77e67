package compat

import (
	"io"
	"os"
	"strings"
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

func (st *ioState) fToString(L *lua.LState) int {
	L.Push(lua.LString(checkFile(L, 1).name()))
	return 1
}

func (st *ioState) fClose(L *lua.LState) int {
	return pushResult(L, st.closeFile(toFile(L, 1)), "")
}

func (st *ioState) ioClose(L *lua.LState) int {
	if L.GetTop() == 0 {
		return pushResult(L, st.closeFile(st.output.Value.(*luaFile)), "")
	}
	return st.fClose(L)
}

func (st *ioState) fFlush(L *lua.LState) int {
	return pushResult(L, toFile(L, 1).flush(), "")
}

func (st *ioState) ioFlush(L *lua.LState) int {
	return pushResult(L, st.defaultFile(L, true).flush(), "")
}

func (st *ioState) fWrite(L *lua.LState) int {
	return st.write(L, toFile(L, 1), 2)
}

func (st *ioState) ioWrite(L *lua.LState) int {
	return st.write(L, st.defaultFile(L, true), 1)
}

// write is lua5.1's g_write: strings and numbers (as %.14g), true or
// nil, message, errno.
func (st *ioState) write(L *lua.LState, lf *luaFile, first int) int {
	var err error
	for i := first; i <= L.GetTop(); i++ {
		var s string
		switch v := L.Get(i).(type) {
		case lua.LString:
			s = string(v)
		case lua.LNumber:
			s = FormatNumber(v)
		default:
			argError(L, i-first+1, "string expected, got "+typeName(v))
		}
		if err == nil {
			err = lf.writeString(s)
		}
	}
	return pushResult(L, err, "")
}

var seekModes = map[string]int{"set": io.SeekStart, "cur": io.SeekCurrent, "end": io.SeekEnd}

func (st *ioState) fSeek(L *lua.LState) int {
	lf := toFile(L, 1)
	mode := L.OptString(2, "cur")
	whence, ok := seekModes[mode]
	if !ok {
		argError(L, 1, "invalid option '"+mode+"'")
	}
	pos, err := lf.seek(int64(L.OptNumber(3, 0)), whence)
	if err != nil {
		return pushError(L, err, "")
	}
	L.Push(lua.LNumber(pos))
	return 1
}

func (st *ioState) fSetvbuf(L *lua.LState) int {
	lf := toFile(L, 1)
	mode := L.CheckString(2)
	if mode != "no" && mode != "full" && mode != "line" {
		argError(L, 1, "invalid option '"+mode+"'")
	}
	return pushResult(L, lf.setvbuf(mode, L.OptInt(3, 4096)), "")
}

func (st *ioState) ioType(L *lua.LState) int {
	L.CheckAny(1)
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if lf, ok := ud.Value.(*luaFile); ok {
			if lf.done {
				L.Push(lua.LString("closed file"))
			} else {
				L.Push(lua.LString("file"))
			}
			return 1
		}
	}
	L.Push(lua.LNil)
	return 1
}

// openMode parses an fopen mode as glibc does: r, w or a, then + and
// flags it ignores. ok is false for a mode fopen refuses (EINVAL).
func openMode(mode string) (flag int, readable, writable, ok bool) {
	if mode == "" {
		return 0, false, false, false
	}
	plus := strings.Contains(mode[1:], "+")
	switch mode[0] {
	case 'r':
		flag, readable, writable = os.O_RDONLY, true, false
	case 'w':
		flag, readable, writable = os.O_WRONLY|os.O_CREATE|os.O_TRUNC, false, true
	case 'a':
		flag, readable, writable = os.O_WRONLY|os.O_CREATE|os.O_APPEND, false, true
	default:
		return 0, false, false, false
	}
	if plus {
		flag = flag&^os.O_WRONLY | os.O_RDWR
		readable, writable = true, true
	}
	return flag, readable, writable, true
}

// openFile opens name as fopen(name, mode) does.
func (st *ioState) openFile(L *lua.LState, name, mode string) (*lua.LUserData, error) {
	flag, readable, writable, ok := openMode(mode)
	if !ok {
		return nil, errInval
	}
	f, err := os.OpenFile(name, flag, 0o666)
	if err != nil {
		return nil, err
	}
	return st.wrap(L, newLuaFile(f, readable, writable, true)), nil
}

func (st *ioState) ioOpen(L *lua.LState) int {
	name := L.CheckString(1)
	ud, err := st.openFile(L, name, L.OptString(2, "r"))
	if err != nil {
		return pushError(L, err, name)
	}
	L.Push(ud)
	return 1
}

func (st *ioState) ioTmpfile(L *lua.LState) int {
	f, err := os.CreateTemp("", "lua_")
	if err != nil {
		return pushError(L, err, "")
	}
	os.Remove(f.Name())
	L.Push(st.wrap(L, newLuaFile(f, true, true, true)))
	return 1
}

func (st *ioState) ioInput(L *lua.LState) int {
	return st.ioFile(L, false, "r")
}

func (st *ioState) ioOutput(L *lua.LState) int {
	return st.ioFile(L, true, "w")
}

// ioFile is lua5.1's g_iofile: io.input and io.output.
func (st *ioState) ioFile(L *lua.LState, output bool, mode string) int {
	slot := &st.input
	if output {
		slot = &st.output
	}
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
	case lua.LString, lua.LNumber:
		name := lua.LVAsString(v)
		ud, err := st.openFile(L, name, mode)
		if err != nil {
			msg, _ := strerror(err)
			argError(L, 1, name+": "+msg)
		}
		*slot = ud
	default:
		toFile(L, 1)
		*slot = v.(*lua.LUserData)
	}
	L.Push(*slot)
	return 1
}
