//go:build linux

package vocab

import (
	"runtime"
	"sync"
	"weak"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// A Lua state's handles are held weakly: the set that knows them keeps
// each *nsfs.Handle (so it can close it at the end, or when netns.del
// removes its namespace) but only a weak pointer to the userdata the script
// holds. When the script drops the userdata, a cleanup attached to it closes
// the handle from the cleanup goroutine; collectgarbage() and the pressure
// check in PushHandle close unreachable ones at once on the VM thread.
//
// A handle is closed by exactly one of: the script's h:close(), the
// runtime's end, netns.del, a sweep, or the cleanup. Each goes through
// held.close, which a mutex makes safe from any goroutine. Go code reads
// h.Fd() only while the userdata is on the Lua stack of the running call,
// so no close from the cleanup can race with a use.
type handleSet struct {
	mu    sync.Mutex
	held  map[*nsfs.Handle]*held
	limit int // sweep when this many handles are held
}

// held is one handle a script was given.
type held struct {
	mu     sync.Mutex
	h      *nsfs.Handle
	ud     weak.Pointer[lua.LUserData]
	reason string // why nsh closed it; "" while open or when the script did
}

// minSweep is the number of held handles below which PushHandle never
// forces a collection: a handle costs a few hundred bytes of Go heap and
// at least one descriptor, so the Go collector alone would let thousands
// of descriptors pile up before it ran.
const minSweep = 256

const handleSetKey = "nsh.handles"

// handlesOf returns the handle set of L (shared by its coroutines), made on
// first use; attached states get one too.
func handlesOf(L *lua.LState) *handleSet {
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	if ud, ok := reg.RawGetString(handleSetKey).(*lua.LUserData); ok {
		if s, ok := ud.Value.(*handleSet); ok {
			return s
		}
	}
	s := &handleSet{held: map[*nsfs.Handle]*held{}, limit: sweepLimit(0)}
	ud := L.NewUserData()
	ud.Value = s
	reg.RawSetString(handleSetKey, ud)
	return s
}

// add registers h, held by ud, and arranges its release when ud becomes
// unreachable. It returns whether the set has grown past its limit.
func (s *handleSet) add(ud *lua.LUserData, h *nsfs.Handle) bool {
	e := &held{h: h, ud: weak.Make(ud)}
	s.mu.Lock()
	s.held[h] = e
	full := len(s.held) >= s.limit
	s.mu.Unlock()
	runtime.AddCleanup(ud, s.drop, e)
	return full
}

// drop forgets e and closes its handle: the script can no longer reach it.
// It runs on the cleanup goroutine or on the VM thread.
func (s *handleSet) drop(e *held) {
	s.mu.Lock()
	if s.held[e.h] == e {
		delete(s.held, e.h)
	}
	s.mu.Unlock()
	e.close("")
}

// close closes the handle once; reason says why nsh did it.
func (e *held) close(reason string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.h.Closed() {
		return nil
	}
	e.reason = reason
	return e.h.Close()
}

// why returns the reason nsh closed the handle, "" when it did not.
func (e *held) why() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.reason
}

// sweep closes every handle whose userdata the last collection found
// unreachable, without waiting for the cleanup goroutine, and sets the
// next limit to twice what is still held.
func (s *handleSet) sweep() {
	var dead []*held
	s.mu.Lock()
	for h, e := range s.held {
		if e.ud.Value() == nil {
			delete(s.held, h)
			dead = append(dead, e)
		}
	}
	s.limit = sweepLimit(len(s.held))
	s.mu.Unlock()
	for _, e := range dead {
		e.close("")
	}
}

// sweepLimit is the number of held handles at which the next sweep runs:
// twice what is held now, at least minSweep, but never more than a quarter
// of the descriptor limit above what is held, so a low ulimit -n is not
// reached by dropped handles alone.
func sweepLimit(held int) int {
	limit := max(minSweep, 2*held)
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) == nil && rl.Cur < 1<<20 {
		limit = min(limit, held+max(16, int(rl.Cur)/4))
	}
	return limit
}

// matching returns the held handles for which keep is true.
func (s *handleSet) matching(keep func(*nsfs.Handle) bool) []*held {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*held
	for h, e := range s.held {
		if keep(h) {
			out = append(out, e)
		}
	}
	return out
}

// lookup returns the record of h, or nil.
func (s *handleSet) lookup(h *nsfs.Handle) *held {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held[h]
}

// Collect runs a full Go collection and closes at once every handle of L
// the script can no longer reach; collectgarbage() calls it.
func Collect(L *lua.LState) {
	runtime.GC()
	handlesOf(L).sweep()
}

// CloseHandles closes every handle L's scripts were given; a runtime calls
// it when it closes.
func CloseHandles(L *lua.LState) {
	for _, e := range handlesOf(L).matching(func(*nsfs.Handle) bool { return true }) {
		e.close("runtime closed")
	}
}

// NSID names a namespace: its nsfs device and inode.
type NSID struct{ Dev, Ino uint64 }

// CloseHandlesOn closes the handles L's scripts hold on the namespaces ids
// name, recording reason ("namespace deleted") for later use to report; it
// returns how many it closed.
func CloseHandlesOn(L *lua.LState, ids []NSID, reason string) int {
	want := map[NSID]bool{}
	for _, id := range ids {
		want[id] = true
	}
	n := 0
	s := handlesOf(L)
	for _, e := range s.matching(func(h *nsfs.Handle) bool { return want[NSID{h.Dev(), h.Inode()}] }) {
		if e.close(reason) == nil {
			n++
		}
	}
	return n
}

// ClosedMessage says why h is closed: "handle is closed" when the script
// closed it, "handle closed: REASON" when nsh did.
func ClosedMessage(L *lua.LState, h *nsfs.Handle) string {
	if e := handlesOf(L).lookup(h); e != nil {
		if r := e.why(); r != "" {
			return "handle closed: " + r
		}
	}
	return "handle is closed"
}

// HeldHandles returns how many open handles L's scripts hold (for tests
// and the soak).
func HeldHandles(L *lua.LState) int {
	n := 0
	for _, e := range handlesOf(L).matching(func(*nsfs.Handle) bool { return true }) {
		e.mu.Lock()
		if !e.h.Closed() {
			n++
		}
		e.mu.Unlock()
	}
	return n
}
