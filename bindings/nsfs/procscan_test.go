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
// end. Each listing is compared with os.ReadDir's, made right after.
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
		got := s.pids()
		want := procPIDs(t)
		if d := len(want) - len(got); d > 5 || d < -5 { // processes come and go meanwhile
			t.Fatalf("listing %d: scanner saw %d pids, os.ReadDir %d", i, len(got), len(want))
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
