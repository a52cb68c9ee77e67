package bindings

import (
	"io"
	"strings"

	"github.com/nsh-lua/nsh/bindings/compat"
	lua "github.com/yuin/gopher-lua"
)

// compileChunk compiles Lua source through compat, which applies every
// gopher-lua mend; chunkname follows lua5.1 ("=name", "@path").
func compileChunk(L *lua.LState, src io.Reader, chunkname string) (*lua.LFunction, error) {
	proto, err := compat.Compile(src, chunkname)
	if err != nil {
		return nil, err
	}
	return L.NewFunctionFromProto(proto), nil
}

// loadSource compiles src as the chunk shown as name and keeps its source
// for ns.clone.
func (r *Runtime) loadSource(src, name string) (*lua.LFunction, error) {
	return r.loadChunk(src, "="+name)
}

func (r *Runtime) loadChunk(src, chunkname string) (*lua.LFunction, error) {
	fn, err := compileChunk(r.L, strings.NewReader(src), chunkname)
	if err == nil {
		r.sources.Put(fn.Proto.SourceName, src)
	}
	return fn, err
}

type errString string

func (e errString) Error() string { return string(e) }
