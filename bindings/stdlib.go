package bindings

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// installStdlib routes print and io.write to the runtime's writer and makes
// os.exit end the script instead of the process.
func (r *Runtime) installStdlib() {
	L := r.L
	L.SetGlobal("print", L.NewFunction(r.luaPrint))
	L.SetGlobal("error", L.NewFunction(luaError))
	r.installLoaders()
	if io, ok := L.GetGlobal("io").(*lua.LTable); ok {
		io.RawSetString("write", L.NewFunction(r.luaWrite))
	}
	if m, ok := L.GetGlobal("math").(*lua.LTable); ok {
		m.RawSetString("huge", lua.LNumber(math.Inf(1))) // gopher-lua has the largest float
	}
	if os, ok := L.GetGlobal("os").(*lua.LTable); ok {
		os.RawSetString("exit", L.NewFunction(r.luaExit))
	}
}

// luaError is Lua's error(message [, level]). gopher-lua v1.1.2 counts
// levels one short: its error(msg, 2) names the function that raised, not
// its caller. nsh passes level+1 for levels above 1, so level 2 points at
// the caller, as Lua's manual says and scripts expect.
func luaError(L *lua.LState) int {
	obj := L.CheckAny(1)
	level := L.OptInt(2, 1)
	if level >= 2 {
		level++
	}
	L.Error(obj, level)
	return 0
}

// luaPrint is Lua's print on the runtime's writer.
func (r *Runtime) luaPrint(L *lua.LState) int {
	top := L.GetTop()
	buf := make([]byte, 0, 64)
	for i := 1; i <= top; i++ {
		if i > 1 {
			buf = append(buf, '\t')
		}
		buf = append(buf, L.ToStringMeta(L.Get(i)).String()...)
	}
	buf = append(buf, '\n')
	r.opts.Stdout.Write(buf)
	return 0
}

// luaWrite is io.write on the runtime's writer: strings and numbers only.
func (r *Runtime) luaWrite(L *lua.LState) int {
	for i := 1; i <= L.GetTop(); i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			io.WriteString(r.opts.Stdout, string(v))
		case lua.LNumber:
			io.WriteString(r.opts.Stdout, v.String())
		default:
			L.ArgError(i, "string expected, got "+v.Type().String())
		}
	}
	L.Push(L.GetField(L.GetGlobal("io"), "stdout"))
	return 1
}

// ExitError is returned when a script called os.exit: the runtime stopped
// the script, and a command-line host exits with Code after closing it.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("os.exit(%d)", e.Code) }

// luaExit is os.exit([code]): it records the code and cancels the running
// evaluation, so the script ends (pcall cannot keep it alive: the VM raises
// again at every instruction once cancelled) and the runtime can release
// what it holds. It never exits the host process.
func (r *Runtime) luaExit(L *lua.LState) int {
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
	if r.cancel != nil {
		r.cancel(&ExitError{Code: code})
	}
	L.RaiseError("os.exit(%d)", code)
	return 0
}

// stopCause returns why ctx was cancelled when the canceller said why: an
// ExitError from os.exit, ErrClosed from Close, or a cause the host gave
// (a signal). A plain cancel or a deadline gives none, and the script's
// own error stands.
func stopCause(ctx context.Context) (error, bool) {
	cause := context.Cause(ctx)
	if ctx.Err() == nil || cause == nil || errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		return nil, false
	}
	return cause, true
}
