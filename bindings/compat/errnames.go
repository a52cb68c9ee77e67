package compat

import (
	lua "github.com/yuin/gopher-lua"
)

// Naming the value a failed instruction used, as lua5.1's messages do
// ("attempt to call global 'f' (a nil value)"): the failing instruction
// says which register or constant it read, and the code before it says how
// that register got its value. The instruction layout is gopher-lua
// v1.1.2's (opcode.go), checked by TestErrNamesCanary.
const (
	aShift  = 18
	aMask   = 0xff
	cShift  = 9
	bcMask  = 0x1ff
	kBit    = 0x100 // an RK operand with this bit names a constant
	sbxBias = bxMask >> 1
)

// inst is one decoded instruction.
type inst struct {
	op, a, b, c, bx, sbx int
}

func decode(i uint32) inst {
	bx := int(i & bxMask)
	return inst{
		op:  int(i >> opShift),
		a:   int(i>>aShift) & aMask,
		b:   int(i & bcMask),
		c:   int(i>>cShift) & bcMask,
		bx:  bx,
		sbx: bx - sbxBias,
	}
}

// varName says what register reg of p holds at instruction pc: kind is
// "global", "local", "field", "method" or "upvalue" and name its name, or
// kind is "" when the value has no name (a temporary, a constant, a call's
// result).
func varName(fn *lua.LFunction, pc, reg int) (kind, name string) {
	p := fn.Proto
	// A name in parentheses is not the program's: a for loop's hidden
	// state, or a temporary of nsh's compile-time mends, named by how it
	// was loaded.
	if n := localName(p, pc, reg); n != "" && n[0] != '(' {
		return "local", n
	}
	at := lastWrite(p, pc, reg)
	if at < 0 {
		return "", ""
	}
	in := decode(p.Code[at])
	switch in.op {
	case lua.OP_GETGLOBAL:
		if s, ok := constString(p, in.bx); ok {
			return "global", s
		}
	case lua.OP_MOVE:
		if in.b < in.a {
			return varName(fn, pc, in.b)
		}
	case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
		return "field", keyName(p, in.c)
	case lua.OP_GETUPVAL:
		if in.b < len(p.DbgUpvalues) {
			return "upvalue", p.DbgUpvalues[in.b]
		}
		return "upvalue", "?"
	case lua.OP_SELF:
		return "method", keyName(p, in.c)
	}
	return "", ""
}

// localName is the name of the local variable register reg holds at
// instruction pc, or "". A local is active from its StartPc up to, not
// including, its EndPc, and the active ones take the registers in order.
// (LFunction.LocalName counts from StartPc+1, so it misses a local at the
// instruction right after its declaration.)
func localName(p *lua.FunctionProto, pc, reg int) string {
	for _, l := range p.DbgLocals {
		if l.StartPc <= pc && pc < l.EndPc {
			if reg == 0 {
				return l.Name
			}
			reg--
		}
	}
	return ""
}

// keyName is the name a table key operand shows: a constant string as is,
// anything else as "?".
func keyName(p *lua.FunctionProto, rk int) string {
	if rk&kBit != 0 {
		if s, ok := constString(p, rk&^kBit); ok {
			return s
		}
	}
	return "?"
}

func constString(p *lua.FunctionProto, k int) (string, bool) {
	if k < 0 || k >= len(p.Constants) {
		return "", false
	}
	s, ok := p.Constants[k].(lua.LString)
	return string(s), ok
}

// lastWrite returns the index of the last instruction before pc that set
// register reg, walking the code from the start and taking the forward
// jumps that land at or before pc (so the arm of an "a or b" the jump
// skips does not count); -1 when none did.
func lastWrite(p *lua.FunctionProto, pc, reg int) int {
	last := -1
	for i := 0; i < pc && i < len(p.Code); i++ {
		in := decode(p.Code[i])
		if writes(in, reg) {
			last = i
		}
		switch in.op {
		case lua.OP_JMP:
			if dest := i + 1 + in.sbx; dest > i+1 && dest <= pc {
				i = dest - 1
			}
		case lua.OP_CLOSURE:
			// the pseudo-instructions that bind its upvalues follow it
			if in.bx < len(p.FunctionPrototypes) {
				i += int(p.FunctionPrototypes[in.bx].NumUpvalues)
			}
		case lua.OP_SETLIST:
			if in.c == 0 {
				i++ // the next word is the block number, not an instruction
			}
		}
	}
	return last
}

// writes reports whether in sets register reg.
func writes(in inst, reg int) bool {
	switch in.op {
	case lua.OP_MOVE, lua.OP_MOVEN, lua.OP_LOADK, lua.OP_LOADBOOL, lua.OP_GETUPVAL,
		lua.OP_GETGLOBAL, lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_NEWTABLE,
		lua.OP_ADD, lua.OP_SUB, lua.OP_MUL, lua.OP_DIV, lua.OP_MOD, lua.OP_POW,
		lua.OP_UNM, lua.OP_NOT, lua.OP_LEN, lua.OP_CONCAT, lua.OP_CLOSURE, lua.OP_TESTSET:
		return reg == in.a
	case lua.OP_LOADNIL:
		return in.a <= reg && reg <= in.b
	case lua.OP_SELF:
		return reg == in.a || reg == in.a+1
	case lua.OP_CALL, lua.OP_TAILCALL, lua.OP_VARARG:
		return reg >= in.a
	case lua.OP_TFORLOOP:
		return reg >= in.a+2
	case lua.OP_FORLOOP, lua.OP_FORPREP:
		return in.a <= reg && reg <= in.a+3
	}
	return false
}

// describe is how lua5.1 shows a value it names: "global 'x' (a nil
// value)", or "a nil value" when it has no name.
func describe(kind, name, typ string) string {
	if kind == "" {
		return "a " + typ + " value"
	}
	return kind + " '" + name + "' (a " + typ + " value)"
}

// describeOperand describes the RK operand rk of instruction pc, whose
// value has type typ.
func describeOperand(fn *lua.LFunction, pc, rk int, typ string) string {
	if rk&kBit != 0 {
		return describe("", "", typ)
	}
	kind, name := varName(fn, pc, rk)
	return describe(kind, name, typ)
}

// replay returns the value register reg held when instruction pc of fn
// ran, for a frame whose registers are gone (a dead coroutine's). It
// answers only when it can be sure: the instruction right before pc set
// the register, no jump lands on pc, and that instruction reads nothing
// that could have changed since (a constant, an upvalue, a global or a
// table field read raw or through __index tables and PureIndex functions,
// or a register it can replay in turn).
func replay(L *lua.LState, fn *lua.LFunction, pc, reg, depth int) (lua.LValue, bool) {
	p := fn.Proto
	at := pc - 1
	if depth > 8 || at < 0 || lastWrite(p, pc, reg) != at || jumpsTo(p, pc) {
		return nil, false
	}
	in := decode(p.Code[at])
	switch in.op {
	case lua.OP_LOADNIL:
		return lua.LNil, true
	case lua.OP_LOADBOOL:
		return lua.LBool(in.b != 0), true
	case lua.OP_LOADK:
		if in.bx < len(p.Constants) {
			return p.Constants[in.bx], true
		}
	case lua.OP_NEWTABLE:
		return &lua.LTable{Metatable: lua.LNil}, true
	case lua.OP_MOVE:
		return replay(L, fn, at, in.b, depth+1)
	case lua.OP_GETUPVAL:
		if in.b < len(fn.Upvalues) && fn.Upvalues[in.b] != nil {
			return fn.Upvalues[in.b].Value(), true
		}
	case lua.OP_GETGLOBAL:
		if name, ok := constString(p, in.bx); ok && fn.Env != nil {
			return pureField(L, fn.Env, lua.LString(name), 0)
		}
	case lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_SELF:
		k := in.c &^ kBit
		if in.c&kBit == 0 || k >= len(p.Constants) || in.op == lua.OP_SELF && reg != in.a {
			return nil, false
		}
		if t, known := replay(L, fn, at, in.b, depth+1); known {
			return pureField(L, t, p.Constants[k], 0)
		}
	}
	return nil, false
}

// pureField is t[k] when reading it runs no code but PureIndex functions.
func pureField(L *lua.LState, t, k lua.LValue, depth int) (lua.LValue, bool) {
	if tb, ok := t.(*lua.LTable); ok {
		if v := tb.RawGet(k); v != lua.LNil {
			return v, true
		}
	}
	_, isTable := t.(*lua.LTable)
	mt, ok := L.GetMetatable(t).(*lua.LTable)
	if !ok {
		return lua.LNil, isTable // indexing anything else fails
	}
	switch index := mt.RawGetString("__index").(type) {
	case *lua.LNilType:
		return lua.LNil, isTable
	case *lua.LTable:
		if depth < 8 {
			return pureField(L, index, k, depth+1)
		}
	case *lua.LFunction:
		if isPureIndex(L, index) &&
			L.CallByParam(lua.P{Fn: index, NRet: 1, Protect: true}, t, k) == nil {
			v := L.Get(-1)
			L.Pop(1)
			return v, true
		}
	}
	return nil, false
}

// pureKey is where PureIndex keeps its marks, in the state's registry.
const pureKey = "nsh.compat.pureindex"

// PureIndex marks fn, an __index function, as one that does nothing but
// compute its result, so that an error message may call it again to learn
// the type of a value that is gone (nsh's lazy module loader on _G).
func PureIndex(L *lua.LState, fn *lua.LFunction) {
	marks, ok := L.G.Registry.RawGetString(pureKey).(*lua.LTable)
	if !ok {
		marks = L.NewTable()
		L.G.Registry.RawSetString(pureKey, marks)
	}
	marks.RawSet(fn, lua.LTrue)
}

func isPureIndex(L *lua.LState, fn *lua.LFunction) bool {
	marks, ok := L.G.Registry.RawGetString(pureKey).(*lua.LTable)
	return ok && marks.RawGet(fn) == lua.LTrue
}

// jumpsTo reports whether some instruction of p may continue at pc other
// than by falling through from pc-1.
func jumpsTo(p *lua.FunctionProto, pc int) bool {
	for i, word := range p.Code {
		in := decode(word)
		switch in.op {
		case lua.OP_JMP, lua.OP_FORLOOP, lua.OP_FORPREP:
			if i+1+in.sbx == pc {
				return true
			}
		case lua.OP_EQ, lua.OP_LT, lua.OP_LE, lua.OP_TEST, lua.OP_TESTSET, lua.OP_TFORLOOP:
			if i+2 == pc {
				return true
			}
		case lua.OP_LOADBOOL:
			if in.c != 0 && i+2 == pc {
				return true
			}
		}
	}
	return false
}
