package bindings

import (
	"io"
	"os"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// compileChunk parses and compiles Lua source into a function of L. It mends
// one code-generation bug of gopher-lua v1.1.2 on the way: when the last
// field of a table constructor is a keyed call ({"ip", join = p:ns("net")}),
// the compiler also appends the call's value to the list part, so the
// table gets an extra [n+1] entry. A keyed field takes exactly one value,
// so nsh marks such calls as adjusted to one result before compiling.
func compileChunk(L *lua.LState, src io.Reader, name string) (*lua.LFunction, error) {
	chunk, err := parse.Parse(src, name)
	if err != nil {
		return nil, err
	}
	mendStmts(chunk)
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, err
	}
	return L.NewFunctionFromProto(proto), nil
}

func mendStmts(stmts []ast.Stmt) {
	for _, s := range stmts {
		mendStmt(s)
	}
}

func mendStmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		mendExprs(s.Lhs)
		mendExprs(s.Rhs)
	case *ast.LocalAssignStmt:
		mendExprs(s.Exprs)
	case *ast.FuncCallStmt:
		mendExpr(s.Expr)
	case *ast.DoBlockStmt:
		mendStmts(s.Stmts)
	case *ast.WhileStmt:
		mendExpr(s.Condition)
		mendStmts(s.Stmts)
	case *ast.RepeatStmt:
		mendExpr(s.Condition)
		mendStmts(s.Stmts)
	case *ast.IfStmt:
		mendExpr(s.Condition)
		mendStmts(s.Then)
		mendStmts(s.Else)
	case *ast.NumberForStmt:
		mendExprs([]ast.Expr{s.Init, s.Limit, s.Step})
		mendStmts(s.Stmts)
	case *ast.GenericForStmt:
		mendExprs(s.Exprs)
		mendStmts(s.Stmts)
	case *ast.FuncDefStmt:
		mendExpr(s.Func)
	case *ast.ReturnStmt:
		mendExprs(s.Exprs)
	}
}

func mendExprs(es []ast.Expr) {
	for _, e := range es {
		mendExpr(e)
	}
}

func mendExpr(e ast.Expr) {
	switch e := e.(type) {
	case *ast.TableExpr:
		mendTable(e)
	case *ast.AttrGetExpr:
		mendExprs([]ast.Expr{e.Object, e.Key})
	case *ast.FuncCallExpr:
		mendExprs([]ast.Expr{e.Func, e.Receiver})
		mendExprs(e.Args)
	case *ast.LogicalOpExpr:
		mendExprs([]ast.Expr{e.Lhs, e.Rhs})
	case *ast.RelationalOpExpr:
		mendExprs([]ast.Expr{e.Lhs, e.Rhs})
	case *ast.StringConcatOpExpr:
		mendExprs([]ast.Expr{e.Lhs, e.Rhs})
	case *ast.ArithmeticOpExpr:
		mendExprs([]ast.Expr{e.Lhs, e.Rhs})
	case *ast.UnaryMinusOpExpr:
		mendExpr(e.Expr)
	case *ast.UnaryNotOpExpr:
		mendExpr(e.Expr)
	case *ast.UnaryLenOpExpr:
		mendExpr(e.Expr)
	case *ast.FunctionExpr:
		mendStmts(e.Stmts)
	}
}

func mendTable(t *ast.TableExpr) {
	for _, f := range t.Fields {
		mendExprs([]ast.Expr{f.Key, f.Value})
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

// installLoaders routes loadstring, load, loadfile, dofile and require's
// Lua-file searcher through compileChunk, so every chunk a script loads is
// mended and its source kept for ns.clone.
func (r *Runtime) installLoaders() {
	L := r.L
	L.SetGlobal("loadstring", L.NewFunction(r.luaLoadString))
	L.SetGlobal("load", L.NewFunction(r.luaLoad))
	L.SetGlobal("loadfile", L.NewFunction(r.luaLoadFile))
	L.SetGlobal("dofile", L.NewFunction(r.luaDoFile))
	if loaders, ok := L.GetField(L.GetGlobal("package"), "loaders").(*lua.LTable); ok {
		loaders.RawSetInt(2, L.NewFunction(r.luaSearchFile))
	}
}

// loadResult pushes fn, or nil and the message, as Lua's load functions do.
func loadResult(L *lua.LState, fn *lua.LFunction, err error) int {
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(fn)
	return 1
}

// luaLoadString is loadstring(s [, chunkname]).
func (r *Runtime) luaLoadString(L *lua.LState) int {
	src := L.CheckString(1)
	name := L.OptString(2, src)
	fn, err := r.loadSource(src, name)
	return loadResult(L, fn, err)
}

// luaLoad is load(func [, chunkname]): func returns the pieces.
func (r *Runtime) luaLoad(L *lua.LState) int {
	reader := L.CheckFunction(1)
	name := L.OptString(2, "=(load)")
	var b strings.Builder
	for {
		L.Push(reader)
		L.Call(0, 1)
		piece := L.Get(-1)
		L.Pop(1)
		s, ok := piece.(lua.LString)
		if piece == lua.LNil || ok && s == "" {
			break
		}
		if !ok {
			return loadResult(L, nil, errString("reader function must return a string"))
		}
		b.WriteString(string(s))
	}
	fn, err := r.loadSource(b.String(), name)
	return loadResult(L, fn, err)
}

// luaLoadFile is loadfile([path]); a first line starting with # is skipped.
func (r *Runtime) luaLoadFile(L *lua.LState) int {
	fn, err := r.loadFile(L.OptString(1, ""))
	return loadResult(L, fn, err)
}

// luaDoFile is dofile([path]): it runs the file and returns its results.
func (r *Runtime) luaDoFile(L *lua.LState) int {
	fn, err := r.loadFile(L.OptString(1, ""))
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	top := L.GetTop()
	L.Push(fn)
	L.Call(0, lua.MultRet)
	return L.GetTop() - top
}

// luaSearchFile is require's searcher for Lua files on package.path.
func (r *Runtime) luaSearchFile(L *lua.LState) int {
	name := strings.ReplaceAll(L.CheckString(1), ".", "/")
	path, _ := L.GetField(L.GetGlobal("package"), "path").(lua.LString)
	var tried []string
	for _, pattern := range strings.Split(string(path), ";") {
		file := strings.ReplaceAll(pattern, "?", name)
		if _, err := os.Stat(file); err != nil {
			tried = append(tried, "\n\tno file '"+file+"'")
			continue
		}
		fn, err := r.loadFile(file)
		if err != nil {
			L.RaiseError("error loading module '%s' from file '%s':\n\t%s", L.CheckString(1), file, err.Error())
		}
		L.Push(fn)
		return 1
	}
	L.Push(lua.LString(strings.Join(tried, "")))
	return 1
}

func (r *Runtime) loadSource(src, name string) (*lua.LFunction, error) {
	fn, err := compileChunk(r.L, strings.NewReader(src), name)
	if err == nil {
		r.sources[name] = src
	}
	return fn, err
}

func (r *Runtime) loadFile(path string) (*lua.LFunction, error) {
	var data []byte
	var err error
	name := path
	if path == "" {
		data, err = io.ReadAll(os.Stdin)
		name = "stdin"
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, errString("cannot open " + path)
	}
	return r.loadSource(skipShebang(string(data)), name)
}

type errString string

func (e errString) Error() string { return string(e) }
