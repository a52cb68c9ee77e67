package compat

import (
	"github.com/yuin/gopher-lua/ast"
)

// mender walks a parsed chunk and rewrites what gopher-lua v1.1.2 would
// compile wrongly. It numbers the temporaries it introduces.
type mender struct {
	temps int
	// concat routes ".." through the concat intrinsic (intrinsics.go).
	concat bool
}

// mendBlock mends every statement of a block, replacing those that need it.
func mendBlock(stmts []ast.Stmt, m *mender) []ast.Stmt {
	for i, s := range stmts {
		stmts[i] = m.stmt(s)
	}
	return stmts
}

func (m *mender) stmt(s ast.Stmt) ast.Stmt {
	switch s := s.(type) {
	case *ast.AssignStmt:
		m.exprs(s.Lhs)
		m.exprs(s.Rhs)
		if len(s.Lhs) > 1 {
			return m.assign(s)
		}
	case *ast.LocalAssignStmt:
		m.exprs(s.Exprs)
	case *ast.FuncCallStmt:
		s.Expr = m.expr(s.Expr)
	case *ast.DoBlockStmt:
		mendBlock(s.Stmts, m)
	case *ast.WhileStmt:
		s.Condition = m.expr(s.Condition)
		mendBlock(s.Stmts, m)
	case *ast.RepeatStmt:
		s.Condition = m.expr(s.Condition)
		mendBlock(s.Stmts, m)
	case *ast.IfStmt:
		s.Condition = m.expr(s.Condition)
		mendBlock(s.Then, m)
		mendBlock(s.Else, m)
	case *ast.NumberForStmt:
		s.Init, s.Limit, s.Step = m.expr(s.Init), m.expr(s.Limit), m.expr(s.Step)
		numericFor(s)
		mendBlock(s.Stmts, m)
	case *ast.GenericForStmt:
		m.exprs(s.Exprs)
		mendBlock(s.Stmts, m)
	case *ast.FuncDefStmt:
		s.Name.Func = m.expr(s.Name.Func)
		s.Name.Receiver = m.expr(s.Name.Receiver)
		m.expr(s.Func)
	case *ast.ReturnStmt:
		m.exprs(s.Exprs)
	}
	return s
}

// exprs mends each expression of es in place.
func (m *mender) exprs(es []ast.Expr) {
	for i, e := range es {
		es[i] = m.expr(e)
	}
}

// expr mends e and returns what replaces it (e itself, mostly).
func (m *mender) expr(e ast.Expr) ast.Expr {
	switch e := e.(type) {
	case *ast.TableExpr:
		m.table(e)
		return m.split(e)
	case *ast.AttrGetExpr:
		e.Object, e.Key = m.expr(e.Object), m.expr(e.Key)
	case *ast.FuncCallExpr:
		e.Func, e.Receiver = m.expr(e.Func), m.expr(e.Receiver)
		m.exprs(e.Args)
	case *ast.LogicalOpExpr:
		e.Lhs, e.Rhs = m.expr(e.Lhs), m.expr(e.Rhs)
	case *ast.RelationalOpExpr:
		e.Lhs, e.Rhs = m.expr(e.Lhs), m.expr(e.Rhs)
	case *ast.StringConcatOpExpr:
		return m.concatExpr(e)
	case *ast.ArithmeticOpExpr:
		e.Lhs, e.Rhs = m.expr(e.Lhs), m.expr(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		e.Expr = m.expr(e.Expr)
	case *ast.UnaryNotOpExpr:
		e.Expr = m.expr(e.Expr)
	case *ast.UnaryLenOpExpr:
		e.Expr = m.expr(e.Expr)
	case *ast.FunctionExpr:
		mendBlock(e.Stmts, m)
	}
	return e
}
