//go:build linux

package bindings

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

var luaBlock = regexp.MustCompile("(?s)```lua\n(.*?)```")

// TestTutorial runs every lua block of docs/tutorial.md, in order, in one
// runtime, as a reader typing along would.
func TestTutorial(t *testing.T) {
	testutil.RequireRoot(t)
	doc, err := os.ReadFile("../docs/tutorial.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := luaBlock.FindAllSubmatch(doc, -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d lua blocks in the tutorial", len(blocks))
	}
	var out bytes.Buffer
	rt := newTestRuntime(t, &out)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for i, b := range blocks {
		if err := rt.DoString(ctx, string(b[1]), "tutorial"); err != nil {
			t.Fatalf("block %d failed: %v\n%s\n--- block:\n%s\n--- output so far:\n%s", i+1, err, traceOf(err), b[1], out.String())
		}
	}
	t.Logf("output:\n%s", out.String())
}
