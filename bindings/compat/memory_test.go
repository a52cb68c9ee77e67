package compat

import (
	"runtime"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestMemoryCost measures what Options costs against gopher-lua's defaults:
// a fresh state, a coroutine, and a deep recursion, and bounds each.
func TestMemoryCost(t *testing.T) {
	state := func(opts ...lua.Options) func() {
		return func() { L := lua.NewState(opts...); L.Close() }
	}
	plain, mended := allocated(state()), allocated(state(Options()))
	t.Logf("new state: gopher-lua defaults %d KiB, Options %d KiB", plain>>10, mended>>10)
	if mended > plain+256<<10 {
		t.Errorf("a state with Options costs %d KiB more than the defaults", (mended-plain)>>10)
	}
	L := lua.NewState(Options())
	defer L.Close()
	co := allocated(func() {
		for i := 0; i < 100; i++ {
			L.NewThread()
		}
	}) / 100
	t.Logf("coroutine state: %d KiB", co>>10)
	if co > 256<<10 {
		t.Errorf("a coroutine costs %d KiB", co>>10)
	}
	deep := allocated(func() {
		if err := L.DoString(`local function d(n) if n == 0 then return 0 end return 1 + d(n - 1) end assert(d(16000) == 16000)`); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("recursion 16000 deep: %d MiB allocated", deep>>20)
	if deep > 64<<20 {
		t.Errorf("16000-deep recursion allocated %d MiB", deep>>20)
	}
	far := allocated(func() {
		if err := L.DoString(`local t = {}; t[4194304] = 1`); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("t[4194304] = 1: %d MiB allocated (documented in docs/lua.md)", far>>20)
}
