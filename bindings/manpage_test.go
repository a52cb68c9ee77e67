//go:build linux

package bindings

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestManPageUpToDate fails when docs/nsh.1 differs from what the registry
// generates: run go generate ./bindings.
func TestManPageUpToDate(t *testing.T) {
	var want bytes.Buffer
	if err := Modules().WriteManPage(&want, Version); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../docs/nsh.1")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatal("docs/nsh.1 is stale: run `go generate ./bindings` and commit the result")
	}
}

// TestManPageRenders renders docs/nsh.1 as `man -l` does, with groff's
// warnings on, and finds every module and function in the text.
func TestManPageRenders(t *testing.T) {
	if _, err := exec.LookPath("groff"); err != nil {
		t.Fatal("groff is needed to check the man page (apt-get install groff-base)")
	}
	cmd := exec.Command("groff", "-man", "-Tutf8", "-ww", "../docs/nsh.1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil || errb.Len() > 0 {
		t.Fatalf("groff: %v\n%s", err, errb.String())
	}
	// groff marks bold by overstriking; drop that to read the text.
	text := regexpOverstrike(out.String())
	for _, e := range allEntries() {
		if !strings.Contains(text, e.name()) {
			t.Errorf("the man page lacks %s", e.name())
		}
	}
	if man, err := exec.LookPath("man"); err == nil {
		c := exec.Command(man, "-l", "../docs/nsh.1")
		c.Env = append(os.Environ(), "MANPAGER=cat", "PAGER=cat", "MANWIDTH=80")
		got, err := c.CombinedOutput()
		if err != nil || !strings.Contains(string(got), "EXIT STATUS") {
			t.Fatalf("man -l: %v\n%s", err, got)
		}
	}
}

// regexpOverstrike removes "x\bx" bold and "_\bx" underline sequences.
func regexpOverstrike(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i := 0; i < len(r); i++ {
		if i+1 < len(r) && r[i+1] == '\b' {
			i++ // skip the character and the backspace: the next one stays
			continue
		}
		b.WriteRune(r[i])
	}
	return b.String()
}
