package compat

import "testing"

// TestDocumentedDifferencesStdio pins the differences docs/lua.md lists
// for the io and string libraries and constants, as
// TestDocumentedDifferences does: nsh's result asserted, lua5.1's recorded.
func TestDocumentedDifferencesStdio(t *testing.T) {
	for _, c := range []struct {
		name, src string
		nsh       string // what nsh prints
		lua51     string // what lua5.1 prints, for the record
	}{
		{"a 0 only in a folded 1/0 or 0/0 is no constant for -0 to share",
			`local a = 0/0 print(-0)`,
			"-0\n", "0\n"},
		{"an error from a library function pcall calls directly has the caller's position",
			`local f = io.tmpfile() f:close() print(pcall(f.read, f))`,
			"false\tt:1: attempt to use a closed file\n", "false\tattempt to use a closed file\n"},
		{"an io method's bad argument is numbered as in a method call",
			`local f = io.tmpfile() print(pcall(f.read, f, "*x"))`,
			"false\tt:1: bad argument #1 to '?' (invalid format)\n", "false\tbad argument #2 to '?' (invalid format)\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := runChunk(t, c.src, "=t")
			if err != "" {
				out += "error: " + err + "\n"
			}
			if out != c.nsh {
				t.Errorf("nsh now prints %q (documented: %q; lua5.1: %q): update docs/lua.md", out, c.nsh, c.lua51)
			}
		})
	}
}
