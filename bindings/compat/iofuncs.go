package compat

import (
	"io"
	"os"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The functions of io and the methods of its files, as lua5.1's liolib
// gives them.

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
