package compat

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"weak"

	lua "github.com/yuin/gopher-lua"
)

// Weak tables. gopher-lua stores every table entry strongly, so __mode
// alone changes nothing. nsh keeps a list of the tables given a metatable
// with __mode (by setmetatable) and sweeps them: it takes out each entry
// whose weak part is collectable (a table, function, userdata or
// coroutine; strings, numbers and booleans are values and stay), holding
// that part only through a Go weak pointer, runs Go's collector, and puts
// back the entries whose objects are still in use elsewhere. An object
// reachable only from weak entries is gone, as in lua5.1; one that Go code
// or the VM's value stack still holds stays.
//
// A sweep runs at collectgarbage("collect"), at the end of a
// collectgarbage("step") cycle, and, since lua5.1 collects on its own while
// a program allocates, at the next "..", setmetatable, gcinfo or
// collectgarbage("count") after Go's collector has run a cycle (a loop
// waiting for a weak entry to go, as closure.lua's, ends).

// weakTablesKey is where a state's list lives in its registry.
const weakTablesKey = "(nsh weak tables)"

var (
	// weakInUse is set once any state has a weak table: until then the
	// automatic sweep costs one atomic load.
	weakInUse atomic.Bool
	// gcCycles counts Go's collection cycles (gcSentinel); sweptAt is its
	// value at the end of the last sweep of any state.
	gcCycles    atomic.Uint64
	sweptAt     atomic.Uint64
	sentinelRun sync.Once
)

// gcSentinel is garbage whose finalizer counts a cycle and makes the next.
type gcSentinel struct {
	_ *int // a pointer keeps it out of the tiny allocator
	_ [2]uintptr
}

func armSentinel() {
	runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) {
		gcCycles.Add(1)
		armSentinel()
	})
}

// weakTables is one state's list of weak tables.
type weakTables struct {
	tables map[weak.Pointer[lua.LTable]]struct{}
	seen   uint64      // gcCycles at the last sweep
	plain  *lua.LTable // the last metatable seen without __mode
}

// installWeak replaces setmetatable with one that notes weak tables (and
// takes only a table, as lua5.1's), and keeps the state's list in its
// registry for the sweeps.
func installWeak(L *lua.LState) *weakTables {
	w := &weakTables{tables: map[weak.Pointer[lua.LTable]]struct{}{}}
	ud := L.NewUserData()
	ud.Value = w
	L.G.Registry.RawSetString(weakTablesKey, ud)
	L.SetGlobal("setmetatable", L.NewFunction(w.setmetatable))
	return w
}

// setmetatable is lua5.1's setmetatable(t, mt), noting t when mt has a
// __mode with "k" or "v".
func (w *weakTables) setmetatable(L *lua.LState) int {
	tb := L.CheckTable(1)
	mt := L.Get(2)
	mtt, isTable := mt.(*lua.LTable)
	if !isTable && mt != lua.LNil {
		L.ArgError(2, "nil or table expected")
	}
	if old, ok := tb.Metatable.(*lua.LTable); ok && old.RawGetString("__metatable") != lua.LNil {
		L.Error(lua.LString("cannot change a protected metatable"), 0) // no position, as from a C function
	}
	autoSweep(L)
	L.SetMetatable(tb, mt)
	if isTable && mtt != w.plain && w.note(tb, mtt) {
	}
	L.SetTop(1)
	return 1
}

// note adds tb to the list when its metatable mt has a weak mode, and
// reports whether it had; a metatable without is remembered, so that
// objects of one class cost one comparison (lua5.1 asks that __mode not
// change once a table is a metatable).
func (w *weakTables) note(tb, mt *lua.LTable) bool {
	if weakMode(mt) == "" {
		w.plain = mt
		return false
	}
	w.tables[weak.Make(tb)] = struct{}{}
	if !weakInUse.Load() {
		sentinelRun.Do(armSentinel)
		weakInUse.Store(true)
	}
	return true
}

// weakMode returns which parts of a table with metatable mt are weak: "",
// "k", "v" or "kv".
func weakMode(mt *lua.LTable) string {
	s, ok := mt.RawGetString("__mode").(lua.LString)
	if !ok {
		return ""
	}
	mode := ""
	if strings.Contains(string(s), "k") {
		mode += "k"
	}
	if strings.Contains(string(s), "v") {
		mode += "v"
	}
	return mode
}

// stateWeakTables returns L's list, or nil when it has none.
func stateWeakTables(L *lua.LState) *weakTables {
	ud, ok := L.G.Registry.RawGetString(weakTablesKey).(*lua.LUserData)
	if !ok {
		return nil
	}
	w, _ := ud.Value.(*weakTables)
	return w
}

// SweepWeak removes from L's weak tables the entries whose weak parts
// nothing else holds, running a full Go collection; collectgarbage() does
// it. A host that replaces collectgarbage calls it from its own.
func SweepWeak(L *lua.LState) {
	if w := stateWeakTables(L); w != nil {
		w.sweep()
		return
	}
	runtime.GC()
}

// autoSweep sweeps L's weak tables when Go's collector has run a cycle
// since the last sweep.
func autoSweep(L *lua.LState) {
	if !weakInUse.Load() || gcCycles.Load() == sweptAt.Load() {
		return
	}
	if w := stateWeakTables(L); w != nil && len(w.tables) > 0 && gcCycles.Load() != w.seen {
		w.sweep()
	}
}

// weakRef holds one collectable value weakly.
type weakRef struct {
	t weak.Pointer[lua.LTable]
	f weak.Pointer[lua.LFunction]
	u weak.Pointer[lua.LUserData]
	s weak.Pointer[lua.LState]
}

// makeWeak returns a weak reference to v, false when v is not collectable.
func makeWeak(v lua.LValue) (weakRef, bool) {
	switch v := v.(type) {
	case *lua.LTable:
		return weakRef{t: weak.Make(v)}, true
	case *lua.LFunction:
		return weakRef{f: weak.Make(v)}, true
	case *lua.LUserData:
		return weakRef{u: weak.Make(v)}, true
	case *lua.LState:
		return weakRef{s: weak.Make(v)}, true
	}
	return weakRef{}, false
}

// value returns the referenced value, false when it was collected.
func (r weakRef) value() (lua.LValue, bool) {
	if p := r.t.Value(); p != nil {
		return p, true
	}
	if p := r.f.Value(); p != nil {
		return p, true
	}
	if p := r.u.Value(); p != nil {
		return p, true
	}
	if p := r.s.Value(); p != nil {
		return p, true
	}
	return nil, false
}

// heldEntry is an entry taken out of a weak table during a sweep: each
// part is held strongly (k, v) or weakly (wk, wv).
type heldEntry struct {
	tb       weak.Pointer[lua.LTable]
	k, v     lua.LValue
	wk, wv   weakRef
	weakKey  bool
	weakVal  bool
	keyIndex int // the key's place in the key order, for a weak key
}

// sweep removes from every weak table of the state the entries whose weak
// parts nothing else holds.
func (w *weakTables) sweep() {
	held, touched := w.takeOut()
	runtime.GC()
	putBack(held)
	for _, p := range touched {
		if tb := p.Value(); tb != nil {
			compactKeys(tb)
		}
	}
	w.seen = gcCycles.Load()
	sweptAt.Store(w.seen)
}

// takeOut removes the entries with a collectable weak part from each live
// weak table and returns them, with the tables whose key order it changed.
func (w *weakTables) takeOut() ([]heldEntry, []weak.Pointer[lua.LTable]) {
	var held []heldEntry
	var touched []weak.Pointer[lua.LTable]
	for p := range w.tables {
		tb := p.Value()
		if tb == nil {
			delete(w.tables, p)
			continue
		}
		mt, ok := tb.Metatable.(*lua.LTable)
		mode := ""
		if ok {
			mode = weakMode(mt)
		}
		if mode == "" {
			delete(w.tables, p)
			continue
		}
		n := len(held)
		held = takeEntries(tb, p, strings.Contains(mode, "k"), strings.Contains(mode, "v"), held)
		for _, e := range held[n:] {
			if e.weakKey {
				touched = append(touched, p)
				break
			}
		}
	}
	return held, touched
}

// takeEntries takes tb's entries with a collectable weak part out of it and
// appends them to held.
func takeEntries(tb *lua.LTable, p weak.Pointer[lua.LTable], weakKeys, weakVals bool, held []heldEntry) []heldEntry {
	var entries []heldEntry
	tb.ForEach(func(k, v lua.LValue) {
		e := heldEntry{tb: p, k: k, v: v}
		if weakKeys && tableInternalsOK {
			e.wk, e.weakKey = makeWeak(k)
		}
		if weakVals {
			e.wv, e.weakVal = makeWeak(v)
		}
		if e.weakKey || e.weakVal {
			entries = append(entries, e)
		}
	})
	for _, e := range entries {
		tb.RawSet(e.k, lua.LNil)
		if e.weakKey {
			e.keyIndex = detachKey(tb, e.k)
			if e.keyIndex < 0 { // not where expected: keep the entry
				tb.RawSet(e.k, e.v)
				continue
			}
			e.k = nil
		}
		if e.weakVal {
			e.v = nil
		}
		held = append(held, e)
	}
	return held
}

// putBack returns to their tables the entries whose weak parts survived.
func putBack(held []heldEntry) {
	for _, e := range held {
		tb := e.tb.Value()
		if tb == nil {
			continue
		}
		k, v := e.k, e.v
		ok := true
		if e.weakKey {
			k, ok = e.wk.value()
		}
		if ok && e.weakVal {
			v, ok = e.wv.value()
		}
		if !ok {
			continue
		}
		if e.weakKey {
			reattachKey(tb, k, e.keyIndex)
		}
		tb.RawSet(k, v)
	}
}
