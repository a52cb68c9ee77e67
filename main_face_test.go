//go:build linux

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// TestJSONOutput parses what --json prints with encoding/json, as jq would.
func TestJSONOutput(t *testing.T) {
	testutil.RequireRoot(t)
	r := nsh(t, "", "--json", "-e", "return ns.list()")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	types := map[string]bool{}
	for _, n := range list {
		types[n["type"].(string)] = true
		if _, ok := n["inode"].(float64); !ok {
			t.Fatalf("record without a numeric inode: %v", n)
		}
	}
	if len(types) != 8 {
		t.Fatalf("types %v", types)
	}

	name := testutil.Name(t)
	testutil.Cmd(t, "ip", "netns", "add", name)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	r = nsh(t, "", "--json", "-e", `return link.list{ns = "`+name+`"}`)
	var links []struct {
		Name  string   `json:"name"`
		Flags []string `json:"flags"`
		MTU   int      `json:"mtu"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &links); err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if len(links) != 1 || links[0].Name != "lo" || links[0].MTU != 65536 || links[0].Flags[0] != "LOOPBACK" {
		t.Fatalf("links %+v", links)
	}

	// a script's values, one JSON document a line; handles as their text
	script := writeScript(t, "values.lua", "return {a = 1, list = {1, 2}}, ns.self('net'), 'x'\n")
	r = nsh(t, "", "--json", script)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) != 3 || lines[0] != `{"a":1,"list":[1,2]}` || !strings.HasPrefix(lines[1], `"net:[`) || lines[2] != `"x"` {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// without --json returned values are dropped, as lua(1) does
	if r = nsh(t, "", script); r.code != 0 || r.stdout != "" {
		t.Fatalf("without --json: exit %d stdout %q", r.code, r.stdout)
	}
	// what has no JSON form fails clearly
	r = nsh(t, "", "--json", "-e", "return {f = print}")
	if r.code != 1 || !strings.Contains(r.stderr, "--json: value.f: a function has no JSON form") {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
}

// TestExitStatus: os.exit(ns.enter(…)) exits as the command did.
func TestExitStatus(t *testing.T) {
	testutil.RequireRoot(t)
	sleeper := exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleeper.Process.Kill(); sleeper.Wait() })
	pid := strconv.Itoa(sleeper.Process.Pid)
	cases := []struct {
		code string
		want int
	}{
		{`ns.enter(` + pid + `, "sh", "-c", "exit 5")`, 0},
		{`os.exit(ns.enter(` + pid + `, "sh", "-c", "exit 5"))`, 5},
		{`os.exit(ns.enter(` + pid + `, "sh", "-c", "kill -TERM $$"))`, 128 + 15},
		{`local code, sig = ns.enter(` + pid + `, "sh", "-c", "kill -KILL $$") print(code, sig)`, 0},
		{`os.exit(ns.run{"sh", "-c", "exit 7"}.code)`, 7},
		{`os.exit(netns.exec("nonexistent-` + testutil.Name(t) + `", "true").code)`, 1},
	}
	for _, c := range cases {
		if r := nsh(t, "", "-e", c.code); r.code != c.want {
			t.Errorf("%s: exit %d, want %d; stderr %s", c.code, r.code, c.want, r.stderr)
		}
	}
	if r := nsh(t, "", "-e", cases[3].code); r.stdout != "137\t9\n" {
		t.Errorf("status and signal %q", r.stdout)
	}
}

// TestCommandsInheritStdio: ns.run, netns.exec and ns.enter write where nsh
// writes and read what nsh reads, unless capture = true.
func TestCommandsInheritStdio(t *testing.T) {
	testutil.RequireRoot(t)
	name := testutil.Name(t)
	testutil.Cmd(t, "ip", "netns", "add", name)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	cases := []struct {
		code, stdin, out, err string
	}{
		{`ns.run{new = {"user", "pid", "mnt"}, map_root = true, mount_proc = true, "sh", "-c", "echo $$; id -u"}`, "", "1\n0\n", ""},
		{`ns.run{"sh", "-c", "echo to-err >&2"}`, "", "", "to-err\n"},
		{`ns.run{"cat"}`, "read from nsh's stdin\n", "read from nsh's stdin\n", ""},
		{`print("before") ns.run{"echo", "middle"} print("after")`, "", "before\nmiddle\nafter\n", ""},
		{`netns.exec("` + name + `", "ip", "-o", "link", "show", "lo")`, "", "1: lo:", ""},
		{`ns.enter(` + strconv.Itoa(selfPID()) + `, "echo", "entered")`, "", "entered\n", ""},
		{`local r = ns.run{"echo", "kept", capture = true} io.write("[", r.stdout, "]")`, "", "[kept\n]", ""},
		{`local r = netns.exec("` + name + `", {"echo", "kept", capture = true}) io.write("[", r.stdout, "]")`, "", "[kept\n]", ""},
		{`local r = ns.run{"echo", "habit", stdout = "pipe"} io.write("[", r.stdout, "]")`, "", "[habit\n]", ""},
	}
	for _, c := range cases {
		r := nsh(t, c.stdin, "-e", c.code)
		if r.code != 0 || !strings.HasPrefix(r.stdout, c.out) || r.stderr != c.err {
			t.Errorf("%s:\nexit %d stdout %q stderr %q; want stdout %q stderr %q", c.code, r.code, r.stdout, r.stderr, c.out, c.err)
		}
	}
}

func selfPID() int {
	out, _ := exec.Command("sh", "-c", "echo $PPID").Output()
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}

// TestErrorsSayWhatHappened: messages a person can act on.
func TestErrorsSayWhatHappened(t *testing.T) {
	testutil.RequireRoot(t)
	r := nsh(t, "", "/nonexistent/nosuchfile.lua")
	if r.code != 1 || strings.Count(r.stderr, "open") != 1 || !strings.Contains(r.stderr, "cannot open /nonexistent/nosuchfile.lua: no such file or directory") {
		t.Errorf("missing script: exit %d stderr %q", r.code, r.stderr)
	}
	r = nsh(t, "", "-e", `ns.run{"ip a"}`)
	if r.code != 1 || !strings.Contains(r.stderr, `the command and its arguments are separate strings: "ip", "a"`) {
		t.Errorf("one string for the command line: exit %d stderr %q", r.code, r.stderr)
	}
	// root of a user namespace other than the host's is not told to run as root
	cmd := exec.Command("unshare", "-U", "-r", nshBinary(t), "-e", `
		local ok, e = pcall(ns.of, 1)
		print(e.hint)
		ok, e = pcall(netns.add, "x-`+testutil.Name(t)+`")
		print(e.hint)`)
	r = runCmd(t, cmd, "")
	if r.code != 0 || strings.Contains(r.stdout, "run as root") || strings.Count(r.stdout, "root only inside a user namespace") != 2 {
		t.Errorf("in a user namespace: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

var goBlock = regexp.MustCompile("(?s)```go\n((?://[^\n]*\n)*package main\n.*?)```")

// TestEmbeddingProgram builds the complete program of docs/embedding.md in
// a module of its own that requires nsh (replaced by this checkout), runs
// it as root and checks what it printed.
func TestEmbeddingProgram(t *testing.T) {
	testutil.RequireRoot(t)
	doc, err := os.ReadFile("docs/embedding.md")
	if err != nil {
		t.Fatal(err)
	}
	m := goBlock.FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/embedding.md has no complete program (a go block starting with package main)")
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := testutil.TempDir(t)
	gomod := "module example.com/labinfo\n\ngo 1.26\n\nrequire github.com/nsh-lua/nsh v0.0.0\n\nreplace github.com/nsh-lua/nsh => " + root + "\n"
	sum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"main.go": m[1], "go.mod": []byte(gomod), "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "labinfo")
	build := exec.Command("go", "build", "-mod=mod", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the program in docs/embedding.md does not build: %v\n%s", err, out)
	}
	r := runCmd(t, exec.Command(bin), "")
	want := regexp.MustCompile(`^net namespace:\tnet:\[\d+\]\nembedded\nexit code:\t0\nnetwork namespaces: \d+\n$`)
	if r.code != 0 || !want.MatchString(r.stdout) {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}
