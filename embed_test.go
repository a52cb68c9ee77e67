//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// embedMain is a program embedding nsh whose main forgets bindings.Init
// ("forget"), or asks spawn.IsChild and ignores the answer ("ignore"),
// and runs $EMBED_CHUNK (a re-executed child sees the same environment): each
// run of main appends a line to $EMBED_LOG, so the test sees every time
// the program was (re-)executed.
const embedMain = `package main

import (
	"context"
	"fmt"
	"os"

	"github.com/nsh-lua/nsh/bindings"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
)

func main() {
	f, _ := os.OpenFile(os.Getenv("EMBED_LOG"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	fmt.Fprintln(f, os.Getpid())
	f.Close()
	if os.Getenv("EMBED_MODE") == "ignore" {
		_ = spawn.IsChild()
	}
	rt, err := bindings.New(bindings.Options{})
	if err != nil {
		fmt.Println("new:", err)
		os.Exit(3)
	}
	defer rt.Close()
	fmt.Println("err:", rt.DoString(context.Background(), os.Getenv("EMBED_CHUNK"), "embed"))
}
`

// buildEmbed builds embedMain in a module of its own that uses this
// repository through a replace directive.
func buildEmbed(t *testing.T) string {
	t.Helper()
	repo, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module embedtest\n\ngo 1.26\n\nrequire github.com/nsh-lua/nsh v0.0.0\n\nreplace github.com/nsh-lua/nsh => " + repo + "\n"
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "main.go": []byte(embedMain)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "embed")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the embedding program: %v\n%s", err, out)
	}
	return bin
}

// TestEmbedWithoutInit: a program that forgets bindings.Init gets a clear
// error from the first call that would re-execute it, and is never
// re-executed; one that asks spawn.IsChild but runs main anyway gets its
// child stopped at the child's first spawn, with the reason, instead of a
// chain of re-executions.
func TestEmbedWithoutInit(t *testing.T) {
	testutil.RequireRoot(t)
	bin := buildEmbed(t)
	chunks := map[string]string{
		"ns.clone": `local p = ns.clone(function() return 1 end, {"uts"}); p:wait()`,
		"ns.run":   `ns.run{"true"}`,
	}
	for mode, want := range map[string]struct {
		runs int
		msg  string
	}{
		"forget": {1, "call bindings.Init() at the start of main"},
		"ignore": {2, "re-executed child: the program's main ran instead of the child's work: call bindings.Init() at the start of main"},
	} {
		for what, chunk := range chunks {
			if mode == "ignore" && what == "ns.run" {
				continue // a plain command is not re-executed
			}
			t.Run(mode+"/"+what, func(t *testing.T) {
				log := filepath.Join(t.TempDir(), "runs")
				cmd := exec.Command(bin)
				cmd.Env = append(os.Environ(), "EMBED_LOG="+log, "EMBED_MODE="+mode, "EMBED_CHUNK="+chunk)
				r := runCmd(t, cmd, "")
				time.Sleep(100 * time.Millisecond) // a stray child would log by now
				data, _ := os.ReadFile(log)
				runs := strings.Count(string(data), "\n")
				if runs != want.runs || !strings.Contains(r.stdout, want.msg) {
					t.Fatalf("main ran %d times (want %d)\nstdout: %s\nstderr: %s\nwant the message %q",
						runs, want.runs, r.stdout, r.stderr, want.msg)
				}
			})
		}
	}
}
