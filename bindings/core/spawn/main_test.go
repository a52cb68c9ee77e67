//go:build linux

package spawn_test

import (
	"bufio"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

func TestMain(m *testing.M) {
	if spawn.IsChild() {
		os.Exit(spawn.ChildMain())
	}
	if os.Getenv(orphanHelperEnv) != "" {
		os.Exit(orphanHelper())
	}
	if os.Getenv(firstSpawnEnv) != "" {
		os.Exit(firstSpawnHelper())
	}
	os.Exit(testutil.Main(m))
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// run runs spec to the end and fails the test unless it exits 0.
func run(t *testing.T, spec spawn.Spec) string {
	t.Helper()
	res, err := spawn.Run(ctx(t), spec)
	if err != nil {
		t.Fatalf("run %v: %v", spec.Argv, err)
	}
	if res.Code != 0 {
		t.Fatalf("run %v: exit %d signal %d: %s%s", spec.Argv, res.Code, res.Signal, res.Stdout, res.Stderr)
	}
	return string(res.Stdout)
}

// live starts spec with its stdout piped, reads the first line it prints
// (it announces it is ready) and kills it when the test ends.
func live(t *testing.T, spec spawn.Spec) (*spawn.Process, string) {
	t.Helper()
	spec.PipeStdout = true
	p, err := spawn.Start(ctx(t), spec)
	if err != nil {
		t.Fatalf("start %v: %v", spec.Argv, err)
	}
	t.Cleanup(func() {
		p.Kill(syscall.SIGKILL)
		p.Wait(context.Background())
		p.Stdout.Close()
	})
	line, err := bufio.NewReader(p.Stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("%v: read first line: %v", spec.Argv, err)
	}
	return p, strings.TrimSpace(line)
}

func sh(script string) []string { return []string{"sh", "-c", script} }

func link(t *testing.T, path string) string {
	t.Helper()
	l, err := os.Readlink(path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func types(ts ...nsfs.Type) []nsfs.Type { return ts }
