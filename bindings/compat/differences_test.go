package compat

import (
	"strings"
	"testing"
)

// TestDocumentedDifferences pins each difference from lua5.1 that
// docs/lua.md lists: the nsh result is asserted, and the lua5.1 result is
// recorded next to it. When one of these starts failing, nsh changed (or
// gopher-lua did): update docs/lua.md with the test.
func TestDocumentedDifferences(t *testing.T) {
	for _, c := range []struct {
		name, src string
		nsh       string // what nsh prints
		lua51     string // what lua5.1 prints, for the record
	}{
		{"weak entries go at a collection, not in a loop of plain Lua",
			`local w = setmetatable({}, {__mode = "k"}); w[{}] = 1; local n = 0; while next(w) and n < 200000 do local t = {}; n = n + 1 end; print(next(w) ~= nil)`,
			"true\n", "false\n"},
		{"__gc is never called",
			`local called = false; do local u = newproxy(true); getmetatable(u).__gc = function() called = true end end; collectgarbage(); collectgarbage(); print(called)`,
			"false\n", "true\n"},
		{"string.dump is refused",
			`print((pcall(string.dump, print)))`,
			"false\n", "false\n"},
		{"string.dump of a Lua function is refused",
			`print((pcall(string.dump, function() end)))`,
			"false\n", "true\n"},
		{"a far integer key pads the array part, and # counts it",
			`local t = {}; t[100] = 1; print(#t)`,
			"100\n", "0\n"},
		{"a coroutine's first run may not name a value it cannot read again",
			`print(coroutine.resume(coroutine.create(function() local t = setmetatable({}, {__call = 1}); t() end)))`,
			"false\tt:1: attempt to call a non-function object\n",
			"false\tt:1: attempt to call local 't' (a table value)\n"},
		{"strings carry arithmetic metamethods",
			`print(getmetatable("").__add ~= nil)`,
			"true\n", "false\n"},
		{"loadlib finds no dynamic libraries",
			`print(package.loadlib("./x.so", "luaopen_x"))`,
			"nil\tdynamic libraries not enabled; check your Lua installation\tabsent\n",
			"nil\t./x.so: cannot open shared object file: No such file or directory\topen\n"},
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
			if strings.TrimSpace(c.lua51) == "" {
				t.Error("no lua5.1 result recorded")
			}
		})
	}
}
