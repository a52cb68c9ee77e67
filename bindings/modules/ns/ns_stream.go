//go:build linux

package ns

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

var streamMeta = vocab.ClassMeta("ns", "stream")

// stream is one end of a pipe to a child: p.stdin (write) or p.stdout /
// p.stderr (read). Reads watch the VM's context, so Ctrl-C ends them.
type stream struct {
	f  *os.File
	rd *bufio.Reader
}

func (s *stream) Close() error { return s.f.Close() }

func streamClass() vocab.Class {
	return vocab.Class{
		Name: "stream",
		Doc:  "One end of a pipe to a child process started with stdin, stdout or stderr = \"pipe\": p.stdin is written, p.stdout and p.stderr are read.",
		Methods: []vocab.Func{
			{Name: "read", Args: "([fmt])", Returns: "string | nil", Fn: streamRead,
				Doc:     "Reads from the stream as file:read does: \"l\" a line (default), \"L\" a line with its newline, \"a\" everything, or a byte count; nil at end of file.",
				Example: "local p = ns.spawn{\"echo\", \"hi\", stdout = \"pipe\"}\nprint(p.stdout:read())\np:wait()"},
			{Name: "lines", Args: "()", Returns: "iterator", Fn: streamLines,
				Doc:     "Returns an iterator over the stream's lines, for use in a for loop.",
				Example: "local p = ns.spawn{\"printf\", \"a\\nb\\n\", stdout = \"pipe\"}\nfor l in p.stdout:lines() do print(l) end\np:wait()"},
			{Name: "write", Args: "(…)", Returns: "stream", Fn: streamWrite,
				Doc:     "Writes strings and numbers to the stream and returns it.",
				Example: "local p = ns.spawn{\"cat\", stdin = \"pipe\", stdout = \"pipe\"}\np.stdin:write(\"hello\\n\"):close()\nprint(p.stdout:read(\"a\"))\np:wait()"},
			{Name: "close", Args: "()", Fn: streamClose,
				Doc:     "Closes the stream; closing p.stdin lets the child see end of file.",
				Example: "local p = ns.spawn{\"cat\", stdin = \"pipe\"}\np.stdin:close()\nprint(p:wait())"},
		},
		Meta: map[string]lua.LGFunction{"__tostring": func(L *lua.LState) int {
			L.Push(lua.LString("stream: " + checkStream(L, 1).f.Name()))
			return 1
		}},
	}
}

// fileOf returns the *os.File behind a stream spawn made, or nil.
func fileOf(v any) *os.File {
	f, _ := v.(*os.File)
	return f
}

// newStream makes a stream value for f, or nil when f is nil.
func newStream(L *lua.LState, f *os.File) lua.LValue {
	if f == nil {
		return lua.LNil
	}
	s := &stream{f: f, rd: bufio.NewReader(f)}
	ud := L.NewUserData()
	ud.Value = s
	L.SetMetatable(ud, L.GetTypeMetatable(streamMeta))
	return ud
}

func checkStream(L *lua.LState, n int) *stream {
	ud := L.CheckUserData(n)
	s, ok := ud.Value.(*stream)
	if !ok {
		L.ArgError(n, "stream expected")
	}
	return s
}

// interruptible makes blocking I/O on f end when L's context ends.
func interruptible(L *lua.LState, f *os.File) func() bool {
	ctx := L.Context()
	if ctx == nil {
		return func() bool { return true }
	}
	return context.AfterFunc(ctx, func() { f.SetDeadline(time.Now()) })
}

func streamRead(L *lua.LState) int {
	s := checkStream(L, 1)
	count, isCount := L.Get(2).(lua.LNumber)
	format := "l"
	if !isCount {
		format = L.OptString(2, "l")
	} else if f := float64(count); !(f >= 0 && f <= math.MaxInt32) || f != math.Trunc(f) {
		L.ArgError(2, fmt.Sprintf("byte count must be an integer from 0 to 2^31-1, got %v", f))
	}
	stop := interruptible(L, s.f)
	defer stop()
	var out string
	var err error
	if isCount {
		out, err = readCount(s.rd, int64(count))
	} else {
		switch strings.TrimPrefix(format, "*") {
		case "a":
			var b []byte
			b, err = io.ReadAll(s.rd)
			L.Push(lua.LString(b))
			if err != nil {
				return vocab.Raise(L, "stream:read", s.f.Name(), err)
			}
			return 1
		case "l", "L":
			out, err = s.rd.ReadString('\n')
			if err == io.EOF && out != "" {
				err = nil
			}
			if format != "L" && format != "*L" {
				out = strings.TrimSuffix(out, "\n")
			}
		default:
			L.ArgError(2, "invalid format '"+format+"': must be \"l\", \"L\", \"a\" or a byte count")
		}
	}
	if err == io.EOF {
		L.Push(lua.LNil)
		return 1
	}
	if err != nil {
		return vocab.Raise(L, "stream:read", s.f.Name(), err)
	}
	L.Push(lua.LString(out))
	return 1
}

// readCount reads up to n bytes as file:read(n) does: fewer at end of
// file, io.EOF when nothing is left (read(0) only tests for that). The
// buffer grows with what arrives, so a huge n allocates nothing up front.
func readCount(rd *bufio.Reader, n int64) (string, error) {
	if n == 0 {
		_, err := rd.Peek(1)
		return "", err
	}
	b, err := io.ReadAll(io.LimitReader(rd, n))
	if err == nil && len(b) == 0 {
		err = io.EOF
	}
	return string(b), err
}

func streamLines(L *lua.LState) int {
	checkStream(L, 1)
	self := L.Get(1)
	L.Push(L.NewFunction(func(L *lua.LState) int {
		L.SetTop(0)
		L.Push(self)
		return streamRead(L)
	}))
	return 1
}

func streamWrite(L *lua.LState) int {
	s := checkStream(L, 1)
	stop := interruptible(L, s.f)
	defer stop()
	parts := make([]string, 0, L.GetTop())
	for i := 2; i <= L.GetTop(); i++ {
		parts = append(parts, L.CheckString(i)) // all checked before any is written
	}
	for _, part := range parts {
		if _, err := io.WriteString(s.f, part); err != nil {
			return vocab.Raise(L, "stream:write", s.f.Name(), err)
		}
	}
	L.Push(L.Get(1))
	return 1
}

func streamClose(L *lua.LState) int {
	checkStream(L, 1).f.Close()
	return 0
}
