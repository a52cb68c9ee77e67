//go:build linux

package netns_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
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

// BenchmarkAddDelFromCaller is nsh's core as the Lua thread calls it:
// netns.AddFromCaller from one locked thread, which makes each namespace
// itself and comes back (osthread rule 11), and netns.Del.
func BenchmarkAddDelFromCaller(b *testing.B) {
	testutil.RequireRoot(b)
	osthread.Run(func() {
		w1(b, "caller", func(n string) error {
			h, err := netns.AddFromCaller(n)
			if err == nil {
				h.Close()
			}
			return err
		}, netns.Del)
	})
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
		names[i] = testutil.Name(b, tag)
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

// BenchmarkW1Interleaved alternates the two, one namespace at a time (b.N
// each: nsh core, then NewNamed, then the next), so that both meet the
// same load on a busy machine, and reports the median cost of each
// operation: core-add-us, vnetns-add-us, then the deletes alike.
func BenchmarkW1Interleaved(b *testing.B) {
	testutil.RequireRoot(b)
	var core, ref [2][]time.Duration
	timed := func(into *[]time.Duration, fn func() error) error {
		t0 := time.Now()
		err := fn()
		*into = append(*into, time.Since(t0))
		return err
	}
	osthread.Run(func() { // the thread unshares (NewNamed): it dies afterwards
		origin, err := vnetns.Get()
		if err != nil {
			b.Error(err)
			return
		}
		defer origin.Close()
		for i := 0; i < b.N && !b.Failed(); i++ {
			c, v := fmt.Sprintf("%sic%d", testutil.Prefix, i), fmt.Sprintf("%siv%d", testutil.Prefix, i)
			if err := timed(&core[0], func() error { return closeAfter(netns.Add(c)) }); err != nil {
				b.Error(err)
			}
			if err := timed(&ref[0], func() error {
				h, err := vnetns.NewNamed(v)
				if err != nil {
					return err
				}
				h.Close()
				return vnetns.Set(origin)
			}); err != nil {
				b.Error(err)
			}
		}
		for i := 0; i < b.N && !b.Failed(); i++ {
			c, v := fmt.Sprintf("%sic%d", testutil.Prefix, i), fmt.Sprintf("%siv%d", testutil.Prefix, i)
			if err := timed(&core[1], func() error { return netns.Del(c) }); err != nil {
				b.Error(err)
			}
			if err := timed(&ref[1], func() error { return vnetns.DeleteNamed(v) }); err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(median(core[0]), "core-add-us")
	b.ReportMetric(median(ref[0]), "vnetns-add-us")
	b.ReportMetric(median(core[1]), "core-del-us")
	b.ReportMetric(median(ref[1]), "vnetns-del-us")
}

func closeAfter(h *nsfs.Handle, err error) error {
	if err != nil {
		return err
	}
	return h.Close()
}

func median(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2].Microseconds())
}
