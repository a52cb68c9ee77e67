//go:build linux

package netconf

import (
	"errors"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
)

// TestDumpRetryBound: an interrupted dump is made again until one is
// consistent; after DumpRetries interrupted ones in a row the error says
// so, and keeps both sentinels.
func TestDumpRetryBound(t *testing.T) {
	calls := 0
	flaky := func() ([]int, error) {
		calls++
		if calls < 3 {
			return []int{1}, netlink.ErrDumpInterrupted
		}
		return []int{1, 2}, nil
	}
	if v, err := dump(flaky); err != nil || len(v) != 2 || calls != 3 {
		t.Errorf("dump(interrupted twice) = %v, %v after %d calls", v, err, calls)
	}
	calls = 0
	always := func() ([]int, error) { calls++; return []int{1}, netlink.ErrDumpInterrupted }
	v, err := dump(always)
	if v != nil || calls != DumpRetries || !errors.Is(err, ErrDumpInterrupted) || !errors.Is(err, netlink.ErrDumpInterrupted) ||
		!strings.Contains(err.Error(), "dump interrupted by concurrent changes 10 times in a row, gave up") {
		t.Errorf("dump(always interrupted) = %v, %v after %d calls", v, err, calls)
	}
}
