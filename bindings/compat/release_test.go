package compat

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestReleaseClosesFilesAndChildren: files and io.popen handles a script
// leaves open are flushed and closed by Release, as lua_close's __gc
// closes them in lua5.1 (a file written without close holds its data at
// exit; a popen child gets end of file and is waited for); a second
// Release does nothing.
func TestReleaseClosesFilesAndChildren(t *testing.T) {
	dir := t.TempDir()
	file, piped := filepath.Join(dir, "file"), filepath.Join(dir, "piped")
	var out bytes.Buffer
	L := lua.NewState(Options())
	defer L.Close()
	Install(L, Hooks{Stdout: &out})
	L.SetGlobal("FILE", lua.LString(file))
	L.SetGlobal("PIPED", lua.LString(piped))
	if err := L.DoString(`
		local f = io.open(FILE, "w"); f:write("buffered")
		local p = io.popen("cat >" .. PIPED, "w"); p:write("through cat")`); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(file); len(got) != 0 {
		t.Fatalf("file holds %q before Release; want it still buffered", got)
	}
	Release(L)
	Release(L)
	for path, want := range map[string]string{file: "buffered", piped: "through cat"} {
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", filepath.Base(path), got, err, want)
		}
	}
}
