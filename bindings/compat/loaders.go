package compat

import (
	"io"
	"os"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// loaders are loadstring, load, loadfile, dofile and require's Lua-file
// searcher, compiling through Compile and telling the host each source.
type loaders struct{ h Hooks }

func (l *loaders) install(L *lua.LState) {
	L.SetGlobal("loadstring", L.NewFunction(l.loadString))
	L.SetGlobal("load", L.NewFunction(l.load))
	L.SetGlobal("loadfile", L.NewFunction(l.loadFile))
	L.SetGlobal("dofile", L.NewFunction(l.doFile))
	if searchers, ok := L.GetField(L.GetGlobal("package"), "loaders").(*lua.LTable); ok {
		searchers.RawSetInt(2, L.NewFunction(l.search))
	}
}

// Load compiles src as chunk chunkname into a function of L.
func (l *loaders) Load(L *lua.LState, src, chunkname string) (*lua.LFunction, error) {
	proto, err := Compile(strings.NewReader(src), chunkname)
	if err != nil {
		return nil, err
	}
	if l.h.Source != nil {
		l.h.Source(proto.SourceName, src)
	}
	return L.NewFunctionFromProto(proto), nil
}

// loadResult pushes fn, or nil and the message, as Lua's load functions do.
func loadResult(L *lua.LState, fn *lua.LFunction, err error) int {
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(fn)
	return 1
}

// loadString is loadstring(s [, chunkname]).
func (l *loaders) loadString(L *lua.LState) int {
	src := L.CheckString(1)
	fn, err := l.Load(L, src, L.OptString(2, src))
	return loadResult(L, fn, err)
}

// load is load(func [, chunkname]): func returns the pieces.
func (l *loaders) load(L *lua.LState) int {
	reader := L.CheckFunction(1)
	name := L.OptString(2, "=(load)")
	var b strings.Builder
	for {
		L.Push(reader)
		if err := L.PCall(0, 1, nil); err != nil { // lua5.1 returns a reader's error
			L.Push(lua.LNil)
			L.Push(errorValue(err))
			return 2
		}
		piece := L.Get(-1)
		L.Pop(1)
		s, ok := piece.(lua.LString)
		if piece == lua.LNil || ok && s == "" {
			break
		}
		if !ok {
			L.Push(lua.LNil)
			L.Push(lua.LString("reader function must return a string"))
			return 2
		}
		b.WriteString(string(s))
	}
	fn, err := l.Load(L, b.String(), name)
	return loadResult(L, fn, err)
}

// loadFile is loadfile([path]).
func (l *loaders) loadFile(L *lua.LState) int {
	fn, err := l.LoadFile(L, L.OptString(1, ""))
	return loadResult(L, fn, err)
}

// doFile is dofile([path]): it runs the file and returns its results.
func (l *loaders) doFile(L *lua.LState) int {
	fn, err := l.LoadFile(L, L.OptString(1, ""))
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	top := L.GetTop()
	L.Push(fn)
	L.Call(0, lua.MultRet)
	return L.GetTop() - top
}

// LoadFile compiles the file at path ("" for standard input) as chunk
// "@path" ("=stdin"); a first line starting with # is skipped, its line
// kept empty so positions hold.
func (l *loaders) LoadFile(L *lua.LState, path string) (*lua.LFunction, error) {
	var data []byte
	var err error
	name := "@" + path
	if path == "" {
		data, err = io.ReadAll(os.Stdin)
		name = "=stdin"
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, errString("cannot open " + path)
	}
	return l.Load(L, SkipShebang(string(data)), name)
}

// SkipShebang blanks a first line starting with "#" (keeping its newline),
// as lua5.1 does for #! scripts.
func SkipShebang(code string) string {
	if !strings.HasPrefix(code, "#") {
		return code
	}
	if i := strings.IndexByte(code, '\n'); i >= 0 {
		return code[i:]
	}
	return ""
}

// search is require's searcher for Lua files on package.path.
func (l *loaders) search(L *lua.LState) int {
	name := strings.ReplaceAll(L.CheckString(1), ".", "/")
	path, _ := L.GetField(L.GetGlobal("package"), "path").(lua.LString)
	var tried []string
	for _, pattern := range strings.Split(string(path), ";") {
		file := strings.ReplaceAll(pattern, "?", name)
		if _, err := os.Stat(file); err != nil {
			tried = append(tried, "\n\tno file '"+file+"'")
			continue
		}
		fn, err := l.LoadFile(L, file)
		if err != nil {
			L.RaiseError("error loading module '%s' from file '%s':\n\t%s", L.CheckString(1), file, err.Error())
		}
		L.Push(fn)
		return 1
	}
	L.Push(lua.LString(strings.Join(tried, "")))
	return 1
}

type errString string

func (e errString) Error() string { return string(e) }

// errorValue is the Lua value a protected call's error carries.
func errorValue(err error) lua.LValue {
	if e, ok := err.(*lua.ApiError); ok {
		return e.Object
	}
	return lua.LString(err.Error())
}
