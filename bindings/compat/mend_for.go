package compat

import (
	"math"
	"strconv"

	"github.com/yuin/gopher-lua/ast"
)

// numericFor gives a numeric for's string literals their number, as
// lua5.1 converts them when the loop starts: for i = "10", "1", "-2" runs
// five times there, and gopher-lua raises "for statement init must be a
// number". Only literals are converted; a variable holding a string still
// raises.
func numericFor(s *ast.NumberForStmt) {
	s.Init, s.Limit, s.Step = forNumber(s.Init), forNumber(s.Limit), forNumber(s.Step)
}

func forNumber(e ast.Expr) ast.Expr {
	str, ok := e.(*ast.StringExpr)
	if !ok {
		return e
	}
	n, ok := ParseNumber(str.Value)
	if !ok || math.IsInf(float64(n), 0) || math.IsNaN(float64(n)) {
		return e
	}
	num := &ast.NumberExpr{Value: strconv.FormatFloat(float64(n), 'g', -1, 64)}
	num.SetLine(e.Line())
	num.SetLastLine(e.LastLine())
	return num
}
