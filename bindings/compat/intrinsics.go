package compat

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
)

// Intrinsics are Go functions that mended chunks call directly. The AST
// names one as a global whose name Lua cannot spell ("(nsh concat)"); once
// compiled, every GETGLOBAL of that name becomes a LOADK of the function
// itself, so neither _G nor setfenv can reach or replace it. The rewrite
// relies on gopher-lua's instruction layout (opcode in the top 6 bits, A
// and Bx below, GETGLOBAL and LOADK sharing the ABx form), which
// TestIntrinsicCanary checks; if a compiled chunk does not match it, the
// chunk is compiled again without intrinsics.
const concatName = "(nsh concat)"

// concatFn is the concat intrinsic. It is a package variable, not a
// pointer made at run time, so that its address (which a function
// constant's String shows, and ns.clone's fingerprint reads) is the same in
// a re-executed child.
var concatFn = lua.LFunction{IsG: true, GFunction: concat, Env: &intrinsicEnv}

var intrinsicEnv lua.LTable

// concatExpr replaces a chain a .. b .. c holding anything but string
// literals with a call of the concat intrinsic, so numbers print as
// FormatNumber renders them ("x" .. 0.1+0.2 is "x0.3"); gopher-lua's own
// concatenation prints the shortest exact form.
func (m *mender) concatExpr(e *ast.StringConcatOpExpr) ast.Expr {
	var parts []ast.Expr
	var flatten func(x ast.Expr)
	flatten = func(x ast.Expr) {
		if c, ok := x.(*ast.StringConcatOpExpr); ok {
			flatten(c.Lhs)
			flatten(c.Rhs)
			return
		}
		x = m.expr(x)
		// An operand is one value, even a call's or "..."'s last one.
		switch v := x.(type) {
		case *ast.FuncCallExpr:
			v.AdjustRet = true
		case *ast.Comma3Expr:
			v.AdjustRet = true
		}
		parts = append(parts, x)
	}
	flatten(e)
	if !m.concat || allStrings(parts) {
		return rebuildConcat(parts, e)
	}
	fn := &ast.IdentExpr{Value: concatName}
	fn.SetLine(e.Line())
	fn.SetLastLine(e.Line())
	call := &ast.FuncCallExpr{Func: fn, Args: parts, AdjustRet: true}
	call.SetLine(e.Line())
	call.SetLastLine(e.LastLine())
	return call
}

func allStrings(parts []ast.Expr) bool {
	for _, p := range parts {
		if _, ok := p.(*ast.StringExpr); !ok {
			return false
		}
	}
	return true
}

// rebuildConcat makes the right-associative chain of parts again.
func rebuildConcat(parts []ast.Expr, at *ast.StringConcatOpExpr) ast.Expr {
	acc := parts[len(parts)-1]
	for i := len(parts) - 2; i >= 0; i-- {
		c := &ast.StringConcatOpExpr{Lhs: parts[i], Rhs: acc}
		c.SetLine(at.Line())
		c.SetLastLine(at.LastLine())
		acc = c
	}
	return acc
}

// Instruction layout of gopher-lua v1.1.2 (opcode.go).
const (
	opShift = 26
	opMask  = 0x3ffffff
	bxMask  = 0x3ffff
)

// linkIntrinsics turns every GETGLOBAL of an intrinsic's name into a LOADK
// of the intrinsic, in p and its nested functions. It reports false when
// some reference was left, which means gopher-lua's layout changed.
func linkIntrinsics(p *lua.FunctionProto) bool {
	marker := -1
	for i, k := range p.Constants {
		if s, ok := k.(lua.LString); ok && string(s) == concatName {
			marker = i
		}
	}
	if marker >= 0 {
		linked := false
		for i, inst := range p.Code {
			if int(inst>>opShift) == lua.OP_GETGLOBAL && int(inst&bxMask) == marker {
				p.Code[i] = inst&opMask | uint32(lua.OP_LOADK)<<opShift
				linked = true
			}
		}
		if !linked {
			return false
		}
		p.Constants[marker] = &concatFn
	}
	for _, c := range p.FunctionPrototypes {
		if !linkIntrinsics(c) {
			return false
		}
	}
	return true
}

// concat is a .. b .. c as lua5.1 does it: from the right, runs of strings
// and numbers joined (numbers through FormatNumber), __concat for anything
// else, and "attempt to concatenate a nil value" when there is none.
func concat(L *lua.LState) int {
	autoSweep(L)
	n := L.GetTop()
	acc, accArg := L.Get(n), n // accArg: the argument acc is, 0 once joined
	for i := n - 1; i >= 1; i-- {
		lhs := L.Get(i)
		if isStringy(lhs) && isStringy(acc) {
			j := i
			for j > 1 && isStringy(L.Get(j-1)) {
				j--
			}
			var b strings.Builder
			for k := j; k <= i; k++ {
				b.WriteString(stringOf(L.Get(k)))
			}
			b.WriteString(stringOf(acc))
			acc, accArg = lua.LString(b.String()), 0
			i = j
			continue
		}
		mm := L.GetMetaField(lhs, "__concat")
		if mm == lua.LNil {
			mm = L.GetMetaField(acc, "__concat")
		}
		if mm == lua.LNil {
			bad, arg := lhs, i
			if isStringy(lhs) {
				bad, arg = acc, accArg
			}
			L.RaiseError("attempt to concatenate %s", concatOperandOf(L, arg, bad))
		}
		L.Push(mm)
		L.Push(lhs)
		L.Push(acc)
		L.Call(2, 1)
		acc, accArg = L.Get(-1), 0
		L.Pop(1)
	}
	L.Push(acc)
	return 1
}

// concatOperandOf describes bad, argument arg of concat (0 for a value
// concat made), as lua5.1 names the operand it could not concatenate.
func concatOperandOf(L *lua.LState, arg int, bad lua.LValue) string {
	if arg == 0 {
		return describe("", "", bad.Type().String())
	}
	return callerArg(L, arg, bad.Type().String())
}

func isStringy(v lua.LValue) bool {
	switch v.(type) {
	case lua.LString, lua.LNumber:
		return true
	}
	return false
}

func stringOf(v lua.LValue) string {
	if n, ok := v.(lua.LNumber); ok {
		return FormatNumber(n)
	}
	return string(v.(lua.LString))
}
