//go:build linux

package topo_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"github.com/nsh-lua/nsh/bindings/testutil/luatest"
)

var luaBlock = regexp.MustCompile("(?s)```lua\n(.*?)```")

// TestDocsLabs runs every lua block of docs/labs.md in order in one
// runtime, with the labs kept in a directory of the test's own. With
// NSH_LAB20_SVG set it writes the 20-node picture there (how
// docs/lab20.svg is made).
func TestDocsLabs(t *testing.T) {
	testutil.RequireRoot(t)
	doc, err := os.ReadFile("../../../docs/labs.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := luaBlock.FindAllSubmatch(doc, -1)
	if len(blocks) < 6 {
		t.Fatalf("found %d lua blocks in docs/labs.md", len(blocks))
	}
	var out bytes.Buffer
	rt := luatest.NewRuntime(t, &out)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	svg := os.Getenv("NSH_LAB20_SVG")
	if svg == "" {
		svg = filepath.Join(testutil.TempDir(t), "lab20.svg")
	}
	setup := fmt.Sprintf("topo.labs_dir = %q\nsvg_path = %q", testutil.TempDir(t), svg)
	if err := rt.DoString(ctx, setup, "setup"); err != nil {
		t.Fatal(err)
	}
	for i, b := range blocks {
		if err := rt.DoString(ctx, string(b[1]), "labs.md"); err != nil {
			t.Fatalf("block %d failed: %v\n--- block:\n%s\n--- output so far:\n%s", i+1, err, b[1], out.String())
		}
	}
	if st, err := os.Stat(svg); err != nil || st.Size() < 1000 {
		t.Errorf("the 20-node picture was not made: %v", err)
	}
	t.Logf("output:\n%s", out.String())
}
