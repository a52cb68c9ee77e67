//go:build linux

package spawn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/nsh-lua/nsh/bindings/core/nsenter"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"golang.org/x/sys/unix"
)

// The re-executed child: /proc/self/exe started with envChild set, the
// request (JSON) on fd 3, replies (JSON lines) on fd 4, namespace fds from
// fd 5 on for the cgo constructor, which reads envNsenter.
const (
	envChild   = "_NSH_CHILD"
	envNsenter = nsenter.EnvVar
	reqFD      = 3
	replyFD    = 4
)

// request is what the parent tells the re-executed child to do.
type request struct {
	Argv        []string        `json:"argv,omitempty"`
	Env         []string        `json:"env,omitempty"`
	InheritEnv  bool            `json:"inherit_env,omitempty"`
	Root        string          `json:"root,omitempty"`
	Dir         string          `json:"dir,omitempty"`
	Hostname    string          `json:"hostname,omitempty"`
	Propagation uintptr         `json:"propagation,omitempty"`
	MountProc   bool            `json:"mount_proc,omitempty"`
	Pdeathsig   int             `json:"pdeathsig,omitempty"`
	Steps       []wireStep      `json:"steps,omitempty"`
	Main        string          `json:"main,omitempty"`
	MainArg     json.RawMessage `json:"main_arg,omitempty"`
	// Joins and Unshare are what the cgo constructor would do, for a
	// binary built without it: the child does them on its locked thread.
	Joins   []wireJoin `json:"joins,omitempty"`
	Unshare int        `json:"unshare,omitempty"`
}

// wireJoin is one namespace fd the child enters itself.
type wireJoin struct {
	FD   int `json:"fd"`
	Type int `json:"type"`
}

type wireStep struct {
	Name string          `json:"name"`
	Arg  json.RawMessage `json:"arg"`
}

// message is one reply line: an error, "ready" (a child main started) or
// the child main's reply.
type message struct {
	Op    string          `json:"op,omitempty"`
	Errno int             `json:"errno,omitempty"`
	Error string          `json:"error,omitempty"`
	Ready bool            `json:"ready,omitempty"`
	Reply json.RawMessage `json:"reply,omitempty"`
}

func (m *message) err() error {
	var cause error = errors.New(m.Error)
	if m.Errno != 0 {
		cause = syscall.Errno(m.Errno)
	}
	if m.Op == "" {
		return cause
	}
	return fmt.Errorf("%s: %w", m.Op, cause)
}

func constructorLinked() bool { return nsenter.Linked() }

// IsChild reports whether this process is a child that Start re-executed;
// then the program must call ChildMain and exit with its result at once.
// Calling it also tells Start that main dispatches children: Start refuses
// to run in a program that never asked (see ErrNotInitialized).
func IsChild() bool {
	if os.Getenv(envChild) != "" {
		return true
	}
	dispatching.Store(true)
	hostProc() // while the main thread is where the process is
	return false
}

// ChildMain runs the re-executed child: it finishes the setup the request
// asks for, then execs the command or runs the child main. It returns the
// exit status only when that fails or a child main ends.
func ChildMain() int {
	osthread.LockForChild()
	kind := os.Getenv(envChild)
	os.Unsetenv(envChild) // a child main may start children of its own
	dispatching.Store(true)
	if kind == "probe" {
		return 0
	}
	unix.CloseOnExec(reqFD)
	unix.CloseOnExec(replyFD)
	reply := os.NewFile(replyFD, "reply")
	enc := json.NewEncoder(reply)
	var req request
	if err := json.NewDecoder(os.NewFile(reqFD, "request")).Decode(&req); err != nil {
		enc.Encode(message{Op: "read request", Error: err.Error()})
		return 126
	}
	if err := setPdeath(req.Pdeathsig); err != nil {
		enc.Encode(failure(err))
		return 126
	}
	if err := joinHere(req.Joins, req.Unshare); err != nil {
		enc.Encode(failure(err))
		return 126
	}
	if err := childSetup(&req); err != nil {
		enc.Encode(failure(err))
		return 126
	}
	if req.Main != "" {
		return runMain(&req, enc)
	}
	env := req.Env
	if req.InheritEnv {
		env = cleanEnv(os.Environ())
	}
	path, err := lookPath("", "", req.Argv[0], env)
	if err == nil {
		err = unix.Exec(path, req.Argv, env)
		err = fmt.Errorf("exec %s: %w", req.Argv[0], err)
	}
	enc.Encode(failure(err))
	return 127
}

// setPdeath sets the parent-death signal, then makes sure the parent did
// not die before: it still holds the reply pipe's read end, so polling our
// write end reports POLLERR once it is gone.
func setPdeath(sig int) error {
	if sig == 0 {
		return nil
	}
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(sig), 0, 0, 0); err != nil {
		return fmt.Errorf("prctl PR_SET_PDEATHSIG: %w", err)
	}
	fds := []unix.PollFd{{Fd: replyFD, Events: unix.POLLOUT}}
	if _, err := unix.Poll(fds, 0); err == nil && fds[0].Revents&unix.POLLERR != 0 {
		unix.Kill(unix.Getpid(), syscall.Signal(sig))
	}
	return nil
}

// joinHere enters the namespaces the cgo constructor would have entered,
// on this (locked) thread, which is the one that execs the command.
func joinHere(joins []wireJoin, flags int) error {
	for _, j := range joins {
		if err := osthread.ChildSetns(j.FD, j.Type); err != nil {
			return err
		}
		unix.Close(j.FD)
	}
	if flags == 0 {
		return nil
	}
	return osthread.ChildUnshare(flags)
}

func runMain(req *request, enc *json.Encoder) int {
	fn := mainFor(req.Main)
	if fn == nil {
		enc.Encode(message{Op: "child main", Error: "unknown child main " + req.Main})
		return 126
	}
	enc.Encode(message{Ready: true})
	out, code := fn(req.MainArg)
	enc.Encode(message{Reply: out})
	return code
}

func failure(err error) message {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		op := strings.TrimSuffix(err.Error(), ": "+errno.Error())
		return message{Op: op, Errno: int(errno)}
	}
	return message{Error: err.Error()}
}

// childSetup does, in the re-executed child, what the parent could not.
func childSetup(req *request) error {
	if req.Hostname != "" {
		if err := unix.Sethostname([]byte(req.Hostname)); err != nil {
			return fmt.Errorf("sethostname %q: %w", req.Hostname, err)
		}
	}
	if req.Propagation != 0 {
		if err := unix.Mount("none", "/", "", req.Propagation|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("make / %s: %w", propName(req.Propagation), err)
		}
	}
	if req.MountProc {
		if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			return fmt.Errorf("mount proc on /proc: %w", err)
		}
	}
	for _, s := range req.Steps {
		fn := stepFor(s.Name)
		if fn == nil {
			return fmt.Errorf("unknown setup step %q", s.Name)
		}
		if err := fn(s.Arg); err != nil {
			return fmt.Errorf("step %s: %w", s.Name, err)
		}
	}
	if req.Root != "" {
		if err := unix.Chroot(req.Root); err != nil {
			return fmt.Errorf("chroot %s: %w", req.Root, err)
		}
		if err := unix.Chdir("/"); err != nil {
			return fmt.Errorf("chdir /: %w", err)
		}
	}
	if req.Dir != "" {
		if err := unix.Chdir(req.Dir); err != nil {
			return fmt.Errorf("chdir %s: %w", req.Dir, err)
		}
	}
	return nil
}

func cleanEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, envChild+"=") && !strings.HasPrefix(kv, envNsenter+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// startChild starts the re-executed child for the plan, sends it the
// request, and waits for its first reply: end of file (it exec'd the
// command), ready (a child main runs) or an error (it exited).
func startChild(pl *plan, cmd *exec.Cmd, p *Process) error {
	spec := pl.spec
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("pipe: %w", err)
	}
	defer reqW.Close()
	replyR, replyW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		return fmt.Errorf("pipe: %w", err)
	}
	files := []*os.File{reqR, replyW}
	defer func() { closeAll(files) }()
	nsenterArg := fmt.Sprintf("%d %d", replyFD, pl.childNew)
	var joins []wireJoin
	for i, h := range pl.childJoins {
		f, err := h.File()
		if err != nil {
			replyR.Close()
			return err
		}
		files = append(files, f)
		nsenterArg += fmt.Sprintf(" %d:%d", replyFD+1+i, h.Type().Flag())
		joins = append(joins, wireJoin{FD: replyFD + 1 + i, Type: h.Type().Flag()})
	}
	cmd.Path, cmd.Args, cmd.ExtraFiles = "/proc/self/exe", []string{"nsh-child"}, files
	cmd.Env = append(cleanEnv(os.Environ()), envChild+"=spawn")
	if constructorLinked() {
		cmd.Env, joins = append(cmd.Env, envNsenter+"="+nsenterArg), nil
	}
	if err := cmd.Start(); err != nil {
		replyR.Close()
		what := spec.Main
		if len(spec.Argv) > 0 {
			what = spec.Argv[0]
		}
		return fmt.Errorf("start %s: %w", what, explainMapError(spec, err))
	}
	p.Pid, p.proc = cmd.Process.Pid, cmd.Process
	closeAll(files)
	files = nil
	return p.handshake(pl, cmd, reqW, replyR, joins)
}

func (p *Process) handshake(pl *plan, cmd *exec.Cmd, reqW, replyR *os.File, joins []wireJoin) error {
	req, err := pl.request()
	if err == nil && joins != nil {
		req.Joins, req.Unshare = joins, pl.childNew
	}
	if err == nil {
		err = json.NewEncoder(reqW).Encode(req)
	}
	reqW.Close()
	dec := json.NewDecoder(replyR)
	var m message
	derr := dec.Decode(&m)
	switch {
	case derr == io.EOF && err == nil && pl.spec.Main == "":
		replyR.Close()
		return nil
	case derr == nil && m.Ready:
		p.replyR, p.replyDec = replyR, dec
		return nil
	}
	replyR.Close()
	cmd.Process.Kill()
	cmd.Wait()
	switch {
	case derr == nil:
		return m.err()
	case err != nil:
		return fmt.Errorf("send request: %w", err)
	}
	return fmt.Errorf("child ended before it started the command: %w", derr)
}

// request builds the child's part of the plan.
func (pl *plan) request() (*request, error) {
	spec := pl.spec
	req := &request{Argv: spec.Argv, Env: spec.Env, InheritEnv: spec.Env == nil,
		Root: spec.Root, Dir: spec.Dir, MountProc: spec.MountProc, Main: spec.Main}
	if pl.childPdeath {
		req.Pdeathsig = int(syscall.SIGKILL)
	}
	if pl.hostInChild {
		req.Hostname = spec.Hostname
	}
	if pl.propInChild {
		req.Propagation = pl.propagation
	}
	for _, s := range spec.Steps {
		arg, err := json.Marshal(s.Arg)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", s.Name, err)
		}
		req.Steps = append(req.Steps, wireStep{s.Name, arg})
	}
	if spec.Main != "" {
		arg, err := json.Marshal(spec.MainArg)
		if err != nil {
			return nil, fmt.Errorf("child main %s: %w", spec.Main, err)
		}
		req.MainArg = arg
	}
	return req, nil
}

// drainReply reads the child main's remaining reply lines to end of file.
func (p *Process) drainReply() json.RawMessage {
	defer p.replyR.Close()
	var out json.RawMessage
	for {
		var m message
		if err := p.replyDec.Decode(&m); err != nil {
			return out
		}
		if m.Reply != nil {
			out = m.Reply
		}
	}
}
