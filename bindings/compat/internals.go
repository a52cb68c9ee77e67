package compat

import (
	"reflect"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// The pieces of gopher-lua's internals nsh touches, all for pcall
// (gopher-lua #448), all in gopher-lua v1.1.2's state.go and function.go:
//
//   - LState.hasErrorFunc (bool): an error raised while it is false closes
//     the upvalues of every frame of the state, even frames below the
//     protected call that catches it; PCall sets it while it runs and
//     clears it, not restores it, when it returns.
//   - LState.uvcache (*Upvalue), Upvalue.index (int), Upvalue.next
//     (*Upvalue): the state's open upvalues, sorted by register. With an
//     error handler, gopher-lua closes none of them, then clears the
//     registers of the unwound frames, so closures made there read nil.
//
// nsh's pcall keeps hasErrorFunc set while the protected function runs,
// closes the open upvalues of the unwound frames from its handler (which
// runs before the frames unwind), and restores the caller's flag after.
// TestInternalsCanary fails loudly when an upgrade renames or retypes a
// field; at run time, a missing field turns the mend off (internalsOK).
var (
	errorFuncField = field(reflect.TypeOf(lua.LState{}), "hasErrorFunc", reflect.TypeOf(false))
	uvcacheField   = field(reflect.TypeOf(lua.LState{}), "uvcache", reflect.TypeOf(&lua.Upvalue{}))
	uvIndexField   = field(reflect.TypeOf(lua.Upvalue{}), "index", reflect.TypeOf(0))
	uvNextField    = field(reflect.TypeOf(lua.Upvalue{}), "next", reflect.TypeOf(&lua.Upvalue{}))
	internalsOK    = errorFuncField.ok && uvcacheField.ok && uvIndexField.ok && uvNextField.ok
)

type fieldAt struct {
	offset uintptr
	ok     bool
}

// field finds the field name of type want in struct t.
func field(t reflect.Type, name string, want reflect.Type) fieldAt {
	f, ok := t.FieldByName(name)
	if !ok || f.Type != want {
		return fieldAt{}
	}
	return fieldAt{offset: f.Offset, ok: true}
}

func at[T any](base unsafe.Pointer, f fieldAt) *T {
	return (*T)(unsafe.Add(base, f.offset))
}

// hasErrorFunc reads L's flag; false when the fields are unknown.
func hasErrorFunc(L *lua.LState) bool {
	if !internalsOK {
		return false
	}
	return *at[bool](unsafe.Pointer(L), errorFuncField)
}

// setHasErrorFunc sets L's flag; nothing when the fields are unknown.
func setHasErrorFunc(L *lua.LState, v bool) {
	if internalsOK {
		*at[bool](unsafe.Pointer(L), errorFuncField) = v
	}
}

// topUpvalue returns the highest register with an open upvalue, or -1.
func topUpvalue(L *lua.LState) int {
	if !internalsOK {
		return -1
	}
	top := -1
	for uv := *at[*lua.Upvalue](unsafe.Pointer(L), uvcacheField); uv != nil; uv = *at[*lua.Upvalue](unsafe.Pointer(uv), uvNextField) {
		top = *at[int](unsafe.Pointer(uv), uvIndexField)
	}
	return top
}

// closeUpvaluesAbove closes the open upvalues of registers above top and
// drops them from the state's list, as a returning frame does.
func closeUpvaluesAbove(L *lua.LState, top int) {
	if !internalsOK {
		return
	}
	link := at[*lua.Upvalue](unsafe.Pointer(L), uvcacheField)
	for *link != nil && *at[int](unsafe.Pointer(*link), uvIndexField) <= top {
		link = at[*lua.Upvalue](unsafe.Pointer(*link), uvNextField)
	}
	for uv := *link; uv != nil; uv = *at[*lua.Upvalue](unsafe.Pointer(uv), uvNextField) {
		uv.Close()
	}
	*link = nil
}
