//go:build linux

package nsfs

import (
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestScanCompleteUnderSignals lists /proc while the process is showered
// with signals, which make getdents return short: the scanner must keep
// reading until the directory is done, never taking a short read for the
// end. Each listing must hold every pid os.ReadDir shows both just before
// and just after it (processes alive throughout; other test packages
// start and end processes meanwhile, so counts alone would not do).
func TestScanCompleteUnderSignals(t *testing.T) {
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			unix.Kill(os.Getpid(), unix.SIGURG) // the Go runtime ignores SIGURG
			time.Sleep(20 * time.Microsecond)
		}
	}()
	defer func() { stop.Store(true); <-done }()
	s, err := newProcScanner(Types)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	for i := 0; i < 500; i++ {
		before := procPIDs(t)
		got := map[int]bool{}
		for _, pid := range s.pids() {
			got[pid] = true
		}
		after := map[int]bool{}
		for _, pid := range procPIDs(t) {
			after[pid] = true
		}
		var missed []int
		for _, pid := range before {
			if after[pid] && !got[pid] {
				missed = append(missed, pid)
			}
		}
		if len(missed) > 0 {
			t.Fatalf("listing %d: the scanner missed %d of %d live pids: %v", i, len(missed), len(before), missed)
		}
	}
}

func procPIDs(t *testing.T) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range entries {
		if v, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, v)
		}
	}
	return out
}
