package bindings

import (
	"context"
	"strings"
	"testing"
)

// TestUncaughtErrorNames checks that an error a chunk does not catch
// reaches the caller in lua5.1's words (recorded with lua5.1 for a chunk
// named "t"), with the traceback still taken where it was raised, and that
// a coroutine's error in a runtime (whose _G loads modules lazily) names
// the global too.
func TestUncaughtErrorNames(t *testing.T) {
	rt := newTestRuntime(t, nil)
	ctx := context.Background()
	for code, want := range map[string]string{
		"undefinedfn()":                   "t:1: attempt to call global 'undefinedfn' (a nil value)",
		"local t = {}\nt.a.b()":           "t:2: attempt to index field 'a' (a nil value)",
		"local x = {} return x .. 'a'":    "t:1: attempt to concatenate local 'x' (a table value)",
		"return #nil":                     "t:1: attempt to get length of a nil value",
		"local u; (function() u() end)()": "t:1: attempt to call upvalue 'u' (a nil value)",
		"return netns.nosuch()":           "t:1: attempt to call field 'nosuch' (a nil value)",
		"error(select(2, coroutine.resume(coroutine.create(function() nosuch() end))), 0)": "t:1: attempt to call global 'nosuch' (a nil value)",
	} {
		err := rt.DoString(ctx, code, "t")
		if err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", code, err, want)
			continue
		}
		if tb := Traceback(err); !strings.Contains(tb, "t:") {
			t.Errorf("%q: traceback %q does not show the chunk", code, tb)
		}
	}
}
