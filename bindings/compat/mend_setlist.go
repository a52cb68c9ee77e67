package compat

import "github.com/yuin/gopher-lua/ast"

// multiTail mends a constructor whose last list item gives several values
// (a call or "...") after a positive multiple of 50 list items: gopher-lua
// v1.1.2 numbers that last SETLIST batch as the one before, so
// {x1, ..., x50, ...} stores the values from index 1, over x1. The values
// are appended by a function instead, evaluated in the same order:
//
//	(function((t), ...)
//	  local (values) = {...}
//	  for (i) = 1, #(values) do (t)[50 + (i)] = (values)[(i)] end
//	  return (t)
//	end)({x1, ..., x50}, f())
//
// #(values) is the last non-nil value's index in gopher-lua (its length
// scans the array part from the end), so every value is copied; a nil
// stores nothing, as in the constructor.
func multiTail(t *ast.TableExpr) ast.Expr {
	n := len(t.Fields)
	if n == 0 {
		return t
	}
	last := t.Fields[n-1]
	if last.Key != nil || !isMultiValued(last.Value) {
		return t
	}
	items := 0
	for _, f := range t.Fields[:n-1] {
		if f.Key == nil {
			items++
		}
	}
	if items == 0 || items%listFlush != 0 {
		return t
	}
	line := t.Line()
	const tname, vname, iname = "(t)", "(values)", "(i)"
	head := &ast.TableExpr{Fields: t.Fields[:n-1]}
	head.SetLine(line)
	head.SetLastLine(t.LastLine())
	vararg := &ast.Comma3Expr{}
	vararg.SetLine(line)
	vararg.SetLastLine(line)
	values := &ast.TableExpr{Fields: []*ast.Field{{Value: vararg}}}
	values.SetLine(line)
	values.SetLastLine(line)
	length := &ast.UnaryLenOpExpr{Expr: ident(vname, line)}
	length.SetLine(line)
	length.SetLastLine(line)
	at := &ast.ArithmeticOpExpr{Operator: "+", Lhs: astNumber(items, line), Rhs: ident(iname, line)}
	at.SetLine(line)
	at.SetLastLine(line)
	copyLoop := &ast.NumberForStmt{
		Name:  iname,
		Init:  astNumber(1, line),
		Limit: length,
		Stmts: []ast.Stmt{astAssign(astIndex(tname, at, line), astIndex(vname, ident(iname, line), line), line)},
	}
	copyLoop.SetLine(line)
	copyLoop.SetLastLine(line)
	ret := &ast.ReturnStmt{Exprs: []ast.Expr{ident(tname, line)}}
	ret.SetLine(line)
	ret.SetLastLine(line)
	fn := &ast.FunctionExpr{
		ParList: &ast.ParList{Names: []string{tname}, HasVargs: true},
		Stmts:   []ast.Stmt{local([]string{vname}, []ast.Expr{values}, line), copyLoop, ret},
	}
	fn.SetLine(line)
	fn.SetLastLine(line)
	call := &ast.FuncCallExpr{Func: fn, Args: []ast.Expr{head, last.Value}, AdjustRet: true}
	call.SetLine(line)
	call.SetLastLine(t.LastLine())
	return call
}
