//go:build linux

package netconf

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/vishvananda/netlink"
)

// DumpRetries bounds how many times a netlink dump is made when the kernel
// flags it interrupted (NLM_F_DUMP_INTR: the links, addresses or routes
// changed while the dump was being read, as they do routinely while
// namespaces are torn down).
const DumpRetries = 10

// ErrDumpInterrupted is wrapped when every one of DumpRetries dumps was
// interrupted; errors.Is(err, netlink.ErrDumpInterrupted) holds too.
var ErrDumpInterrupted = errors.New("dump interrupted by concurrent changes")

// redumps counts dumps made again after an interruption, for tests.
var redumps atomic.Int64

// dump runs fn, one netlink dump, again while the kernel says the dump was
// interrupted, up to DumpRetries times with a short pause growing each
// time, and returns the first consistent result.
func dump[T any](fn func() (T, error)) (T, error) {
	for try := 1; ; try++ {
		v, err := fn()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return v, err
		}
		if try == DumpRetries {
			var zero T
			return zero, fmt.Errorf("%w %d times in a row, gave up (%w)", ErrDumpInterrupted, DumpRetries, err)
		}
		redumps.Add(1)
		time.Sleep(time.Duration(try) * 200 * time.Microsecond)
	}
}
