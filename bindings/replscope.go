package bindings

import (
	"regexp"
	"sort"
	"strings"

	"github.com/nsh-lua/nsh/bindings/compat"
	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// replScope keeps the top-level locals of the entries typed at the prompt,
// so that `local x = 1` on one line is x on the next, as it would be in a
// script holding both lines.
//
// A local stays a real Lua local: each entry compiles as
//
//	local a, b return function(__nsh_keep, ...) ENTRY
//	end
//
// where a, b are the earlier entries' locals the entry names. After the
// outer function makes the inner one, the inner function's upvalues a and b
// are replaced by the very cells those locals live in, so closures made at
// any prompt share them, exactly as closures in one script share an
// enclosing local. After each top-level local statement the entry calls
// __nsh_keep(function() return x, y end): the closure's upvalues are the
// new locals' cells, which the scope records under their names. A local
// declared again gets a new cell from then on; functions that captured the
// old one keep it, as in a script. The wrapper adds no line, so messages
// and ns.clone see the entry's own line numbers, and the wrapper text is
// the chunk's source for ns.clone.
type replScope struct {
	cells map[string]*lua.Upvalue
	// open holds the cells the running entry made: they live in the
	// entry's registers until it returns or raises.
	open []*lua.Upvalue
	keep *lua.LFunction
}

// keepParam is the inner function's hidden first parameter.
const keepParam = "__nsh_keep"

func newReplScope(L *lua.LState) *replScope {
	s := &replScope{cells: map[string]*lua.Upvalue{}}
	s.keep = L.NewFunction(s.luaKeep)
	return s
}

// luaKeep is __nsh_keep(fn): it records fn's upvalues, the cells of the
// locals just declared, under their names.
func (s *replScope) luaKeep(L *lua.LState) int {
	fn := L.CheckFunction(1)
	for i, name := range fn.Proto.DbgUpvalues {
		if i < len(fn.Upvalues) {
			s.cells[name] = fn.Upvalues[i]
			s.open = append(s.open, fn.Upvalues[i])
		}
	}
	return 0
}

// closeOpen closes the running entry's cells while its registers still
// hold their values: gopher-lua closes upvalues when a function returns,
// not when it raises, so the message handler calls this on an error.
func (s *replScope) closeOpen() {
	for _, c := range s.open {
		c.Close()
	}
	s.open = nil
}

// Names returns the names of the locals kept, sorted.
func (s *replScope) Names() []string {
	out := make([]string, 0, len(s.cells))
	for n := range s.cells {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Get returns the value of a kept local, and whether there is one.
func (s *replScope) Get(name string) (lua.LValue, bool) {
	c, ok := s.cells[name]
	if !ok {
		return lua.LNil, false
	}
	return c.Value(), true
}

var identifier = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)

// named returns the kept locals whose names occur in code, sorted: the
// ones the entry may refer to (a name inside a string is harmless).
func (s *replScope) named(code string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range identifier.FindAllString(code, -1) {
		if _, ok := s.cells[w]; ok && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

// wrap returns the source an entry compiles as: body inside the inner
// function, the earlier locals it names declared around it, all on the
// entry's first line.
func wrap(locals []string, body string) string {
	head := ""
	if len(locals) > 0 {
		head = "local " + strings.Join(locals, ", ") + " "
	}
	return head + "return function(" + keepParam + ", ...) " + body + "\nend"
}

// compileEntry compiles a line typed at the prompt: "return " + code when
// that parses (so expressions print), else code; it returns the function
// to call with the keep function, its upvalues bound to the kept locals.
func (r *Runtime) compileEntry(code, name string) (*lua.LFunction, error) {
	body := "return " + code
	if _, err := parse.Parse(strings.NewReader(body), name); err != nil {
		if _, err := compat.Compile(strings.NewReader(code), "="+name); err != nil {
			return nil, syntaxError(err)
		}
		body = code
	}
	src := wrap(r.scope.named(body), body)
	proto, err := compat.CompileEdited(strings.NewReader(src), "="+name, func(chunk []ast.Stmt) []ast.Stmt {
		inner := chunk[len(chunk)-1].(*ast.ReturnStmt).Exprs[0].(*ast.FunctionExpr)
		inner.Stmts = withKeeps(inner.Stmts)
		return chunk
	})
	if err != nil {
		return nil, syntaxError(err)
	}
	r.sources.Put(proto.SourceName, src)
	outer, err := r.call(r.L.NewFunctionFromProto(proto))
	if err != nil {
		return nil, err
	}
	fn := outer[0].(*lua.LFunction)
	for i, up := range fn.Proto.DbgUpvalues {
		if c, ok := r.scope.cells[up]; ok && i < len(fn.Upvalues) {
			fn.Upvalues[i] = c
		}
	}
	return fn, nil
}

// withKeeps puts a __nsh_keep call after every top-level local statement.
func withKeeps(stmts []ast.Stmt) []ast.Stmt {
	out := make([]ast.Stmt, 0, len(stmts))
	for _, s := range stmts {
		out = append(out, s)
		if la, ok := s.(*ast.LocalAssignStmt); ok {
			out = append(out, keepStmt(la.Names, la.Line()))
		}
	}
	return out
}

// keepStmt is `__nsh_keep(function() return n1, n2 end)`.
func keepStmt(names []string, line int) ast.Stmt {
	rets := make([]ast.Expr, len(names))
	for i, n := range names {
		id := &ast.IdentExpr{Value: n}
		id.SetLine(line)
		rets[i] = id
	}
	ret := &ast.ReturnStmt{Exprs: rets}
	ret.SetLine(line)
	fn := &ast.FunctionExpr{ParList: &ast.ParList{}, Stmts: []ast.Stmt{ret}}
	fn.SetLine(line)
	fn.SetLastLine(line)
	keep := &ast.IdentExpr{Value: keepParam}
	keep.SetLine(line)
	call := &ast.FuncCallExpr{Func: keep, Args: []ast.Expr{fn}}
	call.SetLine(line)
	stmt := &ast.FuncCallStmt{Expr: call}
	stmt.SetLine(line)
	return stmt
}
