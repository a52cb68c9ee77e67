package compat

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// SyntaxError is a chunk that does not compile, worded as lua5.1 words it:
// "t.lua:1: unexpected symbol near '='".
type SyntaxError struct {
	// Message is the whole message, position included.
	Message string
	// Incomplete is true when the chunk ended too early: more input could
	// complete it (an unclosed block, call, table or long string).
	Incomplete bool
}

func (e *SyntaxError) Error() string { return e.Message }

// Compile parses src as a chunk named chunkname, applies the compile-time
// mends and compiles it. chunkname follows lua5.1: "=name" shows as name,
// "@path" as path, anything else as [string "first line..."]. The proto's
// SourceName is that shown form (ShortSource), which error positions and
// debug.getinfo's short_src print.
func Compile(src io.Reader, chunkname string) (*lua.FunctionProto, error) {
	return CompileEdited(src, chunkname, nil)
}

// CompileEdited is Compile with edit applied to the parsed chunk before the
// mends (the REPL keeps its locals this way); nil edits nothing.
func CompileEdited(src io.Reader, chunkname string, edit func([]ast.Stmt) []ast.Stmt) (*lua.FunctionProto, error) {
	short := ShortSource(chunkname)
	text, err := io.ReadAll(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", short, err)
	}
	proto, err := compileMended(text, short, true, edit)
	if err == nil && !linkIntrinsics(proto) {
		proto, err = compileMended(text, short, false, edit)
	}
	var pe *parse.Error
	if errors.As(err, &pe) {
		return nil, syntaxError(pe, chunkID(chunkname, 80), bytes.Count(text, []byte("\n"))+1)
	}
	if err != nil {
		return nil, err
	}
	rememberSource(short, chunkname)
	return proto, nil
}

// compileMended parses text, mends it, with or without intrinsics, and
// compiles it.
func compileMended(text []byte, short string, intrinsics bool, edit func([]ast.Stmt) []ast.Stmt) (*lua.FunctionProto, error) {
	chunk, err := parse.Parse(bytes.NewReader(text), short)
	if err != nil {
		return nil, err
	}
	if edit != nil {
		chunk = edit(chunk)
	}
	chunk = mendBlock(chunk, &mender{concat: intrinsics})
	proto, err := lua.Compile(chunk, short)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", short, err)
	}
	return proto, nil
}

// ShortSource is how lua5.1 shows a chunk name in runtime messages and
// debug.getinfo's short_src (luaO_chunkid with LUA_IDSIZE 60): "=name"
// shows as name, "@path" as path (its last 52 bytes after "..." when
// longer), anything else as [string "first line..."].
func ShortSource(chunkname string) string { return chunkID(chunkname, 60) }

// chunkID is luaO_chunkid for a buffer of size bufflen; the lexer of lua5.1
// uses 80 for syntax errors.
func chunkID(chunkname string, bufflen int) string {
	switch {
	case strings.HasPrefix(chunkname, "="):
		return truncate(chunkname[1:], bufflen-1)
	case strings.HasPrefix(chunkname, "@"):
		s := chunkname[1:]
		room := bufflen - len(" '...' ") - 1
		if len(s) > room {
			return "..." + s[len(s)-room:]
		}
		return s
	}
	line := chunkname
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	room := bufflen - len(` [string "..."] `) - 1
	if len(line) > room {
		line = line[:room]
	}
	if len(line) < len(chunkname) {
		return `[string "` + line + `..."]`
	}
	return `[string "` + line + `"]`
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// syntaxError rewords gopher-lua's parse errors as lua5.1's.
func syntaxError(pe *parse.Error, short string, lines int) error {
	msg := pe.Message
	if msg == "syntax error" {
		msg = "unexpected symbol"
	}
	if pe.Pos.Line == parse.EOF {
		return &SyntaxError{
			Message:    fmt.Sprintf("%s:%d: %s near '<eof>'", short, lines, msg),
			Incomplete: !strings.Contains(msg, "unterminated string"),
		}
	}
	return &SyntaxError{Message: fmt.Sprintf("%s:%d: %s near '%s'", short, pe.Pos.Line, msg, pe.Token)}
}
