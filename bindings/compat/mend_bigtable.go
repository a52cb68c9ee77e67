package compat

import (
	"strconv"

	"github.com/yuin/gopher-lua/ast"
)

// bigTableFields is the constructor size past which split spreads a table
// constructor over several functions, and bigTableChunk about how many
// fields each gets. gopher-lua v1.1.2 looks each constant up by a linear
// scan of its function's constants, so compiling a function with n
// constants costs n²: verybig.lua's constructors of 70,000 fields took
// minutes. Each function has its own constants, so a constructor spread
// over functions of 256 fields compiles in linear time.
const (
	bigTableFields = 1024
	bigTableChunk  = 256
	listFlush      = 50 // lua5.1's LFIELDS_PER_FLUSH, gopher-lua's FieldsPerFlush
)

// split rewrites a constructor of more than bigTableFields fields, already
// mended, into a call of a function that builds the table piece by piece:
//
//	{k1 = v1, v2, [k3] = v3, ...}
//
// becomes
//
//	(astFunction()
//	  local (table) = {}
//	  (astFunction()
//	    do (table).k1 = v1; local (item 1) = v2; (table)[k3] = v3; ...
//	       (table)[1] = (item 1); ... end   -- every 50 list items
//	    ...
//	  end)()
//	  ...
//	  return (table)
//	end)()
//
// Fields are evaluated in order and list items are stored every 50 items,
// as the constructor does (so {1, [1] = 2} still gives t[1] == 1). A
// constructor that uses the enclosing function's "..." or ends with a
// multi-valued list item is left as it is.
func (m *mender) split(t *ast.TableExpr) ast.Expr {
	if len(t.Fields) <= bigTableFields || !splittable(t) {
		return multiTail(t)
	}
	line := t.Line()
	name := "(table)"
	var pieces []ast.Stmt
	pieces = append(pieces, local([]string{name}, []ast.Expr{astTable(line)}, line))
	var piece, batch []ast.Stmt
	var pending []string
	items := 0
	flush := func() {
		for i, p := range pending {
			idx := items - len(pending) + i + 1
			batch = append(batch, astAssign(astIndex(name, astNumber(idx, line), line), ident(p, line), line))
		}
		pending = pending[:0]
		if len(batch) > 0 {
			piece = append(piece, astDo(batch, line))
			batch = nil
		}
	}
	fields := 0
	for _, f := range t.Fields {
		fields++
		if f.Key == nil {
			items++
			p := "(item " + strconv.Itoa(items) + ")"
			pending = append(pending, p)
			batch = append(batch, local([]string{p}, []ast.Expr{f.Value}, f.Value.Line()))
			if len(pending) == listFlush {
				flush()
			}
		} else {
			batch = append(batch, astAssign(astIndex(name, f.Key, f.Key.Line()), f.Value, f.Key.Line()))
		}
		if fields >= bigTableChunk && len(pending) == 0 {
			flush()
			pieces = append(pieces, astCallStmt(astFunction(piece, line), line))
			piece, fields = nil, 0
		}
	}
	flush()
	if len(piece) > 0 {
		pieces = append(pieces, astCallStmt(astFunction(piece, line), line))
	}
	ret := &ast.ReturnStmt{Exprs: []ast.Expr{ident(name, line)}}
	ret.SetLine(line)
	ret.SetLastLine(line)
	pieces = append(pieces, ret)
	call := &ast.FuncCallExpr{Func: astFunction(pieces, line), AdjustRet: true}
	call.SetLine(line)
	call.SetLastLine(t.LastLine())
	return call
}

// splittable reports whether t can be built by other functions: none of
// its fields uses the enclosing function's "...", and its last field is
// not a list item that gives all its values.
func splittable(t *ast.TableExpr) bool {
	last := t.Fields[len(t.Fields)-1]
	if last.Key == nil && isMultiValued(last.Value) {
		return false
	}
	for _, f := range t.Fields {
		if usesVararg(f.Key) || usesVararg(f.Value) {
			return false
		}
	}
	return true
}

func isMultiValued(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.FuncCallExpr:
		return !e.AdjustRet
	case *ast.Comma3Expr:
		return !e.AdjustRet
	}
	return false
}

// usesVararg reports whether e uses "..." of the function it is in (a
// nested function's "..." is its own).
func usesVararg(e ast.Expr) bool {
	switch e := e.(type) {
	case nil:
		return false
	case *ast.Comma3Expr:
		return true
	case *ast.TableExpr:
		for _, f := range e.Fields {
			if usesVararg(f.Key) || usesVararg(f.Value) {
				return true
			}
		}
	case *ast.AttrGetExpr:
		return usesVararg(e.Object) || usesVararg(e.Key)
	case *ast.FuncCallExpr:
		if usesVararg(e.Func) || usesVararg(e.Receiver) {
			return true
		}
		for _, a := range e.Args {
			if usesVararg(a) {
				return true
			}
		}
	case *ast.LogicalOpExpr:
		return usesVararg(e.Lhs) || usesVararg(e.Rhs)
	case *ast.RelationalOpExpr:
		return usesVararg(e.Lhs) || usesVararg(e.Rhs)
	case *ast.StringConcatOpExpr:
		return usesVararg(e.Lhs) || usesVararg(e.Rhs)
	case *ast.ArithmeticOpExpr:
		return usesVararg(e.Lhs) || usesVararg(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		return usesVararg(e.Expr)
	case *ast.UnaryNotOpExpr:
		return usesVararg(e.Expr)
	case *ast.UnaryLenOpExpr:
		return usesVararg(e.Expr)
	}
	return false
}

func astTable(line int) ast.Expr {
	t := &ast.TableExpr{}
	t.SetLine(line)
	t.SetLastLine(line)
	return t
}

func astNumber(n, line int) ast.Expr {
	e := &ast.NumberExpr{Value: strconv.Itoa(n)}
	e.SetLine(line)
	e.SetLastLine(line)
	return e
}

func astIndex(name string, key ast.Expr, line int) ast.Expr {
	e := &ast.AttrGetExpr{Object: ident(name, line), Key: key}
	e.SetLine(line)
	e.SetLastLine(line)
	return e
}

func astAssign(target, value ast.Expr, line int) ast.Stmt {
	s := &ast.AssignStmt{Lhs: []ast.Expr{target}, Rhs: []ast.Expr{value}}
	s.SetLine(line)
	s.SetLastLine(line)
	return s
}

func astDo(stmts []ast.Stmt, line int) ast.Stmt {
	s := &ast.DoBlockStmt{Stmts: stmts}
	s.SetLine(line)
	s.SetLastLine(line)
	return s
}

func astFunction(stmts []ast.Stmt, line int) ast.Expr {
	f := &ast.FunctionExpr{ParList: &ast.ParList{}, Stmts: stmts}
	f.SetLine(line)
	f.SetLastLine(line)
	return f
}

func astCallStmt(fn ast.Expr, line int) ast.Stmt {
	c := &ast.FuncCallExpr{Func: fn}
	c.SetLine(line)
	c.SetLastLine(line)
	s := &ast.FuncCallStmt{Expr: c}
	s.SetLine(line)
	s.SetLastLine(line)
	return s
}
