package vocab

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/nsh-lua/nsh/bindings/compat"
	lua "github.com/yuin/gopher-lua"
)

// Wrap returns the Lua function that implements f under its public name
// ("ns.self", "process:wait"). Misuse that gopher-lua's own checks raise
// (L.CheckString, L.ArgError) becomes the one error value naming that
// function, whether it was called as a field, a method or through pcall;
// errors raised by Lua code the function called back pass through as they
// are. Lua the function calls back cannot yield across it (compat.NoYield).
// On a state nsh does not own (owned false), a function that would
// move the calling thread refuses instead.
func Wrap(name string, f Func, owned bool) lua.LGFunction {
	if !owned && f.Thread {
		return func(L *lua.LState) int {
			return Raise(L, name, "", errForeignThread)
		}
	}
	short := name[strings.LastIndexAny(name, ".:")+1:]
	fn := f.Fn
	return func(L *lua.LState) int {
		// Lua that an nsh function calls back (ns.with's function, an
		// ns.list predicate, topo.with's) must not yield across it.
		release := compat.NoYield(L)
		defer release()
		defer func() {
			if r := recover(); r != nil {
				panic(asNshError(L, r, short, name))
			}
		}()
		return fn(L)
	}
}

type foreignThread struct{}

func (foreignThread) Error() string {
	return "refused on a Lua state nsh does not own: it would change the namespaces of the host's thread; use bindings.New to get a runtime with its own thread"
}

var errForeignThread error = foreignThread{}

// badArgument matches gopher-lua's "[where: ]bad argument #n to NAME (msg)".
var badArgument = regexp.MustCompile(`(?s)bad argument #(\d+) to (.+?) \((.*)\)$`)

// asNshError turns a "bad argument" error that names the function (as
// short, 'short', (anonymous) or ?) into the error value; anything else
// passes through unchanged.
func asNshError(L *lua.LState, r any, short, name string) any {
	e, ok := r.(*lua.ApiError)
	if !ok {
		return r
	}
	msg, ok := e.Object.(lua.LString)
	if !ok {
		return r
	}
	m := badArgument.FindStringSubmatch(string(msg))
	if m == nil {
		return r
	}
	switch m[2] {
	case "'" + short + "'", short, "(anonymous)", "?", "'?'", "main chunk", "'main chunk'":
	default:
		return r
	}
	n, _ := strconv.Atoi(m[1])
	e.Object = Value(L, &Error{Op: name, Arg: n, Err: plainError(m[3])})
	return e
}

type plainError string

func (p plainError) Error() string { return string(p) }

// maxEcho bounds how much of a bad value a message repeats.
const maxEcho = 80

// Clip shortens s to a length a message can repeat.
func Clip(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	return s[:maxEcho] + "…"
}

// Quote renders a user's string for a message: quoted, clipped, with
// control bytes escaped.
func Quote(s string) string {
	return Clip(strconv.Quote(s))
}
