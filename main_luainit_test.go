package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nshEnv runs the binary with LUA_INIT set to init ("" unset).
func nshEnv(t *testing.T, init, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(nshBinary(t), args...)
	cmd.Env = append(os.Environ(), "LUA_INIT="+init)
	if init == "" {
		cmd.Env = withoutInit(os.Environ())
	}
	return runCmd(t, cmd, stdin)
}

func withoutInit(env []string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, "LUA_INIT=") {
			out = append(out, e)
		}
	}
	return out
}

// TestLuaInit: $LUA_INIT runs first in every mode, as lua5.1 runs it
// (expected values are lua5.1's): text as the chunk "=LUA_INIT", a file
// after '@', before -e, the script, standard input and -v, with no arg
// table yet; an error there is reported and ends with status 1.
func TestLuaInit(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "s.lua")
	initFile := filepath.Join(dir, "init.lua")
	os.WriteFile(script, []byte("print(arg and arg[0] == SELF, ...)\n"), 0o644)
	os.WriteFile(initFile, []byte("#!/usr/bin/env lua\nprint('from file', arg)\n"), 0o644)
	setSelf := "SELF = '" + script + "' print('init', arg, ...)"
	cases := []struct {
		name, init, stdin string
		args              []string
		out, errHas       string
		code              int
	}{
		{"before the script", setSelf, "", []string{script, "a"}, "init\tnil\ntrue\ta\n", "", 0},
		{"before -e", "x = 41", "", []string{"-e", "print(x + 1)"}, "42\n", "", 0},
		{"before stdin", "x = 'i'", "print(x, arg)", nil, "i\tnil\n", "", 0},
		{"before -i", "x = 'i'", "print(x)\n", []string{"-i"}, "i\n", "", 0},
		{"before -v", "print(1)", "", []string{"-v"}, "1\nnsh 0.1.0 (Lua 5.1 by gopher-lua)\n", "", 0},
		{"a file", "@" + initFile, "", []string{"-e", "print(2)"}, "from file\tnil\n2\n", "", 0},
		{"an error", "error('boom')", "", []string{"-e", "print(2)"}, "", "LUA_INIT:1: boom", 1},
		{"a syntax error", "x =", "", []string{"-e", "print(2)"}, "", "LUA_INIT:1: unexpected symbol near '<eof>'", 1},
		{"a missing file", "@/nonexistent/init.lua", "", []string{"-e", "print(2)"}, "", "cannot open /nonexistent/init.lua", 1},
		{"os.exit", "os.exit(3)", "", []string{"-e", "print(2)"}, "", "", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := nshEnv(t, c.init, c.stdin, c.args...)
			if r.code != c.code || !strings.Contains(r.stdout, c.out) || !strings.Contains(r.stderr, c.errHas) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d, %q, %q", r.code, r.stdout, r.stderr, c.code, c.out, c.errHas)
			}
			if c.name != "before -i" && r.stdout != c.out {
				t.Fatalf("stdout %q, want %q", r.stdout, c.out)
			}
		})
	}
}

// TestArgTable: lua5.1 makes the arg table only for a script, just before
// it runs: -e chunks, the prompt and standard input run without naming a
// script see no arg; a script sees arg[-n..-1] = the interpreter and the
// options before it. Expected values are lua5.1's output with "lua5.1"
// for the interpreter's name.
func TestArgTable(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "a.lua")
	os.WriteFile(script, []byte("local t = {} for i = -5, #arg do t[#t+1] = tostring(arg[i]) end print(table.concat(t, ' '))\n"), 0o644)
	bin := nshBinary(t)
	cases := []struct {
		stdin string
		args  []string
		out   string
	}{
		{"", []string{"-e", "print(arg)"}, "nil\n"},
		{"", []string{"-e", "print(arg)", script, "x"}, "nil\n" + "nil nil " + bin + " -e print(arg) " + script + " x\n"},
		{"print(arg)", nil, "nil\n"},
		{"print(arg[-2], arg[-1], arg[0], arg[1])", []string{"-e", "y=1", "-", "x"}, "-e\ty=1\t-\tx\n"},
		{"", []string{script}, "nil nil nil nil " + bin + " " + script + "\n"},
		{"", []string{"-l", "string", "--", script, "-e"}, "nil " + bin + " -l string -- " + script + " -e\n"},
	}
	for _, c := range cases {
		r := nshEnv(t, "", c.stdin, c.args...)
		if r.code != 0 || r.stdout != c.out {
			t.Errorf("nsh %q: exit %d, stdout %q, stderr %q; want %q", c.args, r.code, r.stdout, r.stderr, c.out)
		}
	}
}

// TestPopenWriteDoesNotHang: io.popen(cmd, "w") used to hang forever in
// close; lua5.1 prints true and cat has written the file. A handle left
// open is closed at exit, its child waited for.
func TestPopenWriteDoesNotHang(t *testing.T) {
	dir := t.TempDir()
	closed, open := filepath.Join(dir, "closed"), filepath.Join(dir, "open")
	start := time.Now()
	r := nshEnv(t, "", "", "-e", `local f = io.popen("cat >`+closed+`", "w"); f:write("hello"); print(f:close())
		local g = io.popen("cat >`+open+`", "w"); g:write("left open")`)
	if r.code != 0 || r.stdout != "true\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want true", r.code, r.stdout, r.stderr)
	}
	for path, want := range map[string]string{closed: "hello", open: "left open"} {
		if got, _ := os.ReadFile(path); string(got) != want {
			t.Errorf("%s holds %q, want %q", filepath.Base(path), got, want)
		}
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestErrorObjects: lua(1) shows an error value that is not a string or
// number as "(error object is not a string)", a nil one as nothing (exit
// status 1 either way), and a number with the position. Expected values
// are lua5.1's (with its name replaced by nsh's); nsh's own error values
// (with __tostring) keep their text.
func TestErrorObjects(t *testing.T) {
	cases := []struct{ code, stderr string }{
		{"error()", ""},
		{"error({})", "nsh: (error object is not a string)\n"},
		{"error(true)", "nsh: (error object is not a string)\n"},
		{"error(12)", "nsh: (command line):1: 12\n"},
		{"error(setmetatable({}, {__tostring = function() return 'mine' end}))", "nsh: mine\n"},
	}
	for _, c := range cases {
		r := nshEnv(t, "", "", "-e", c.code)
		first := r.stderr
		if i := strings.Index(first, "\n"); i >= 0 {
			first = first[:i+1]
		}
		if r.code != 1 || first != c.stderr || r.stdout != "" {
			t.Errorf("nsh -e %q: exit %d, stderr %q; want 1, first line %q", c.code, r.code, r.stderr, c.stderr)
		}
	}
}
