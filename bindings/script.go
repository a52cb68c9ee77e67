package bindings

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Script is a Lua program to run with DoScript.
type Script struct {
	// Name is the chunk name, and arg[0]: a path, or "stdin".
	Name string
	// Arg0 overrides arg[0] when the chunk name is not what the user typed
	// ("-" for a script read from standard input).
	Arg0 string
	// Code is the program; a first line starting with "#" is skipped
	// (kept as an empty line so line numbers hold), for #! scripts.
	Code []byte
	// Args are arg[1..n] and the main chunk's "...".
	Args []string
	// Interpreter is arg[-1], the program name; empty for none.
	Interpreter string
	// Options, when given, are arg[-n..-1] instead: the interpreter and
	// the options before the script, as lua5.1 sets them.
	Options []string
	// NoArg leaves the global arg alone: lua5.1 makes no arg table for
	// LUA_INIT or for standard input run without naming a script.
	NoArg bool
}

// DoFile runs the Lua file at path with args, as `nsh path args…` does.
func (r *Runtime) DoFile(ctx context.Context, path string, args ...string) error {
	_, err := r.EvalFile(ctx, path, args...)
	return err
}

// EvalFile runs the Lua file at path with args and returns the values its
// main chunk returned (read them inside Do, as Eval's).
func (r *Runtime) EvalFile(ctx context.Context, path string, args ...string) ([]lua.LValue, error) {
	code, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // "cannot open x.lua: no such file or directory", once
		}
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	return r.EvalScript(ctx, Script{Name: path, Code: code, Args: args})
}

// DoScript sets the global arg table and runs the script with its args.
func (r *Runtime) DoScript(ctx context.Context, s Script) error {
	_, err := r.EvalScript(ctx, s)
	return err
}

// EvalScript is DoScript returning the values the main chunk returned.
func (r *Runtime) EvalScript(ctx context.Context, s Script) ([]lua.LValue, error) {
	code := skipShebang(string(s.Code))
	var out []lua.LValue
	err := r.Do(ctx, func(L *lua.LState) error {
		if !s.NoArg {
			r.setArgs(s)
		}
		fn, err := r.compileScript(code, s.Name)
		if err != nil {
			return err
		}
		args := make([]lua.LValue, len(s.Args))
		for i, a := range s.Args {
			args[i] = lua.LString(a)
		}
		out, err = r.call(fn, args...)
		return err
	})
	return out, err
}

// SetArgs sets the global arg table without running anything, for -e and
// the REPL.
func (r *Runtime) SetArgs(s Script) error {
	return r.Do(context.Background(), func(L *lua.LState) error {
		r.setArgs(s)
		return nil
	})
}

func (r *Runtime) setArgs(s Script) {
	t := r.L.NewTable()
	if s.Interpreter != "" {
		t.RawSetInt(-1, lua.LString(s.Interpreter))
	}
	for i, o := range s.Options {
		t.RawSetInt(i-len(s.Options), lua.LString(o))
	}
	arg0 := s.Name
	if s.Arg0 != "" {
		arg0 = s.Arg0
	}
	t.RawSetInt(0, lua.LString(arg0))
	for i, a := range s.Args {
		t.RawSetInt(i+1, lua.LString(a))
	}
	r.L.SetGlobal("arg", t)
}

func skipShebang(code string) string {
	if !strings.HasPrefix(code, "#") {
		return code
	}
	if i := strings.IndexByte(code, '\n'); i >= 0 {
		return code[i:]
	}
	return ""
}

// Require loads module name with Lua's require, as `nsh -l name` does.
func (r *Runtime) Require(ctx context.Context, name string) error {
	return r.Do(ctx, func(L *lua.LState) error {
		fn, ok := L.GetGlobal("require").(*lua.LFunction)
		if !ok {
			return errString("require is not a function")
		}
		_, err := r.call(fn, lua.LString(name))
		return err
	})
}
