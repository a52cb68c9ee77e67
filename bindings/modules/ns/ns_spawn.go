//go:build linux

package ns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"syscall"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

var processMeta = vocab.ClassMeta("ns", "process")

func spawnPart() *vocab.Module {
	return &vocab.Module{
		Name: "ns",
		Funcs: []vocab.Func{
			{Name: "spawn", Args: "{argv…, new=, join=, …}", Returns: "process", Fn: nsSpawn, Opts: SpawnOpts("ns.spawn", 1, ArgvList),
				Doc: "Starts a command in new namespaces (new = {types…}) and/or existing ones (join = handle, list, {type=handle} or pid with types = {…}, entered user namespace first), " +
					"with uid_map/gid_map ({{inside, outside, count}…}), map_root, setgroups, hostname, mount_proc, propagation (default \"private\"), " +
					"time = {monotonic=s, boottime=s}, cgroup, root, dir, env, stdin/stdout/stderr (\"inherit\", the default, \"pipe\", \"null\" or a file path) and kill_on_exit (default true), and returns its process.",
				Equiv:   "unshare -nuipmf CMD; nsenter -t PID -a CMD",
				Example: "local p = ns.spawn{\"hostname\", new = {\"uts\"}, hostname = \"inside\", stdout = \"pipe\"}\nassert(p.stdout:read() == \"inside\")\nassert(p:wait() == 0)"},
			{Name: "run", Args: "{argv…, …}", Returns: "{code=, signal=, stdout=, stderr=}", Fn: nsRun, Opts: SpawnOpts("ns.run", 1, ArgvList),
				Doc: "Runs a command like ns.spawn and waits for it, as os.execute does: the command shares the shell's stdin, stdout and stderr, and the result holds code (128+N when signal N killed it) and signal; " +
					"with capture = true (or stdout/stderr = \"pipe\") its output is collected into the result's stdout and stderr strings instead.",
				Equiv:   "unshare -n ip link",
				Example: "local r = ns.run{\"ip\", \"-o\", \"link\", new = {\"net\"}}\nassert(r.code == 0)\nr = ns.run{\"hostname\", new = {\"uts\"}, hostname = \"box\", capture = true}\nassert(r.stdout == \"box\\n\")"},
		},
		Classes: []vocab.Class{processClass(), streamClass()},
	}
}

func processClass() vocab.Class {
	return vocab.Class{
		Name: "process",
		Doc:  "A child process started by ns.spawn or ns.clone. Fields: pid, stdin/stdout/stderr (streams, when piped), and after it ended code and signal.",
		Methods: []vocab.Func{
			{Name: "wait", Args: "()", Returns: "code, results…", Fn: processWait,
				Doc:     "Waits for the process to end and returns its exit code (128+N when signal N killed it) and, for ns.clone, the function's results; Ctrl-C while waiting kills the child.",
				Equiv:   "wait PID",
				Example: "local p = ns.spawn{\"sh\", \"-c\", \"exit 3\"}\nassert(p:wait() == 3)"},
			{Name: "kill", Args: "([signal])", Fn: processKill,
				Doc:     "Sends a signal (a number or a name such as \"TERM\" or \"SIGKILL\"; default TERM) to the process, through its pidfd; PID 1 of a new pid namespace ignores signals it has no handler for, so stop such a child with \"KILL\".",
				Equiv:   "kill -TERM PID",
				Example: "local p = ns.spawn{\"sleep\", \"60\"}\np:kill(\"KILL\")\nassert(p:wait() == 128 + 9 and p.signal == 9)"},
			{Name: "ns", Args: "([type])", Returns: "handle | {type=handle}", Fn: processNS,
				Doc:     "Opens the process's namespace of the given type, or all eight as a {type=handle} table.",
				Equiv:   "readlink /proc/PID/ns/TYPE",
				Example: "local p = ns.spawn{\"sleep\", \"60\", new = {\"net\"}}\nlocal h = p:ns(\"net\")\nprint(h)\nh:close()\np:kill()\np:wait()"},
		},
		Meta: map[string]lua.LGFunction{"__index": processIndex, "__tostring": processString},
	}
}

// luaProcess is the value behind a process object.
type luaProcess struct {
	p       *spawn.Process
	streams [3]lua.LValue
	kill    bool // kill_on_exit
	clone   bool // started by ns.clone: wait decodes the function's results
	host    vocab.Host
	waited  bool
	res     spawn.Result
}

// Close ends what the runtime still holds of the process: a child started
// with kill_on_exit is killed and reaped.
func (lp *luaProcess) Close() error {
	if lp.kill && !lp.p.Exited() {
		lp.p.Kill(syscall.SIGKILL)
		<-lp.p.Done()
	}
	for _, s := range lp.streams {
		if ud, ok := s.(*lua.LUserData); ok {
			ud.Value.(*stream).Close()
		}
	}
	return nil
}

func nsSpawn(L *lua.LState) int {
	req := ReadSpawn(L, "ns.spawn", 1, Start)
	p := startFromLua(L, "ns.spawn", req)
	pushProcess(L, p, req.Spec.KillOnExit, false)
	return 1
}

func nsRun(L *lua.LState) int {
	req := ReadSpawn(L, "ns.run", 1, Run)
	return RunCaptured(L, "ns.run", req.Spec.Argv[0], req)
}

// RunCaptured starts req, waits for it and pushes ns.run's result table,
// with the output of the streams read as captured collected in it.
// op and target name the operation in errors (ns.run, netns.exec).
func RunCaptured(L *lua.LState, op, target string, req *SpawnReq) int {
	var out, errb *bytes.Buffer
	if req.capture[1] {
		out = &bytes.Buffer{}
		req.Spec.Stdout = out
	}
	if req.capture[2] {
		errb = &bytes.Buffer{}
		req.Spec.Stderr = errb
	}
	p := startFromLua(L, op, req)
	res, err := p.Wait(luaContext(L))
	if err != nil {
		return vocab.Raise(L, op, target, err)
	}
	if out != nil {
		res.Stdout = out.Bytes()
	}
	if errb != nil {
		res.Stderr = errb.Bytes()
	}
	pushRunResult(L, res)
	return 1
}

// startFromLua starts req from the calling (shell) thread's namespaces and
// releases what req held; bad specs raise as bad arguments.
func startFromLua(L *lua.LState, op string, req *SpawnReq) *spawn.Process {
	set, err := spawn.CurrentSet()
	if err != nil {
		req.Release()
		vocab.Raise(L, op, "", err)
	}
	req.Spec.Base, req.Spec.Here = set.NS, set.Pending
	// Lua runs on a thread locked for good (the runtime's or ns.with's).
	req.Spec.FromCaller = vocab.Owned(L)
	p, err := spawn.Start(luaContext(L), req.Spec)
	set.Close()
	req.Release()
	if errors.Is(err, spawn.ErrBadSpec) {
		L.ArgError(1, strings.TrimPrefix(err.Error(), spawn.ErrBadSpec.Error()+": "))
	}
	if err != nil {
		e := vocab.NewError(op, "", err) // spawn's errors name the command
		if h := argvHint(req.Spec.Argv, err); h != "" {
			e.Hint = h
		}
		vocab.Raise(L, op, "", e)
	}
	return p
}

// argvHint explains a command not found whose name holds a space: the
// whole command line was passed as one string ("ip a").
func argvHint(argv []string, err error) string {
	if len(argv) == 0 || !errors.Is(err, unix.ENOENT) || !strings.ContainsAny(argv[0], " \t") {
		return ""
	}
	words := strings.Fields(argv[0])
	for i, w := range words {
		words[i] = strconv.Quote(w)
	}
	return "the command and its arguments are separate strings: " + strings.Join(words, ", ") +
		", not " + strconv.Quote(argv[0]) + "; for a shell command line use \"sh\", \"-c\", " + strconv.Quote(argv[0])
}

func luaContext(L *lua.LState) context.Context {
	if ctx := L.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// pushProcess pushes a process object for p; the runtime kills it at the
// end when kill is set and it still runs.
func pushProcess(L *lua.LState, p *spawn.Process, kill, clone bool) *luaProcess {
	lp := &luaProcess{p: p, kill: kill, clone: clone, host: vocab.HostOf(L)}
	lp.streams = [3]lua.LValue{newStream(L, fileOf(p.Stdin)), newStream(L, fileOf(p.Stdout)), newStream(L, fileOf(p.Stderr))}
	ud := L.NewUserData()
	ud.Value = lp
	L.SetMetatable(ud, L.GetTypeMetatable(processMeta))
	if lp.host != nil {
		lp.host.Track(lp)
	}
	L.Push(ud)
	return lp
}

// pushRunResult pushes ns.run's result table: code (128+N for signal N),
// signal (or nil), stdout and stderr (captured output, or nil).
func pushRunResult(L *lua.LState, res spawn.Result) {
	t := L.NewTable()
	t.RawSetString("code", lua.LNumber(exitCode(res)))
	if res.Signal != 0 {
		t.RawSetString("signal", lua.LNumber(res.Signal))
	}
	if res.Stdout != nil {
		t.RawSetString("stdout", lua.LString(res.Stdout))
	}
	if res.Stderr != nil {
		t.RawSetString("stderr", lua.LString(res.Stderr))
	}
	L.Push(t)
}

func exitCode(res spawn.Result) int {
	if res.Signal != 0 {
		return 128 + res.Signal
	}
	return res.Code
}

func checkProcess(L *lua.LState, n int) *luaProcess {
	ud := L.CheckUserData(n)
	lp, ok := ud.Value.(*luaProcess)
	if !ok {
		L.ArgError(n, "process expected")
	}
	return lp
}

func processIndex(L *lua.LState) int {
	lp := checkProcess(L, 1)
	key := L.CheckString(2)
	switch key {
	case "pid":
		L.Push(lua.LNumber(lp.p.Pid))
	case "stdin":
		L.Push(lp.streams[0])
	case "stdout":
		L.Push(lp.streams[1])
	case "stderr":
		L.Push(lp.streams[2])
	case "code", "signal":
		L.Push(lp.field(key))
	default:
		L.Push(processMethod(L, key))
	}
	return 1
}

func (lp *luaProcess) field(key string) lua.LValue {
	if !lp.waited {
		return lua.LNil
	}
	if key == "code" {
		return lua.LNumber(exitCode(lp.res))
	}
	if lp.res.Signal == 0 {
		return lua.LNil
	}
	return lua.LNumber(lp.res.Signal)
}

// processMethod returns the method name, cached in the registry.
func processMethod(L *lua.LState, name string) lua.LValue {
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	methods, ok := reg.RawGetString(processMeta + ".methods").(*lua.LTable)
	if !ok {
		methods = L.NewTable()
		for _, f := range processClass().Methods {
			methods.RawSetString(f.Name, L.NewFunction(f.Fn))
		}
		reg.RawSetString(processMeta+".methods", methods)
	}
	return methods.RawGetString(name)
}

func processString(L *lua.LState) int {
	lp := checkProcess(L, 1)
	state := "running"
	if lp.p.Exited() {
		state = "exited"
	}
	L.Push(lua.LString(fmt.Sprintf("process %d (%s)", lp.p.Pid, state)))
	return 1
}

func processWait(L *lua.LState) int {
	lp := checkProcess(L, 1)
	res, err := lp.p.Wait(luaContext(L))
	lp.res, lp.waited = res, true
	if err != nil {
		return vocab.Raise(L, "process:wait", fmt.Sprintf("pid %d", lp.p.Pid), err)
	}
	if lp.host != nil && lp.streams == [3]lua.LValue{lua.LNil, lua.LNil, lua.LNil} {
		lp.host.Untrack(lp) // it ended: nothing left to kill or close
	}
	L.Push(lua.LNumber(exitCode(res)))
	if lp.clone {
		return 1 + pushCloneReply(L, lp.p.Pid, res.Reply)
	}
	return 1
}

// maxSignal is the highest signal number (SIGRTMAX on Linux).
const maxSignal = 64

func processKill(L *lua.LState) int {
	lp := checkProcess(L, 1)
	sig := syscall.SIGTERM
	switch v := L.Get(2).(type) {
	case *lua.LNilType:
	case lua.LNumber:
		f := float64(v)
		if !(f >= 0 && f <= maxSignal) || f != math.Trunc(f) {
			L.ArgError(2, fmt.Sprintf("signal must be an integer from 0 to %d, got %v", maxSignal, f))
		}
		sig = syscall.Signal(int(f))
	case lua.LString:
		name := strings.ToUpper(string(v))
		if !strings.HasPrefix(name, "SIG") {
			name = "SIG" + name
		}
		if sig = unix.SignalNum(name); sig == 0 {
			L.ArgError(2, "unknown signal '"+string(v)+"'")
		}
	default:
		L.ArgError(2, "signal number or name expected, got "+v.Type().String())
	}
	if err := lp.p.Kill(sig); err != nil {
		return vocab.Raise(L, "process:kill", fmt.Sprintf("pid %d", lp.p.Pid), err)
	}
	return 0
}

func processNS(L *lua.LState) int {
	lp := checkProcess(L, 1)
	if L.Get(2) != lua.LNil {
		h, err := lp.p.NS(vocab.CheckNSType(L, 2))
		if err != nil {
			return vocab.Raise(L, "process:ns", "", err)
		}
		vocab.PushHandle(L, h)
		return 1
	}
	t := L.NewTable()
	for _, typ := range nsfs.Types {
		h, err := lp.p.NS(typ)
		if err != nil {
			return vocab.Raise(L, "process:ns", "", err)
		}
		vocab.PushHandle(L, h)
		t.RawSetString(string(typ), L.Get(-1))
		L.Pop(1)
	}
	L.Push(t)
	return 1
}
