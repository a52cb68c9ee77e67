package compat

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// newState makes a state as nsh does: Options, then Install with out as
// standard output.
func newState(t testing.TB, out *bytes.Buffer) *lua.LState {
	t.Helper()
	L := lua.NewState(Options())
	t.Cleanup(func() { Release(L); L.Close() })
	Install(L, Hooks{Stdout: out})
	return L
}

// runChunk compiles and runs src as chunk name; it returns what the chunk
// printed and its error, as text ("" for none).
func runChunk(t testing.TB, src, name string) (string, string) {
	t.Helper()
	var out bytes.Buffer
	L := newState(t, &out)
	proto, err := Compile(strings.NewReader(src), name)
	if err != nil {
		return out.String(), err.Error()
	}
	L.Push(L.NewFunctionFromProto(proto))
	if err := L.PCall(0, lua.MultRet, nil); err != nil {
		return out.String(), err.Error()
	}
	return out.String(), ""
}

// TestLua51Outputs runs each testdata/lua51/*.lua and compares what it
// prints with the .out file next to it: the output of PUC-Rio lua5.1
// (5.1.5, Debian, x86-64) on the same file, recorded by
// testdata/lua51/record.sh. Each file covers one mend.
func TestLua51Outputs(t *testing.T) {
	files, _ := filepath.Glob("testdata/lua51/*.lua")
	if len(files) == 0 {
		t.Fatal("no testdata/lua51/*.lua")
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, ".lua"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(file, ".lua") + ".out")
			if err != nil {
				t.Fatal(err)
			}
			t.Chdir("testdata/lua51")
			got, errText := runChunk(t, string(src), "@"+name)
			if errText != "" {
				got += errText + "\n"
			}
			if got != string(want) {
				t.Errorf("%s: got (nsh)\n%s\nwant (lua5.1)\n%s", name, got, want)
			}
		})
	}
}
