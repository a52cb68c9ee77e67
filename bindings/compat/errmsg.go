package compat

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// gopher-lua's VM words its runtime errors its own way; lua5.1 names the
// variable the failed instruction used. reword turns the first into the
// second. It runs only on the error path: from the message handler of
// pcall, xpcall and the runtime (before the frames unwind, so the
// registers still hold the values), and when a coroutine dies of an error.
var (
	reIndex   = regexp.MustCompile(`^attempt to index a non-table object\((\w+)\) with key '(?s:.*)'$`)
	reArith   = regexp.MustCompile(`^cannot perform (?:add|sub|mul|div|mod|pow) operation between (\w+) and (\w+)$`)
	reConcat  = regexp.MustCompile(`^cannot perform concat operation between (\w+) and (\w+)$`)
	reCompare = regexp.MustCompile(`^(.*:\d+: |)attempt to compare (\w+) with (\w+)$`)
	reArg     = regexp.MustCompile(`bad argument #(\d+) to ([^ ']+) \(`)
)

// forMessages are gopher-lua's numeric-for errors and lua5.1's.
var forMessages = map[string]string{
	"for statement init must be a number":  "'for' initial value must be a number",
	"for statement limit must be a number": "'for' limit must be a number",
	"for statement step must be a number":  "'for' step must be a number",
}

// regReader returns the value register reg of the failed frame holds, or
// false when it cannot tell.
type regReader func(reg int) (lua.LValue, bool)

// Reword returns v as lua5.1 words it when v is a runtime error message
// gopher-lua's VM raised ("attempt to call a non-function object" becomes
// "attempt to call global 'f' (a nil value)"), else v unchanged. Call it
// first thing in a message handler, the function PCall runs on an error
// before the frames unwind: level 1 is then the frame that raised.
func Reword(L *lua.LState, v lua.LValue) lua.LValue {
	s, ok := v.(lua.LString)
	if !ok || !mayReword(string(s)) {
		return v
	}
	msg := string(s)
	fn, pc, dbg, ok := luaFrame(L, 1)
	if !ok {
		return lua.LString(rewordGo(msg, L, 2))
	}
	return lua.LString(reword(msg, fn, pc, frameRegs(L, dbg)))
}

// frameRegs reads the registers of the frame dbg, a live one.
func frameRegs(L *lua.LState, dbg *lua.Debug) regReader {
	return func(reg int) (lua.LValue, bool) {
		name, v := L.GetLocal(dbg, reg+1)
		return v, name != ""
	}
}

// rewordDead rewords, on L, the error message coroutine th died of: its frames
// are gone, so only what the code says (and a value it can be sure of)
// names the variable.
func rewordDead(L, th *lua.LState, v lua.LValue) lua.LValue {
	s, ok := v.(lua.LString)
	if !ok || !th.Dead || !mayReword(string(s)) {
		return v
	}
	fn, pc, ok := deadFrame(th)
	if !ok {
		return lua.LString(rewordGo(string(s), th, 0))
	}
	return lua.LString(reword(string(s), fn, pc, func(reg int) (lua.LValue, bool) {
		return replay(L, fn, pc, reg, 0)
	}))
}

// mayReword is a quick look for the words of the messages reword knows,
// so that other errors cost nothing more.
func mayReword(msg string) bool {
	return strings.Contains(msg, "attempt to ") || strings.Contains(msg, "cannot perform ") ||
		strings.HasSuffix(msg, " undefined") || strings.Contains(msg, "for statement ") ||
		strings.Contains(msg, "bad argument #")
}

// rewordGo rewords msg, raised by a Go function whose caller is L's
// frame at level caller: an argument error names the function as lua5.1
// does, quoted, and counts a method's arguments without self.
func rewordGo(msg string, L *lua.LState, caller int) string {
	m := reArg.FindStringSubmatchIndex(msg)
	if m == nil {
		return rewordText(msg)
	}
	n, _ := strconv.Atoi(msg[m[2]:m[3]])
	name := msg[m[4]:m[5]]
	if name == "(anonymous)" {
		name = "?"
	}
	if fn, pc, _, ok := luaFrame(L, caller); ok {
		in := decode(fn.Proto.Code[pc])
		if in.op == lua.OP_CALL || in.op == lua.OP_TAILCALL {
			if kind, _ := varName(fn, pc, in.a); kind == "method" {
				n--
			}
		}
	}
	if n == 0 {
		return msg[:m[0]] + "calling '" + name + "' on bad self (" + msg[m[1]:]
	}
	return msg[:m[0]] + "bad argument #" + strconv.Itoa(n) + " to '" + name + "' (" + msg[m[1]:]
}

// rewordText rewords the messages that need no variable name.
func rewordText(msg string) string {
	if m := reCompare.FindStringSubmatch(msg); m != nil && m[2] == m[3] {
		return m[1] + "attempt to compare two " + m[2] + " values"
	}
	if i := strings.Index(msg, "for statement "); i >= 0 {
		if to, ok := forMessages[msg[i:]]; ok {
			return msg[:i] + to
		}
	}
	return msg
}

// reword rewords msg, raised by instruction pc of fn, whose registers
// regs reads.
func reword(msg string, fn *lua.LFunction, pc int, regs regReader) string {
	p := fn.Proto
	prefix := p.SourceName + ":" + strconv.Itoa(p.DbgSourcePositions[pc]) + ": "
	if !strings.HasPrefix(msg, prefix) {
		return rewordText(msg)
	}
	if body, ok := rewordBody(msg[len(prefix):], fn, pc, regs); ok {
		return prefix + body
	}
	return rewordText(msg)
}

func rewordBody(body string, fn *lua.LFunction, pc int, regs regReader) (string, bool) {
	in := decode(fn.Proto.Code[pc])
	switch {
	case body == "attempt to call a non-function object":
		return callMessage(in, fn, pc, regs)
	case body == "__unm undefined" && in.op == lua.OP_UNM:
		return unaryMessage("attempt to perform arithmetic on ", in.b, fn, pc, regs)
	case body == "__len undefined" && in.op == lua.OP_LEN:
		return unaryMessage("attempt to get length of ", in.b, fn, pc, regs)
	}
	if m := reIndex.FindStringSubmatch(body); m != nil {
		return "attempt to index " + indexed(in, m[1], fn, pc, regs), true
	}
	if m := reArith.FindStringSubmatch(body); m != nil {
		return "attempt to perform arithmetic on " + arithOperand(in, m[1], m[2], fn, pc, regs), true
	}
	if m := reConcat.FindStringSubmatch(body); m != nil {
		return "attempt to concatenate " + concatOperand(in, m[1], m[2], fn, pc, regs), true
	}
	return "", false
}

// callMessage names the value a CALL, TAILCALL or TFORLOOP could not call.
func callMessage(in inst, fn *lua.LFunction, pc int, regs regReader) (string, bool) {
	switch in.op {
	case lua.OP_CALL, lua.OP_TAILCALL, lua.OP_TFORLOOP:
	default:
		return "", false
	}
	v, ok := regs(in.a)
	if !ok {
		return "", false
	}
	kind, name := "", ""
	if in.op != lua.OP_TFORLOOP { // lua5.1 calls a copy of the iterator
		kind, name = varName(fn, pc, in.a)
	}
	return "attempt to call " + describe(kind, name, v.Type().String()), true
}

// unaryMessage names the operand of an UNM or LEN.
func unaryMessage(what string, reg int, fn *lua.LFunction, pc int, regs regReader) (string, bool) {
	v, ok := regs(reg)
	if !ok {
		return "", false
	}
	kind, name := varName(fn, pc, reg)
	return what + describe(kind, name, v.Type().String()), true
}

// indexed describes the value of type typ an instruction failed to index.
// It names the register only when it holds that value: when a metatable's
// __index chain led to it, lua5.1 gives no name.
func indexed(in inst, typ string, fn *lua.LFunction, pc int, regs regReader) string {
	reg := -1
	switch in.op {
	case lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_SELF:
		reg = in.b
	case lua.OP_SETTABLE, lua.OP_SETTABLEKS:
		reg = in.a
	}
	if reg < 0 {
		return describe("", "", typ)
	}
	v, ok := regs(reg)
	if ok && v.Type().String() != typ || !ok && typ != "nil" {
		return describe("", "", typ)
	}
	kind, name := varName(fn, pc, reg)
	return describe(kind, name, typ)
}

// arithOperand describes the operand lua5.1 blames for a failed
// arithmetic: the first when it is not a number, else the second.
func arithOperand(in inst, lhs, rhs string, fn *lua.LFunction, pc int, regs regReader) string {
	if in.op < lua.OP_ADD || in.op > lua.OP_POW {
		if lhs != "number" {
			return describe("", "", lhs)
		}
		return describe("", "", rhs)
	}
	rk, typ := in.b, lhs
	if lhs == "number" {
		rk, typ = in.c, rhs
	}
	if rk&kBit == 0 {
		if v, ok := regs(rk); ok && v.Type().String() != typ {
			return describe("", "", typ)
		}
	}
	return describeOperand(fn, pc, rk, typ)
}

// concatOperand describes the operand lua5.1 blames for a failed CONCAT
// of registers B to C (the first of the failing pair unless it is a string
// or number): it names a register only when the registers show which.
func concatOperand(in inst, lhs, rhs string, fn *lua.LFunction, pc int, regs regReader) string {
	blameLeft := lhs != "string" && lhs != "number"
	typ := rhs
	if blameLeft {
		typ = lhs
	}
	if in.op != lua.OP_CONCAT {
		return describe("", "", typ)
	}
	for i := in.c - 1; i >= in.b; i-- {
		l, ok1 := regs(i)
		r, ok2 := regs(i + 1)
		if !ok1 || !ok2 || l.Type().String() != lhs {
			continue
		}
		if rt := r.Type().String(); rt != rhs && !(rhs == "string" && rt == "number") {
			continue
		}
		reg := i + 1
		if blameLeft {
			reg = i
		}
		kind, name := varName(fn, pc, reg)
		return describe(kind, name, typ)
	}
	return describe("", "", typ)
}

// callerArg describes argument i (from 1) of the Go function running on L,
// a value of type typ, by the name its Lua caller's CALL passed it under
// (the concat intrinsic's operands).
func callerArg(L *lua.LState, i int, typ string) string {
	fn, pc, _, ok := luaFrame(L, 1)
	if !ok {
		return describe("", "", typ)
	}
	in := decode(fn.Proto.Code[pc])
	if in.op != lua.OP_CALL && in.op != lua.OP_TAILCALL || in.b != 0 && in.b-1 != L.GetTop() {
		return describe("", "", typ)
	}
	kind, name := varName(fn, pc, in.a+i)
	return describe(kind, name, typ)
}

// metaOperand describes operand i (1 or 2) of the arithmetic instruction
// whose metamethod is the Go function running on L, a value of type typ
// (the string arithmetic metamethods).
func metaOperand(L *lua.LState, i int, typ string) string {
	fn, pc, _, ok := luaFrame(L, 1)
	if !ok {
		return describe("", "", typ)
	}
	in := decode(fn.Proto.Code[pc])
	switch {
	case in.op == lua.OP_UNM:
		return describeOperand(fn, pc, in.b, typ)
	case in.op >= lua.OP_ADD && in.op <= lua.OP_POW && i == 1:
		return describeOperand(fn, pc, in.b, typ)
	case in.op >= lua.OP_ADD && in.op <= lua.OP_POW && i == 2:
		return describeOperand(fn, pc, in.c, typ)
	}
	return describe("", "", typ)
}

// A coroutine runs no message handler: its frames are gone by the time
// resume returns. hookPanic makes a started coroutine reword its errors as
// they are raised instead, through its Panic function, which gopher-lua
// calls with the message on top of the stack and the failing frame
// running. (A coroutine's first resume resets Panic; rewordDead covers
// that run.)
func hookPanic(th *lua.LState) {
	if th.Panic == nil || reflect.ValueOf(th.Panic).Pointer() == hookCode {
		return
	}
	th.Panic = (&panicHook{next: th.Panic}).panic
}

// hookCode identifies a hooked Panic: every method value of
// (*panicHook).panic shares its code.
var hookCode = reflect.ValueOf((&panicHook{}).panic).Pointer()

// panicHook rewords the message on top of the stack, then panics as
// before.
type panicHook struct{ next func(*lua.LState) }

func (h *panicHook) panic(L *lua.LState) {
	if s, ok := L.Get(-1).(lua.LString); ok && mayReword(string(s)) {
		msg := string(s)
		if fn, pc, dbg, ok := luaFrame(L, 0); ok {
			msg = reword(msg, fn, pc, frameRegs(L, dbg))
		} else {
			msg = rewordGo(msg, L, 1)
		}
		L.Replace(-1, lua.LString(msg))
	}
	h.next(L)
}
