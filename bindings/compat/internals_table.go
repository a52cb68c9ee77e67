package compat

import (
	"reflect"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// The pieces of gopher-lua's LTable that weak tables touch (table.go of
// v1.1.2): keys ([]LValue), the hash part's keys in the order next visits
// them, and k2i (map[LValue]int), each key's index in keys. Removing an
// entry deletes it from the hash but leaves its key in keys and k2i, so a
// removed key stays reachable; the weak-table sweep takes a collectable
// key out of both while Go's collector decides whether it is still in use
// elsewhere, and puts it back in its place if it is.
// TestTableInternalsCanary fails loudly when an upgrade renames or retypes
// a field; at run time, a missing field leaves weak keys strong
// (tableInternalsOK).
var (
	keysField        = field(reflect.TypeOf(lua.LTable{}), "keys", reflect.TypeOf([]lua.LValue(nil)))
	k2iField         = field(reflect.TypeOf(lua.LTable{}), "k2i", reflect.TypeOf(map[lua.LValue]int(nil)))
	tableInternalsOK = keysField.ok && k2iField.ok
)

// tableKeys returns pointers to tb's keys and k2i.
func tableKeys(tb *lua.LTable) (*[]lua.LValue, *map[lua.LValue]int) {
	return at[[]lua.LValue](unsafe.Pointer(tb), keysField), at[map[lua.LValue]int](unsafe.Pointer(tb), k2iField)
}

// detachKey removes the hash-part key k (whose value is already removed)
// from tb's key order, leaving an empty slot, and returns its index; -1
// when the fields are unknown or k is not there.
func detachKey(tb *lua.LTable, k lua.LValue) int {
	if !tableInternalsOK {
		return -1
	}
	keys, k2i := tableKeys(tb)
	i, ok := (*k2i)[k]
	if !ok || i >= len(*keys) || (*keys)[i] != k {
		return -1
	}
	(*keys)[i] = lua.LNil
	delete(*k2i, k)
	return i
}

// reattachKey puts k back at index i of tb's key order, before its value is
// set again.
func reattachKey(tb *lua.LTable, k lua.LValue, i int) {
	keys, k2i := tableKeys(tb)
	(*keys)[i] = k
	(*k2i)[k] = i
}

// compactKeys drops the empty slots detachKey left in tb's key order and
// renumbers k2i; the remaining keys keep their order, so a traversal in
// progress (whose current key is alive) goes on where it was.
func compactKeys(tb *lua.LTable) {
	keys, k2i := tableKeys(tb)
	kept := (*keys)[:0]
	for _, k := range *keys {
		if k != lua.LNil {
			(*k2i)[k] = len(kept)
			kept = append(kept, k)
		}
	}
	clear((*keys)[len(kept):])
	*keys = kept
}
