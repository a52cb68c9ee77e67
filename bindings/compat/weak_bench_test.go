package compat

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// benchChunk runs src, compiled by nsh, b.N times on L.
func benchChunk(b *testing.B, L *lua.LState, src string) {
	proto, err := Compile(strings.NewReader(src), "=bench")
	if err != nil {
		b.Fatal(err)
	}
	fn := L.NewFunctionFromProto(proto)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		L.Push(fn)
		L.Call(0, 0)
	}
}

// BenchmarkSetmetatable: nsh's setmetatable (which notes weak tables)
// against gopher-lua's, on the same state.
func BenchmarkSetmetatable(b *testing.B) {
	const src = `local mt = {__index = {}}; for i = 1, 1000 do local o = setmetatable({}, mt) end`
	for _, which := range []string{"nsh", "gopher-lua"} {
		b.Run(which, func(b *testing.B) {
			L := lua.NewState(Options())
			defer L.Close()
			orig := L.GetGlobal("setmetatable")
			Install(L, Hooks{})
			if which == "gopher-lua" {
				L.SetGlobal("setmetatable", orig)
			}
			benchChunk(b, L, src)
		})
	}
}

// BenchmarkConcat: the concat intrinsic, which checks for a pending weak
// sweep, with and without weak tables in the process.
func BenchmarkConcat(b *testing.B) {
	L := lua.NewState(Options())
	defer L.Close()
	Install(L, Hooks{})
	benchChunk(b, L, `local s; for i = 1, 1000 do s = "x" .. i end`)
}
