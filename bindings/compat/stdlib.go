package compat

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

// stdlib holds the hooks the replaced library functions use.
type stdlib struct {
	h        Hooks
	stdout   io.Writer      // h.Stdout, or os.Stdout
	tostring *lua.LFunction // nsh's tostring, to call it directly from print
}

// ToString renders v as lua5.1's tostring does: __tostring first, numbers
// with FormatNumber.
func ToString(L *lua.LState, v lua.LValue) string {
	if n, ok := v.(lua.LNumber); ok {
		return FormatNumber(n)
	}
	if mm := L.GetMetaField(v, "__tostring"); mm != lua.LNil {
		L.Push(mm)
		L.Push(v)
		L.Call(1, 1)
		s := L.Get(-1)
		L.Pop(1)
		if n, ok := s.(lua.LNumber); ok {
			return FormatNumber(n)
		}
		str, ok := s.(lua.LString)
		if !ok {
			L.RaiseError("'__tostring' must return a string")
		}
		return string(str)
	}
	return L.ToStringMeta(v).String()
}

// baseToString is tostring(v): what __tostring returns, whatever it is,
// as in lua5.1.
func baseToString(L *lua.LState) int {
	v := L.CheckAny(1)
	if mm := L.GetMetaField(v, "__tostring"); mm != lua.LNil {
		L.Push(mm)
		L.Push(v)
		L.Call(1, 1)
		return 1
	}
	L.Push(lua.LString(ToString(L, v)))
	return 1
}

// maxResults is lua5.1's LUAI_MAXCSTACK: unpack refuses to return more.
const maxResults = 8000

// baseUnpack is unpack(list [, i [, j]]), refusing more than maxResults
// values as lua5.1 does ("too many results to unpack") instead of
// overflowing gopher-lua's value stack.
func baseUnpack(L *lua.LState) int {
	tb := L.CheckTable(1)
	i := L.OptInt(2, 1)
	j := L.OptInt(3, tb.Len())
	if i > j {
		return 0
	}
	if n := int64(j) - int64(i) + 1; n >= maxResults {
		L.RaiseError("too many results to unpack")
	}
	for k := i; k <= j; k++ {
		L.Push(rawIndex(tb, k))
	}
	return j - i + 1
}

// print is lua5.1's print: each value through the global tostring,
// separated by tabs, on the host's writer.
func (s *stdlib) print(L *lua.LState) int {
	top := L.GetTop()
	tostring := L.GetGlobal("tostring")
	buf := make([]byte, 0, 64)
	for i := 1; i <= top; i++ {
		if i > 1 {
			buf = append(buf, '\t')
		}
		if tostring == s.tostring {
			buf = append(buf, ToString(L, L.Get(i))...)
			continue
		}
		L.Push(tostring)
		L.Push(L.Get(i))
		L.Call(1, 1)
		str, ok := L.Get(-1).(lua.LString)
		if !ok {
			L.RaiseError("'tostring' must return a string to 'print'")
		}
		L.Pop(1)
		buf = append(buf, str...)
	}
	buf = append(buf, '\n')
	s.stdout.Write(buf)
	return 0
}

// baseError is error([message [, level]]). gopher-lua v1.1.2 counts levels
// one short: its error(msg, 2) names the function that raised, not its
// caller, so levels above 1 are passed on plus one. error() raises nil.
func baseError(L *lua.LState) int {
	obj := L.Get(1)
	if n, ok := obj.(lua.LNumber); ok {
		obj = lua.LString(FormatNumber(n)) // a number gets the position too
	}
	level := L.OptInt(2, 1)
	if level >= 2 {
		level++
	}
	if level >= 2 && noCaller(L, level-1) {
		level = 0
	}
	L.Error(obj, level)
	return 0
}

// installIO replaces the io library with nsh's (iolib.go); writes to the
// state's io.stdout go to the host's writer.
func (s *stdlib) installIO(L *lua.LState) {
	installIOLib(L, s.stdout, s.h.Stdout != nil)
}

// osExit is os.exit([code]): it tells the host, then raises so that the
// running chunk stops if the host did not stop it.
func (s *stdlib) osExit(L *lua.LState) int {
	code := 0
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
	case lua.LBool:
		if !bool(v) {
			code = 1
		}
	case lua.LNumber:
		code = int(v)
	default:
		L.ArgError(1, "number or boolean expected, got "+v.Type().String())
	}
	s.h.Exit(code)
	L.RaiseError("os.exit(%d)", code)
	return 0
}

// osExecute is os.execute([command]): the wait status as system(3) gives
// it (exit code 3 is 768), and 1 (a shell exists) without a command.
func (s *stdlib) osExecute(L *lua.LState) int {
	if L.GetTop() == 0 || L.Get(1) == lua.LNil {
		L.Push(lua.LNumber(1))
		return 1
	}
	cmd := exec.Command("/bin/sh", "-c", L.CheckString(1))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, s.stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		L.Push(lua.LNumber(127 << 8))
		_ = err
		return 1
	}
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	L.Push(lua.LNumber(int(ws)))
	return 1
}

// Quote renders s as lua5.1's string.format("%q") does.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString("\\\n")
		case '\r':
			b.WriteString("\\r")
		case 0:
			b.WriteString("\\000")
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
