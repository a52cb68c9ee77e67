//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

func TestMain(m *testing.M) {
	code := testutil.Main(m)
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// nshBinary builds the nsh binary once per test run, into a directory named
// nsh's way so it is found on PATH by shebang tests.
func nshBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", testutil.Prefix+"-bin-")
		if buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, "nsh"), ".").CombinedOutput()
		if err != nil {
			buildErr = &buildFailure{string(out), err}
		}
	})
	if buildErr != nil {
		t.Fatalf("build nsh: %v", buildErr)
	}
	return filepath.Join(binDir, "nsh")
}

type buildFailure struct {
	out string
	err error
}

func (b *buildFailure) Error() string { return b.err.Error() + "\n" + b.out }

type result struct {
	stdout, stderr string
	code           int
}

// nsh runs the binary with args and stdin and returns what it did.
func nsh(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return runCmd(t, exec.Command(nshBinary(t), args...), stdin)
}

func runCmd(t *testing.T, cmd *exec.Cmd, stdin string) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Start()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%v did not finish", cmd.Args)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func writeScript(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(testutil.TempDir(t), name)
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCLI(t *testing.T) {
	script := writeScript(t, "args.lua", "print(arg[0] == SELF, arg[1], arg[2], #arg, select('#', ...), ...)\n")
	failing := writeScript(t, "fail.lua", "local function inner() error('boom') end\ninner()\n")
	nameFail := writeScript(t, "names.lua", "local t = {}\nprint(t.a.b)\n")
	cases := []struct {
		name   string
		stdin  string
		args   []string
		out    string
		errHas string
		code   int
	}{
		{"-e", "", []string{"-e", "print(1 + 1)"}, "2\n", "", 0},
		{"-e in order", "", []string{"-e", "x = 'a'", "-e", "print(x .. 'b')"}, "ab\n", "", 0},
		{"-e attached", "", []string{"-eprint('glued')"}, "glued\n", "", 0},
		{"script args", "", []string{"-e", "SELF = '" + script + "'", script, "one", "two"}, "true\tone\ttwo\t2\t2\tone\ttwo\n", "", 0},
		{"stdin script", "print('from stdin', ...)", nil, "from stdin\n", "", 0},
		{"dash is stdin", "print(arg[0], ...)", []string{"-", "x"}, "-\tx\n", "", 0},
		{"-- ends options", "", []string{"--", script, "-e"}, "false\t-e\tnil\t1\t1\t-e\n", "", 0},
		{"error", "", []string{failing}, "", "fail.lua:1: boom", 1},
		{"error has traceback", "", []string{failing}, "", "stack traceback:", 1},
		{"error names the variable", "", []string{nameFail}, "", "names.lua:2: attempt to index field 'a' (a nil value)", 1},
		{"-e error names the global", "", []string{"-e", "undefinedfn()"}, "", "(command line):1: attempt to call global 'undefinedfn' (a nil value)", 1},
		{"os.exit", "", []string{"-e", "os.exit(3)"}, "", "", 3},
		{"os.exit after print", "", []string{"-e", "print('bye') os.exit(true)"}, "bye\n", "", 0},
		{"os.exit beats pcall", "", []string{"-e", "pcall(os.exit, 4) print('not reached')"}, "", "", 4},
		{"bad flag", "", []string{"-z"}, "", "usage: nsh", 2},
		{"-e without code", "", []string{"-e"}, "", "'-e' needs an argument", 2},
		{"-v", "", []string{"-v"}, "nsh 0.1.0 (Lua 5.1 by gopher-lua)\n", "", 0},
		{"-h", "", []string{"-h"}, "", "", 0},
		{"-l", "", []string{"-l", "nsh", "-e", "print(type(package.loaded.nsh))"}, "table\n", "", 0},
		{"missing script", "", []string{"/nonexistent/x.lua"}, "", "cannot open /nonexistent/x.lua", 1},
		{"syntax error", "", []string{"-e", "x = = 1"}, "", "(command line):1: unexpected symbol near '='", 1},
		{"-i with piped stdin", "print('in repl')\n", []string{"-i", "-e", "y = 1"}, "in repl\n", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := nsh(t, c.stdin, c.args...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, c.code, r.stderr)
			}
			if c.name != "-h" && c.name != "-i with piped stdin" && r.stdout != c.out {
				t.Fatalf("stdout %q, want %q", r.stdout, c.out)
			}
			if c.name == "-i with piped stdin" && !strings.Contains(r.stdout, c.out) {
				t.Fatalf("stdout %q, want it to contain %q", r.stdout, c.out)
			}
			if !strings.Contains(r.stderr, c.errHas) {
				t.Fatalf("stderr %q, want it to contain %q", r.stderr, c.errHas)
			}
		})
	}
}

func TestHelpIsForNewcomers(t *testing.T) {
	r := nsh(t, "", "--help")
	for _, want := range []string{"usage: nsh", "-e code", "-i", "-l name", "arg", "help()"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestShebang(t *testing.T) {
	nshBinary(t)
	path := writeScript(t, "tool", "#!/usr/bin/env nsh\nprint('shebang', ...)\nerror('line three')\n")
	cmd := exec.Command(path, "a1")
	cmd.Env = append(os.Environ(), "PATH="+binDir+":"+os.Getenv("PATH"))
	r := runCmd(t, cmd, "")
	if r.stdout != "shebang\ta1\n" {
		t.Fatalf("stdout %q", r.stdout)
	}
	// The #! line is skipped but still counted: the error is on line 3.
	if r.code != 1 || !strings.Contains(r.stderr, "tool:3: line three") {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
}

// TestScripts runs every shipped script; its output must match
// scripts/NAME.out exactly.
func TestScripts(t *testing.T) {
	testutil.RequireRoot(t)
	scripts, err := filepath.Glob("scripts/*.lua")
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Fatal("no scripts in scripts/")
	}
	for _, s := range scripts {
		t.Run(filepath.Base(s), func(t *testing.T) {
			r := nsh(t, "", s)
			if r.code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			golden, err := os.ReadFile(strings.TrimSuffix(s, ".lua") + ".out")
			if err != nil {
				t.Fatalf("every script needs its expected output: %v", err)
			}
			if string(golden) != r.stdout {
				t.Fatalf("output differs from %s.out:\n--- got\n%s--- want\n%s", strings.TrimSuffix(s, ".lua"), r.stdout, golden)
			}
		})
	}
}

// TestUnprivilegedUser runs nsh as nobody: reading its own namespace works
// without privileges, and what needs them fails with the errno and a hint
// naming the capability.
func TestUnprivilegedUser(t *testing.T) {
	testutil.RequireRoot(t)
	bin := nshBinary(t)
	if err := os.Chmod(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-e", `
		assert(#link.list() > 0, "no links listed")
		local ok, e = pcall(link.add, {name = "v0", type = "veth", peer = "v1"})
		print(e.errno, e.hint)
		ok, e = pcall(ns.unshare, "net")
		print(e.errno, e.hint)
		ns.run{new = {"user"}, map_root = true, "id", "-u"} -- writes to nsh's stdout
	`)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	r := runCmd(t, cmd, "")
	want := "EPERM\tneeds CAP_NET_ADMIN in the namespace's owning user namespace: run as root\n" +
		"EPERM\tneeds CAP_SYS_ADMIN in the owning user namespace: run as root\n" +
		"0\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("exit %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", r.code, r.stdout, want, r.stderr)
	}
}
