package bindings

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nsh-lua/nsh/bindings/compat"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// LuaError is an error raised by Lua code and not caught: its message as
// tostring renders it, and the Lua traceback at the point it was raised.
type LuaError struct {
	Message   string
	Traceback string
	// Value is the raised Lua value; read it only on the VM thread.
	Value lua.LValue
}

func (e *LuaError) Error() string { return e.Message }

// Traceback returns the Lua traceback err carries, "" when it has none.
func Traceback(err error) string {
	var le *LuaError
	if errors.As(err, &le) {
		return le.Traceback
	}
	return ""
}

// Message renders an error a Lua call on L returned as tostring would: on
// a state made with Attach, nsh raises its error value, which
// (*lua.ApiError).Error() shows only as "userdata: 0x…".
func Message(L *lua.LState, err error) string {
	var api *lua.ApiError
	if errors.As(err, &api) && api.Object != nil {
		return L.ToStringMeta(api.Object).String()
	}
	return err.Error()
}

// SyntaxError is a chunk that does not compile.
type SyntaxError struct {
	Message string
	// Incomplete is true when the chunk ended too early: more input could
	// complete it (an unclosed block, call, table or long string).
	Incomplete bool
}

func (e *SyntaxError) Error() string { return e.Message }

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// compile loads code as a chunk named name and remembers its source.
func (r *Runtime) compile(code, name string) (*lua.LFunction, error) {
	fn, err := r.loadSource(code, name)
	if err != nil {
		return nil, syntaxError(err)
	}
	return fn, nil
}

// Call runs fn with args under the traceback handler and returns its
// results; it must run on the VM thread, inside Do.
func (r *Runtime) Call(fn *lua.LFunction, args ...lua.LValue) ([]lua.LValue, error) {
	return r.call(fn, args...)
}

// compileScript loads a script file's code as chunk "@name" (as lua5.1
// names files, for debug.getinfo's source), or "=stdin".
func (r *Runtime) compileScript(code, name string) (*lua.LFunction, error) {
	chunkname := "@" + name
	if name == "stdin" {
		chunkname = "=stdin"
	}
	fn, err := r.loadChunk(code, chunkname)
	if err != nil {
		return nil, syntaxError(err)
	}
	return fn, nil
}

// call runs fn with args under the traceback handler and returns its
// results.
func (r *Runtime) call(fn *lua.LFunction, args ...lua.LValue) ([]lua.LValue, error) {
	L := r.L
	base := L.GetTop()
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	r.trace = ""
	r.depth++
	defer func() { r.depth-- }()
	if err := L.PCall(len(args), lua.MultRet, r.handler); err != nil {
		L.SetTop(base)
		return nil, r.luaError(err)
	}
	n := L.GetTop() - base
	out := make([]lua.LValue, n)
	for i := range out {
		out[i] = L.Get(base + 1 + i)
	}
	L.SetTop(base)
	return out, nil
}

// traceback is the message handler: it records where the error was raised
// and passes the value on, reworded as lua5.1 words the VM's messages.
func (r *Runtime) traceback(L *lua.LState) int {
	v := compat.Reword(L, L.Get(1))
	if r.scope != nil && r.depth == 1 {
		r.scope.closeOpen() // the entry itself is failing, not a call inside it
	}
	if r.trace == "" {
		tb, _ := L.GetField(L.GetGlobal("debug"), "traceback").(*lua.LFunction)
		if tb != nil {
			L.Push(tb)
			L.Push(lua.LString(""))
			L.Push(lua.LNumber(2))
			if L.PCall(2, 1, nil) == nil {
				r.trace = strings.TrimSpace(L.Get(-1).String())
				L.Pop(1)
			}
		}
	}
	L.Push(v)
	return 1
}

func (r *Runtime) luaError(err error) error {
	var api *lua.ApiError
	if !errors.As(err, &api) {
		return err
	}
	msg := api.Error()
	if api.Object != nil {
		msg = errorText(r.L, api.Object)
	}
	return &LuaError{Message: msg, Traceback: r.trace, Value: api.Object}
}

// errorText is how lua(1) shows an error value: a string or number as
// itself, nil as nothing, a value with __tostring (nsh's error values) as
// that says, anything else as "(error object is not a string)".
func errorText(L *lua.LState, v lua.LValue) string {
	switch v.(type) {
	case lua.LString, lua.LNumber:
		return L.ToStringMeta(v).String()
	case *lua.LNilType:
		return ""
	}
	if L.GetMetaField(v, "__tostring") != lua.LNil {
		return L.ToStringMeta(v).String()
	}
	return "(error object is not a string)"
}

// DoString runs code as a chunk named name (as error messages show it).
func (r *Runtime) DoString(ctx context.Context, code, name string) error {
	_, err := r.Eval(ctx, code, name)
	return err
}

// Eval runs code as a chunk named name and returns its results. The values
// belong to the VM: read them inside Do, or convert them before other calls.
func (r *Runtime) Eval(ctx context.Context, code, name string, args ...lua.LValue) ([]lua.LValue, error) {
	var out []lua.LValue
	err := r.Do(ctx, func(L *lua.LState) error {
		fn, err := r.compile(code, name)
		if err != nil {
			return err
		}
		out, err = r.call(fn, args...)
		return err
	})
	return out, err
}

// EvalInteractive runs a line typed at a prompt: as an expression when
// "return " + code compiles, else as a statement, and returns its values
// rendered as the REPL shows them (tab-separated), "" when there are none.
// Its top-level locals stay visible to the entries after it (see
// replScope), and calling a module function that does not exist says
// which one was meant (see explain).
//
// name is the chunk's name in messages; the REPL numbers its chunks
// ("stdin#3") so that each keeps its source, which ns.clone needs to ship a
// function defined at an earlier prompt.
func (r *Runtime) EvalInteractive(ctx context.Context, name, code string) (string, error) {
	var text string
	err := r.Do(ctx, func(L *lua.LState) error {
		if r.scope == nil {
			r.scope = newReplScope(L)
		}
		fn, err := r.compileEntry(code, name)
		if err != nil {
			return err
		}
		vals, err := r.call(fn, r.scope.keep)
		r.scope.closeOpen()
		if err != nil {
			return r.explain(L, code, err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = vocab.Repr(L, v)
		}
		text = strings.Join(parts, "\t")
		return nil
	})
	return text, err
}

// Check compiles code the way EvalInteractive would, without running it:
// nil when it compiles, else a *SyntaxError that tells whether more input
// could complete it.
func (r *Runtime) Check(code string) error {
	return r.Do(context.Background(), func(L *lua.LState) error {
		_, errExpr := compileChunk(L, strings.NewReader("return "+code), "=stdin")
		if errExpr == nil {
			return nil
		}
		_, errStmt := compileChunk(L, strings.NewReader(code), "=stdin")
		if errStmt == nil {
			return nil
		}
		se := syntaxError(errStmt).(*SyntaxError)
		if ee := syntaxError(errExpr).(*SyntaxError); ee.Incomplete {
			se.Incomplete = true
		}
		return se
	})
}

// Moved lists the namespaces the VM thread is in now that differ from the
// process's, as "net:4026532283"; empty when it has not moved. The answer
// comes from the one registry of thread changes (bindings/core/osthread).
func (r *Runtime) Moved() []string {
	var out []string
	r.Do(context.Background(), func(L *lua.LState) error {
		out = movedNamespaces()
		return nil
	})
	return out
}

// syntaxError turns a compile error into a SyntaxError, telling an
// incomplete chunk (the parser hit the end of input: an open block, call,
// table or long string) from a real mistake.
func syntaxError(err error) error {
	var se *compat.SyntaxError
	if errors.As(err, &se) {
		return &SyntaxError{Message: se.Message, Incomplete: se.Incomplete}
	}
	return &SyntaxError{Message: err.Error()}
}

// panicError reports a Go panic inside a binding as an error instead of
// letting it reach the user.
func panicError(p any) error {
	return fmt.Errorf("nsh: internal error (please report): %v", p)
}
