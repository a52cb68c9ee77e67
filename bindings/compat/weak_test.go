package compat

import (
	"runtime"
	"testing"
	"weak"

	lua "github.com/yuin/gopher-lua"
)

// TestTableInternalsCanary fails loudly when a gopher-lua upgrade renames
// or retypes the LTable fields weak tables rely on (internals_table.go):
// weak keys would silently turn strong.
func TestTableInternalsCanary(t *testing.T) {
	if !keysField.ok || !k2iField.ok {
		t.Fatal("gopher-lua internals changed: LTable.keys []LValue or LTable.k2i map[LValue]int is gone; review internals_table.go and weak.go")
	}
	// A removed key must stay in keys and k2i (what detachKey undoes), and
	// next must skip an empty slot.
	tb := &lua.LTable{Metatable: lua.LNil}
	a, b := &lua.LTable{}, &lua.LTable{}
	tb.RawSet(a, lua.LNumber(1))
	tb.RawSet(b, lua.LNumber(2))
	tb.RawSet(a, lua.LNil)
	keys, k2i := tableKeys(tb)
	if len(*keys) != 2 || (*keys)[0] != lua.LValue(a) || (*k2i)[b] != 1 {
		t.Fatalf("gopher-lua's key order changed: keys %v", *keys)
	}
	if i := detachKey(tb, a); i != 0 {
		t.Fatalf("detachKey = %d", i)
	}
	if k, v := tb.Next(lua.LNil); k != lua.LValue(b) || v != lua.LNumber(2) {
		t.Fatalf("next over an empty slot gives %v %v", k, v)
	}
	compactKeys(tb)
	if len(*keys) != 1 || (*k2i)[b] != 0 {
		t.Fatalf("compactKeys left %v %v", *keys, *k2i)
	}
}

// TestWeakKeyIsFreed: after a sweep, a weak table's collected key is gone
// from Go's heap too, not only from the table.
func TestWeakKeyIsFreed(t *testing.T) {
	L := lua.NewState(Options())
	defer L.Close()
	Install(L, Hooks{})
	if err := L.DoString(`w = setmetatable({}, {__mode = "k"}); w[{}] = 1; k = next(w)`); err != nil {
		t.Fatal(err)
	}
	key, _ := L.GetGlobal("k").(*lua.LTable)
	if key == nil {
		t.Fatal("no key")
	}
	p := weak.Make(key)
	key = nil
	L.SetGlobal("k", lua.LNil)
	SweepWeak(L)
	runtime.GC()
	if p.Value() != nil {
		t.Error("the key of a swept weak table is still in memory")
	}
	if L.DoString(`assert(next(w) == nil)`) != nil {
		t.Error("the entry is still in the table")
	}
}
