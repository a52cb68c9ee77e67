package compat

import (
	"github.com/yuin/gopher-lua/ast"
)

// mender walks a parsed chunk and rewrites what gopher-lua v1.1.2 would
// compile wrongly. It numbers the temporaries it introduces.
type mender struct{ temps int }

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
		m.expr(s.Expr)
	case *ast.DoBlockStmt:
		mendBlock(s.Stmts, m)
	case *ast.WhileStmt:
		m.expr(s.Condition)
		mendBlock(s.Stmts, m)
	case *ast.RepeatStmt:
		m.expr(s.Condition)
		mendBlock(s.Stmts, m)
	case *ast.IfStmt:
		m.expr(s.Condition)
		mendBlock(s.Then, m)
		mendBlock(s.Else, m)
	case *ast.NumberForStmt:
		m.exprs([]ast.Expr{s.Init, s.Limit, s.Step})
		mendBlock(s.Stmts, m)
	case *ast.GenericForStmt:
		m.exprs(s.Exprs)
		mendBlock(s.Stmts, m)
	case *ast.FuncDefStmt:
		m.expr(s.Name.Func)
		m.expr(s.Name.Receiver)
		m.expr(s.Func)
	case *ast.ReturnStmt:
		m.exprs(s.Exprs)
	}
	return s
}

func (m *mender) exprs(es []ast.Expr) {
	for _, e := range es {
		m.expr(e)
	}
}

func (m *mender) expr(e ast.Expr) {
	switch e := e.(type) {
	case *ast.TableExpr:
		m.table(e)
	case *ast.AttrGetExpr:
		m.exprs([]ast.Expr{e.Object, e.Key})
	case *ast.FuncCallExpr:
		m.exprs([]ast.Expr{e.Func, e.Receiver})
		m.exprs(e.Args)
	case *ast.LogicalOpExpr:
		m.exprs([]ast.Expr{e.Lhs, e.Rhs})
	case *ast.RelationalOpExpr:
		m.exprs([]ast.Expr{e.Lhs, e.Rhs})
	case *ast.StringConcatOpExpr:
		m.exprs([]ast.Expr{e.Lhs, e.Rhs})
	case *ast.ArithmeticOpExpr:
		m.exprs([]ast.Expr{e.Lhs, e.Rhs})
	case *ast.UnaryMinusOpExpr:
		m.expr(e.Expr)
	case *ast.UnaryNotOpExpr:
		m.expr(e.Expr)
	case *ast.UnaryLenOpExpr:
		m.expr(e.Expr)
	case *ast.FunctionExpr:
		mendBlock(e.Stmts, m)
	}
}
