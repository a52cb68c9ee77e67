//go:build linux

package netns_test

import (
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// BenchmarkAddDel measures one netns.Add (with its handle closed) plus one
// netns.Del: one W1 namespace. scripts/bench/netns_w1.sh compares the whole
// workload with iproute2.
func BenchmarkAddDel(b *testing.B) {
	testutil.RequireRoot(b)
	names := make([]string, b.N)
	for i := range names {
		names[i] = testutil.Name(b, "bench")
	}
	b.ResetTimer()
	for _, n := range names {
		h, err := netns.Add(n)
		if err != nil {
			b.Fatal(err)
		}
		h.Close()
	}
	for _, n := range names {
		if err := netns.Del(n); err != nil {
			b.Fatal(err)
		}
	}
}
