//go:build linux

package spawn

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"golang.org/x/sys/unix"
)

// warmOnce runs os/exec's one-time pidfd probe (it forks a throwaway child)
// from a clean thread, so the probe never becomes PID 1 of a child's new
// pid namespace (osthread rule 7). os.FindProcess triggers it without
// starting anything else.
var warmOnce sync.Once

func warm() { warmOnce.Do(func() { os.FindProcess(os.Getpid()) }) }

var warmed atomic.Bool

// warmClean runs warm on a fresh, clean thread, once; Start calls it first
// since its caller's thread may be in an unshared pid namespace.
func warmClean() {
	if warmed.Load() {
		return
	}
	done := make(chan struct{})
	go func() { warm(); close(done) }()
	<-done
	warmed.Store(true)
}

// spawner is the goroutine that owns one child: it prepares its locked
// thread, starts the child, reports on started, then reaps the child and
// ends. A thread whose namespaces changed dies with it (osthread rule 2);
// it lives as long as the child, so Pdeathsig fires only when this process
// dies (osthread rule 9). It must be started with osthread.Go.
func spawner(pl *plan, p *Process, started chan<- error) {
	warm()                   // still clean here
	defer osthread.Release() // reused only if the plan left it unchanged
	err := enterThread(pl.threadJoins)
	var cmd *exec.Cmd
	if err == nil {
		cmd, err = launch(pl, p)
	}
	if err != nil {
		close(p.done)
		started <- err
		return
	}
	started <- nil
	reap(p, cmd)
}

// launch runs on the thread the child is started from, after the joins:
// it does the rest of the thread's part of the plan and starts the child.
func launch(pl *plan, p *Process) (*exec.Cmd, error) {
	cmd, closeAfter, err := prepare(pl)
	if err == nil {
		err = startCmd(pl, cmd, p)
	}
	closeAll(closeAfter)
	if err != nil {
		p.closeStreams()
		return nil, err
	}
	return cmd, nil
}

// reap waits for the child, records its result and closes p.done.
func reap(p *Process, cmd *exec.Cmd) {
	defer close(p.done)
	defer uncountChild(p) // before done closes
	var reply []byte
	if p.replyR != nil {
		reply = p.drainReply()
	}
	werr := cmd.Wait()
	p.fdMu.Lock()
	if p.pidfd >= 0 {
		unix.Close(p.pidfd)
		p.pidfd = -1
	}
	p.fdMu.Unlock()
	if cmd.ProcessState == nil {
		p.err = werr
		return
	}
	p.res = resultOf(cmd.ProcessState)
	p.res.Reply = reply
}

// prepare runs the thread side of the plan and builds the command. The
// files it returns are the child's ends, closed once the child started.
func prepare(pl *plan) (*exec.Cmd, []*os.File, error) {
	spec := pl.spec
	hostname := ""
	if !pl.hostInChild {
		hostname = spec.Hostname
	}
	if err := unshareThread(pl.threadNew, pl.propagation, hostname, spec.Time); err != nil {
		return nil, nil, err
	}
	if !pl.reexec {
		if err := runSteps(spec.Steps); err != nil {
			return nil, nil, err
		}
	}
	cmd := &exec.Cmd{Env: spec.Env, Stdin: spec.Stdin, Stdout: spec.Stdout, Stderr: spec.Stderr}
	attr := &syscall.SysProcAttr{Cloneflags: uintptr(pl.cloneflags), Setpgid: spec.Setpgid}
	if spec.KillOnExit && !pl.childPdeath {
		attr.Pdeathsig = syscall.SIGKILL
	}
	if pl.cloneflags&unix.CLONE_NEWUSER != 0 {
		attr.UidMappings, attr.GidMappings, attr.GidMappingsEnableSetgroups = sysMaps(spec)
		attr.Credential = insideCredential(spec)
	}
	cmd.SysProcAttr = attr
	var closeAfter []*os.File
	if spec.Cgroup != "" {
		f, err := openCgroup(spec.Cgroup)
		if err != nil {
			return nil, nil, err
		}
		closeAfter = append(closeAfter, f)
		attr.UseCgroupFD, attr.CgroupFD = true, int(f.Fd())
	}
	if !pl.reexec {
		if err := checkDirs(spec.Root, spec.Dir); err != nil {
			return nil, closeAfter, err
		}
		path, err := lookPath(spec.Root, spec.Dir, spec.Argv[0], spec.Env)
		if err != nil {
			return nil, closeAfter, err
		}
		cmd.Path, cmd.Args, cmd.Dir, attr.Chroot = path, spec.Argv, spec.Dir, spec.Root
		return cmd, closeAfter, nil
	}
	return cmd, closeAfter, nil
}

// startCmd wires the streams and starts cmd, through the re-executed child
// when the plan needs one.
func startCmd(pl *plan, cmd *exec.Cmd, p *Process) (err error) {
	ends, err := p.pipes(pl.spec, cmd)
	defer closeAll(ends)
	if err != nil {
		return err
	}
	cmd.SysProcAttr.PidFD = &p.pidfd
	p.direct = pl.spec.Main == "" && isFile(cmd.Stdin) && isFile(cmd.Stdout) && isFile(cmd.Stderr)
	defer func() {
		if err != nil && p.pidfd >= 0 { // start failed: no reaper will close it
			unix.Close(p.pidfd)
			p.pidfd = -1
		}
	}()
	if pl.reexec {
		return startChild(pl, cmd, p)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", pl.spec.Argv[0], explainMapError(pl.spec, err))
	}
	p.Pid, p.proc = cmd.Process.Pid, cmd.Process
	return nil
}

// pipes makes the pipes Spec asks for; it returns the child's ends.
func (p *Process) pipes(spec *Spec, cmd *exec.Cmd) ([]*os.File, error) {
	var ends []*os.File
	mk := func(want bool, child **os.File, mine func(*os.File)) error {
		if !want {
			return nil
		}
		r, w, err := os.Pipe()
		if err != nil {
			return fmt.Errorf("pipe: %w", err)
		}
		if child == nil { // stdin: the child reads
			cmd.Stdin = r
			ends = append(ends, r)
			mine(w)
			return nil
		}
		*child = w
		ends = append(ends, w)
		mine(r)
		return nil
	}
	var out, errw *os.File
	err := mk(spec.PipeStdin, nil, func(f *os.File) { p.Stdin = f })
	if err == nil {
		err = mk(spec.PipeStdout, &out, func(f *os.File) { p.Stdout = f })
	}
	if err == nil {
		err = mk(spec.PipeStderr, &errw, func(f *os.File) { p.Stderr = f })
	}
	if out != nil {
		cmd.Stdout = out
	}
	if errw != nil {
		cmd.Stderr = errw
	}
	return ends, err
}

func (p *Process) closeStreams() {
	for _, c := range []interface{ Close() error }{p.Stdin, p.Stdout, p.Stderr} {
		if c != nil && c != (*os.File)(nil) {
			c.Close()
		}
	}
}

func closeAll(fs []*os.File) {
	for _, f := range fs {
		f.Close()
	}
}

func runSteps(steps []Step) error {
	for _, s := range steps {
		arg, err := json.Marshal(s.Arg)
		if err != nil {
			return fmt.Errorf("step %s: %w", s.Name, err)
		}
		if err := stepFor(s.Name)(arg); err != nil {
			return fmt.Errorf("step %s: %w", s.Name, err)
		}
	}
	return nil
}

// isFile reports whether os/exec passes v to the child as it is (nil: it
// opens /dev/null), so no goroutine copies the stream.
func isFile(v any) bool {
	switch f := v.(type) {
	case nil:
		return true
	case *os.File:
		return f != nil
	}
	return false
}
