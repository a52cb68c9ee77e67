//go:build linux

package nsh_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil/luatest"
)

// table runs code in a runtime and returns what it printed.
func table(t *testing.T, code string) string {
	t.Helper()
	var out bytes.Buffer
	rt := luatest.NewRuntime(t, &out)
	if err := rt.DoString(context.Background(), code, "table"); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestTableAligns(t *testing.T) {
	got := table(t, `nsh.table({
		{ino = 4026531840, type = "net", nprocs = 120, pid = 1, command = "init"},
		{ino = 7, type = "uts", nprocs = 3, command = "sleep 60\n\27[2J"},
		{ino = 12, type = "cgroup", nprocs = 1, pid = 42, command = "bash", paths = {"/a", "/b"}},
	}, {{"ino", "NS"}, "type", "nprocs", "pid", "paths", "command"})`)
	want := strings.Join([]string{
		"        NS TYPE   NPROCS PID PATHS COMMAND",
		"4026531840 net       120   1       init",
		"         7 uts         3           sleep 60\\n\\x1b[2J",
		"        12 cgroup      1  42 /a,/b bash",
		"",
	}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTableDefaultColumns(t *testing.T) {
	got := table(t, `nsh.table({{b = "x", a = 1, list = {1, 2}}, {b = "longer", c = true}})`)
	want := "A B      C\n1 x\n  longer true\n"
	if got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}

// TestTableLikeLsns prints ns.list in lsns's default columns: the header
// is lsns's own, and every line names a namespace ns.list found.
func TestTableLikeLsns(t *testing.T) {
	got := table(t, `nsh.table(ns.list(), {{"inode", "NS"}, "type", "nprocs", "pid", "user", "command"})`)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if strings.Fields(lines[0])[0] != "NS" || strings.Join(strings.Fields(lines[0]), " ") != "NS TYPE NPROCS PID USER COMMAND" {
		t.Fatalf("header %q", lines[0])
	}
	if len(lines) < 9 {
		t.Fatalf("only %d lines:\n%s", len(lines), got)
	}
	for _, l := range lines[1:] {
		if f := strings.Fields(l); len(f) < 3 || len(f[0]) < 4 {
			t.Fatalf("line %q", l)
		}
	}
}
