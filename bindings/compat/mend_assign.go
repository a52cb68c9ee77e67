package compat

import (
	"strconv"

	"github.com/yuin/gopher-lua/ast"
)

// assign rewrites a multiple assignment so that every value is computed
// before any target changes (gopher-lua #440: v1.1.2 evaluates the values
// straight into the targets' registers, so local x, y; x, y = y, x gives
// 2 2). Lua evaluates the targets' tables and keys first, then the values,
// then assigns (lua5.1 assigns from the last target to the first):
//
//	a[i], i = f()
//
// becomes
//
//	do local (t1), (t2) = a, i; local (t3), (t4) = f(); i = (t4); (t1)[(t2)] = (t3) end
//
// The temporaries' names cannot be written in Lua, so they never clash.
func (m *mender) assign(s *ast.AssignStmt) ast.Stmt {
	line := s.Line()
	var prefixNames []string
	var prefixExprs []ast.Expr
	targets := make([]ast.Expr, len(s.Lhs))
	for i, lhs := range s.Lhs {
		get, ok := lhs.(*ast.AttrGetExpr)
		if !ok {
			targets[i] = lhs
			continue
		}
		obj := m.hoist(get.Object, line, &prefixNames, &prefixExprs)
		key := get.Key
		if !isConst(key) {
			key = m.hoist(key, line, &prefixNames, &prefixExprs)
		}
		t := &ast.AttrGetExpr{Object: obj, Key: key}
		t.SetLine(get.Line())
		t.SetLastLine(get.LastLine())
		targets[i] = t
	}
	var block []ast.Stmt
	if len(prefixNames) > 0 {
		block = append(block, local(prefixNames, prefixExprs, line))
	}
	values := make([]string, len(s.Lhs))
	for i := range values {
		values[i] = m.temp()
	}
	block = append(block, local(values, s.Rhs, line))
	for i := len(targets) - 1; i >= 0; i-- {
		a := &ast.AssignStmt{Lhs: []ast.Expr{targets[i]}, Rhs: []ast.Expr{ident(values[i], line)}}
		a.SetLine(line)
		a.SetLastLine(s.LastLine())
		block = append(block, a)
	}
	do := &ast.DoBlockStmt{Stmts: block}
	do.SetLine(line)
	do.SetLastLine(s.LastLine())
	return do
}

// hoist adds a temporary holding e to the prefix and returns its name as
// an expression.
func (m *mender) hoist(e ast.Expr, line int, names *[]string, exprs *[]ast.Expr) ast.Expr {
	n := m.temp()
	*names = append(*names, n)
	*exprs = append(*exprs, e)
	return ident(n, line)
}

func (m *mender) temp() string {
	m.temps++
	return "(assign " + strconv.Itoa(m.temps) + ")"
}

func isConst(e ast.Expr) bool {
	switch e.(type) {
	case *ast.StringExpr, *ast.NumberExpr, *ast.TrueExpr, *ast.FalseExpr:
		return true
	}
	return false
}

func ident(name string, line int) ast.Expr {
	e := &ast.IdentExpr{Value: name}
	e.SetLine(line)
	e.SetLastLine(line)
	return e
}

func local(names []string, exprs []ast.Expr, line int) ast.Stmt {
	s := &ast.LocalAssignStmt{Names: names, Exprs: exprs}
	s.SetLine(line)
	s.SetLastLine(line)
	return s
}
