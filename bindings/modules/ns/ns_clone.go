//go:build linux

package ns

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"

	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// CloneMain names the child main that runs a shipped Lua function; the
// runtime registers it (spawn.RegisterMain) with a function that starts a
// fresh runtime and calls RunShipped.
const CloneMain = "lua-clone"

func clonePart() *vocab.Module {
	return &vocab.Module{
		Name: "ns",
		Funcs: []vocab.Func{
			{Name: "clone", Args: "(fn, opts, …)", Returns: "process", Fn: nsClone, Opts: SpawnOpts("ns.clone", 2, TypesList),
				Doc: "Runs the Lua function fn(…) in a child process created in new namespaces (opts: a list of type names, or a table of ns.spawn's options with the types in its list part) " +
					"and returns its process, whose wait() returns the exit code and fn's results; fn travels as its chunk's source, its plain-data upvalues and arguments are copied, and it sees the child's fresh globals.",
				Equiv:   "clone(2) with CLONE_NEWPID|CLONE_NEWUTS",
				Example: "local name = \"box\"\nlocal p = ns.clone(function(greeting)\n  local h = io.popen(\"hostname\"):read(\"*l\")\n  return greeting .. \" from \" .. h\nend, {\"uts\", \"pid\", hostname = name}, \"hello\")\nlocal code, msg = p:wait()\nassert(code == 0 and msg == \"hello from box\")\nprint(msg)"},
		},
	}
}

// cloneRequest is what the child needs to rebuild and call the function.
type cloneRequest struct {
	Chunk    string      `json:"chunk"`
	Source   string      `json:"source"`
	Print    string      `json:"print"` // fingerprint of the function's proto
	Line     int         `json:"line"`
	Upvalues []wireValue `json:"upvalues"`
	Args     []wireValue `json:"args"`
}

// cloneReply is what comes back: the results, or the error and traceback.
type cloneReply struct {
	Values    []wireValue `json:"values,omitempty"`
	Error     string      `json:"error,omitempty"`
	Traceback string      `json:"traceback,omitempty"`
}

// CloneError is a function run by ns.clone that raised in the child: its
// message and the child's traceback.
type CloneError struct {
	Message, Traceback string
}

func (e *CloneError) Error() string {
	if e.Traceback == "" {
		return e.Message
	}
	return e.Message + "\n" + e.Traceback
}

func nsClone(L *lua.LState) int {
	fn := L.CheckFunction(1)
	creq := shipFunction(L, fn)
	if L.Get(2) == lua.LNil {
		if L.GetTop() < 2 {
			L.SetTop(2)
		}
		L.Replace(2, L.NewTable())
	}
	req := ReadSpawn(L, "ns.clone", 2, Clone)
	req.Spec.Main, req.Spec.MainArg = CloneMain, creq
	p := startFromLua(L, "ns.clone", req)
	pushProcess(L, p, req.Spec.KillOnExit, true)
	return 1
}

// shipFunction packs fn, its upvalues and the call's arguments (3…), or
// raises before anything starts.
func shipFunction(L *lua.LState, fn *lua.LFunction) *cloneRequest {
	if fn.IsG {
		L.ArgError(1, "a Go function cannot be sent to a child: pass a Lua function")
	}
	rt := vocab.HostOf(L)
	if rt == nil {
		vocab.ArgError(L, "ns.clone", 1, "needs a Lua state made by bindings.New (the function's chunk source must be known)")
	}
	proto := fn.Proto
	src, ok := rt.Source(proto.SourceName)
	if !ok {
		L.ArgError(1, fmt.Sprintf("the source of chunk %q is not known, so the function cannot be sent to a child", proto.SourceName))
	}
	req := &cloneRequest{Chunk: proto.SourceName, Source: src, Print: fingerprint(proto), Line: proto.LineDefined}
	for i, uv := range fn.Upvalues {
		name := fmt.Sprintf("#%d", i+1)
		if i < len(proto.DbgUpvalues) {
			name = proto.DbgUpvalues[i]
		}
		w, err := toWire(uv.Value(), fmt.Sprintf("upvalue '%s'", name))
		if err != nil {
			L.ArgError(1, err.Error())
		}
		req.Upvalues = append(req.Upvalues, w)
	}
	for i := 3; i <= L.GetTop(); i++ {
		w, err := toWire(L.Get(i), fmt.Sprintf("argument #%d", i))
		if err != nil {
			L.ArgError(i, err.Error())
		}
		req.Args = append(req.Args, w)
	}
	return req
}

// fingerprint identifies a function's proto within its chunk: compiling
// the same source again yields a proto with the same fingerprint.
func fingerprint(p *lua.FunctionProto) string {
	h := fnv.New128a()
	var walk func(p *lua.FunctionProto)
	walk = func(p *lua.FunctionProto) {
		fmt.Fprintf(h, "%d:%d:%d:%d:%d:%d|", p.LineDefined, p.LastLineDefined, p.NumParameters,
			p.IsVarArg, p.NumUpvalues, len(p.Code))
		for _, c := range p.Code {
			fmt.Fprintf(h, "%x,", c)
		}
		for _, k := range p.Constants {
			fmt.Fprintf(h, "%s:%q,", k.Type(), k.String())
		}
		fmt.Fprintf(h, "[%d", len(p.FunctionPrototypes))
		for _, c := range p.FunctionPrototypes {
			walk(c)
		}
		fmt.Fprint(h, "]")
	}
	walk(p)
	return hex.EncodeToString(h.Sum(nil))
}

func findProto(p *lua.FunctionProto, print string) *lua.FunctionProto {
	if fingerprint(p) == print {
		return p
	}
	for _, c := range p.FunctionPrototypes {
		if f := findProto(c, print); f != nil {
			return f
		}
	}
	return nil
}

// pushCloneReply pushes the results of a shipped function, or raises its
// error; it returns how many values it pushed.
func pushCloneReply(L *lua.LState, pid int, raw json.RawMessage) int {
	if raw == nil {
		return 0 // the child ended before it could answer (killed)
	}
	var rep cloneReply
	if err := json.Unmarshal(raw, &rep); err != nil {
		return vocab.Raise(L, "ns.clone", fmt.Sprintf("pid %d", pid), fmt.Errorf("bad reply from child: %w", err))
	}
	if rep.Error != "" {
		return vocab.Raise(L, "ns.clone", fmt.Sprintf("pid %d", pid), &CloneError{rep.Error, rep.Traceback})
	}
	for _, w := range rep.Values {
		v, err := fromWire(L, w)
		if err != nil {
			return vocab.Raise(L, "ns.clone", fmt.Sprintf("pid %d", pid), fmt.Errorf("bad reply from child: %w", err))
		}
		L.Push(v)
	}
	return len(rep.Values)
}

// RunShipped runs in the re-executed child, on a fresh runtime's state:
// it rebuilds the shipped function, calls it with call and returns the
// reply carrying its results, or the error it raised.
func RunShipped(L *lua.LState, h vocab.Host, call func(*lua.LFunction, ...lua.LValue) ([]lua.LValue, error), arg json.RawMessage) (json.RawMessage, error) {
	var req cloneRequest
	if err := json.Unmarshal(arg, &req); err != nil {
		return nil, fmt.Errorf("ns.clone child: bad request: %w", err)
	}
	fn, err := rebuild(h, L, &req)
	if err != nil {
		return nil, err
	}
	args, err := fromWires(L, req.Args)
	if err != nil {
		return nil, err
	}
	vals, err := call(fn, args...)
	if err != nil {
		return nil, err
	}
	var rep cloneReply
	for i, v := range vals {
		w, err := toWire(v, fmt.Sprintf("result #%d", i+1))
		if err != nil {
			return nil, fmt.Errorf("ns.clone: cannot return it to the parent: %w", err)
		}
		rep.Values = append(rep.Values, w)
	}
	return mustJSON(rep), nil
}

// ShippedError is the reply of a shipped function that raised: its
// message and traceback.
func ShippedError(msg, traceback string) json.RawMessage {
	return mustJSON(cloneReply{Error: msg, Traceback: traceback})
}

// ShippedExit is the reply of a shipped function that called os.exit.
func ShippedExit() json.RawMessage { return mustJSON(cloneReply{}) }

// rebuild compiles the chunk again, finds the function in it and gives it
// its upvalues.
func rebuild(rt vocab.Host, L *lua.LState, req *cloneRequest) (*lua.LFunction, error) {
	var proto *lua.FunctionProto
	// A REPL line may have been compiled as "return " + line.
	for _, src := range []string{req.Source, "return " + req.Source} {
		chunk, err := rt.Compile(src, req.Chunk)
		if err != nil {
			continue
		}
		if proto = findProto(chunk.Proto, req.Print); proto != nil {
			break
		}
	}
	if proto == nil {
		return nil, fmt.Errorf("ns.clone child: the function defined at %s:%d is not in its chunk's source any more", req.Chunk, req.Line)
	}
	fn := L.NewFunctionFromProto(proto)
	if len(req.Upvalues) != len(fn.Upvalues) {
		return nil, fmt.Errorf("ns.clone child: %d upvalues sent, the function has %d", len(req.Upvalues), len(fn.Upvalues))
	}
	for i, w := range req.Upvalues {
		v, err := fromWire(L, w)
		if err != nil {
			return nil, err
		}
		uv := &lua.Upvalue{} // closed: holds its own value
		uv.SetValue(v)
		fn.Upvalues[i] = uv
	}
	return fn, nil
}

func fromWires(L *lua.LState, ws []wireValue) ([]lua.LValue, error) {
	out := make([]lua.LValue, len(ws))
	for i, w := range ws {
		v, err := fromWire(L, w)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(cloneReply{Error: "ns.clone child: " + err.Error()})
	}
	return b
}
