package compat

import "github.com/yuin/gopher-lua/ast"

// table mends a table constructor whose last field is a keyed call or
// "...": gopher-lua v1.1.2 compiles {"ip", join = p:ns("net")} so that the
// call's value is also appended to the list part (the table gets an extra
// [2]). A keyed field takes exactly one value, so the call is marked as
// adjusted to one result, which is what Lua means.
func (m *mender) table(t *ast.TableExpr) {
	for _, f := range t.Fields {
		if f.Key != nil {
			f.Key = m.expr(f.Key)
		}
		f.Value = m.expr(f.Value)
	}
	if len(t.Fields) == 0 {
		return
	}
	last := t.Fields[len(t.Fields)-1]
	if last.Key == nil {
		return
	}
	switch v := last.Value.(type) {
	case *ast.FuncCallExpr:
		v.AdjustRet = true
	case *ast.Comma3Expr:
		v.AdjustRet = true
	}
}
