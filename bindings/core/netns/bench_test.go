//go:build linux

package netns_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/testutil"
	vnetns "github.com/vishvananda/netns"
)

// The W1 benchmarks add b.N named namespaces, then delete them, and report
// each phase's cost per namespace (add-us/ns, del-us/ns) besides ns/op.
// scripts/bench/netns_w1.sh runs them side by side with `ip -batch` and
// nsh's Lua (-benchtime 200x: 200 namespaces per run).

// BenchmarkAddDel is nsh's core: netns.Add (its handle closed) and
// netns.Del, from an ordinary goroutine.
func BenchmarkAddDel(b *testing.B) {
	testutil.RequireRoot(b)
	w1(b, "nsh", func(n string) error {
		h, err := netns.Add(n)
		if err == nil {
			h.Close()
		}
		return err
	}, netns.Del)
}

// BenchmarkNewNamed is the reference: vishvananda/netns's NewNamed on one
// locked thread, which then goes back to its own namespace with one setns,
// and DeleteNamed.
func BenchmarkNewNamed(b *testing.B) {
	testutil.RequireRoot(b)
	osthread.Run(func() { // the thread unshares: it dies afterwards
		origin, err := vnetns.Get()
		if err != nil {
			b.Error(err)
			return
		}
		defer origin.Close()
		w1(b, "vnetns", func(n string) error {
			h, err := vnetns.NewNamed(n)
			if err != nil {
				return err
			}
			h.Close()
			return vnetns.Set(origin)
		}, vnetns.DeleteNamed)
	})
}

// w1 times b.N adds, then b.N deletes, of names unique to the run.
func w1(b *testing.B, tag string, add, del func(string) error) {
	names := make([]string, b.N)
	for i := range names {
		names[i] = fmt.Sprintf("%s%s%d", testutil.Prefix, tag, i)
	}
	b.ResetTimer()
	start := time.Now()
	for _, n := range names {
		if err := add(n); err != nil {
			b.Error(err)
			return
		}
	}
	mid := time.Now()
	for _, n := range names {
		if err := del(n); err != nil {
			b.Error(err)
			return
		}
	}
	end := time.Now()
	b.StopTimer()
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(b.N) }
	b.ReportMetric(per(mid.Sub(start)), "add-us/ns")
	b.ReportMetric(per(end.Sub(mid)), "del-us/ns")
}
