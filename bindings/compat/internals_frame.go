package compat

import (
	"reflect"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// The pieces of gopher-lua's internals the error messages read, all
// read-only, all in gopher-lua v1.1.2's state.go, to name the variable a
// failed instruction used (errnames.go):
//
//   - Debug.frame (*callFrame): the frame L.GetStack returns.
//   - callFrame.Fn (*LFunction) and callFrame.Pc (int): the frame's
//     function and the index of the instruction after the running one.
//   - LState.stack (callFrameStack, an interface with Sp() int and
//     At(int) *callFrame): a coroutine that died of an error has popped
//     the frame that raised it, which stays at At(Sp()).
//
// TestFrameInternalsCanary fails loudly when an upgrade renames or retypes
// one; at run time, a missing one leaves the messages as gopher-lua words
// them (framesOK).
var (
	frameType             = frameStruct()
	dbgFrame              = structField(reflect.TypeOf(lua.Debug{}), "frame", frameType, true)
	frameFn               = structField(frameType, "Fn", reflect.TypeOf(&lua.LFunction{}), false)
	framePc               = structField(frameType, "Pc", reflect.TypeOf(0), false)
	stackField, stackType = stackInterface()
	framesOK              = frameType != nil && dbgFrame.ok && frameFn.ok && framePc.ok
	stackOK               = framesOK && stackField.ok
)

// frameStruct is the struct type Debug.frame points to, or nil.
func frameStruct() reflect.Type {
	f, ok := reflect.TypeOf(lua.Debug{}).FieldByName("frame")
	if !ok || f.Type.Kind() != reflect.Pointer || f.Type.Elem().Kind() != reflect.Struct {
		return nil
	}
	return f.Type.Elem()
}

// structField is field for a struct type that may be missing (nil); with
// ptr, the field's type is a pointer to want.
func structField(t reflect.Type, name string, want reflect.Type, ptr bool) fieldAt {
	if t == nil || want == nil {
		return fieldAt{}
	}
	if ptr {
		want = reflect.PointerTo(want)
	}
	return field(t, name, want)
}

// stackInterface finds LState.stack and checks its methods Sp and At.
func stackInterface() (fieldAt, reflect.Type) {
	f, ok := reflect.TypeOf(lua.LState{}).FieldByName("stack")
	if !ok || f.Type.Kind() != reflect.Interface || frameType == nil {
		return fieldAt{}, nil
	}
	sp, ok1 := f.Type.MethodByName("Sp")
	at, ok2 := f.Type.MethodByName("At")
	if !ok1 || !ok2 ||
		sp.Type.NumIn() != 0 || sp.Type.NumOut() != 1 || sp.Type.Out(0) != reflect.TypeOf(0) ||
		at.Type.NumIn() != 1 || at.Type.In(0) != reflect.TypeOf(0) ||
		at.Type.NumOut() != 1 || at.Type.Out(0) != reflect.PointerTo(frameType) {
		return fieldAt{}, nil
	}
	return fieldAt{offset: f.Offset, ok: true}, f.Type
}

// frameCode returns the Lua function a frame runs and the index of its
// running instruction; ok is false for a Go function's frame.
func frameCode(frame unsafe.Pointer) (fn *lua.LFunction, pc int, ok bool) {
	if frame == nil {
		return nil, 0, false
	}
	fn = *at[*lua.LFunction](frame, frameFn)
	pc = *at[int](frame, framePc) - 1
	if fn == nil || fn.IsG || fn.Proto == nil || pc < 0 || pc >= len(fn.Proto.Code) ||
		pc >= len(fn.Proto.DbgSourcePositions) {
		return nil, 0, false
	}
	return fn, pc, true
}

// luaFrame returns the Lua function and running instruction of L's frame
// at level (0 is the running function), and its Debug for GetLocal.
func luaFrame(L *lua.LState, level int) (*lua.LFunction, int, *lua.Debug, bool) {
	if !framesOK {
		return nil, 0, nil, false
	}
	dbg, ok := L.GetStack(level)
	if !ok {
		return nil, 0, nil, false
	}
	fn, pc, ok := frameCode(*at[unsafe.Pointer](unsafe.Pointer(dbg), dbgFrame))
	return fn, pc, dbg, ok
}

// deadFrame returns the Lua function and instruction of the frame that
// raised the error coroutine th just died of.
func deadFrame(th *lua.LState) (fn *lua.LFunction, pc int, ok bool) {
	if !stackOK {
		return nil, 0, false
	}
	defer func() {
		if recover() != nil {
			fn, ok = nil, false
		}
	}()
	stack := reflect.NewAt(stackType, unsafe.Add(unsafe.Pointer(th), stackField.offset)).Elem()
	if stack.IsNil() {
		return nil, 0, false
	}
	sp := stack.MethodByName("Sp").Call(nil)[0]
	frame := stack.MethodByName("At").Call([]reflect.Value{sp})[0]
	return frameCode(frame.UnsafePointer())
}
