//go:build linux

package bindings

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestHelpSearchAndWrap checks that help("veth"), which names no
// function, lists the reference entries that mention it, and that help
// text wraps to the width ($COLUMNS when output is not a terminal).
func TestHelpSearchAndWrap(t *testing.T) {
	t.Setenv("COLUMNS", "50")
	var out bytes.Buffer
	rt := newTestRuntime(t, &out)
	if err := rt.DoString(context.Background(), `help("veth")`, "t"); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.HasPrefix(text, `no function is named "veth"; the reference`) ||
		!strings.Contains(text, "link.add{peer=}") {
		t.Errorf("help(\"veth\"):\n%s", text)
	}
	out.Reset()
	if err := rt.DoString(context.Background(), `help("link.add")`, "t"); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(out.String(), "\n") {
		if len([]rune(l)) > 50 && strings.Contains(strings.TrimSpace(l), " ") {
			t.Errorf("line longer than 50 columns: %q", l)
		}
	}
	if !strings.Contains(out.String(), "\n                            ") {
		t.Errorf("option docs do not continue under their column:\n%s", out.String())
	}
	err := rt.DoString(context.Background(), `help("zzqqxx")`, "t")
	if err == nil || !strings.Contains(err.Error(), "no help for zzqqxx") {
		t.Errorf("help of nothing: %v", err)
	}
}
