package compat

import (
	"io"
	"os"
	"os/exec"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// ioPopen is io.popen(prog [, mode]) as lua5.1 gives it with popen(3):
// /bin/sh -c prog, with a pipe to its stdout ("r") or from its stdin
// ("w"); its other standard streams are the process's (stdout: the host's
// writer). The handle's close closes the pipe and waits for the child,
// and returns true, as pclose does in lua5.1.
func (st *ioState) ioPopen(L *lua.LState) int {
	prog := L.CheckString(1)
	mode := L.OptString(2, "r")
	if mode != "r" && mode != "w" && mode != "re" && mode != "we" {
		return pushError(L, errInval, prog)
	}
	lf, err := st.spawn(prog, mode[0] == 'r')
	if err != nil {
		return pushError(L, err, prog)
	}
	L.Push(st.wrap(L, lf))
	return 1
}

// spawn starts prog with a pipe to (reading) or from it and returns the
// parent's end as a file. The child forks from the calling thread, so it
// runs in that thread's namespaces (ns.with's).
func (st *ioState) spawn(prog string, reading bool) (*luaFile, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("/bin/sh", "-c", prog)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, st.stdout, os.Stderr
	parent, child := pw, pr
	if reading {
		parent, child = pr, pw
		cmd.Stdout = pw
	} else {
		cmd.Stdin = pr
	}
	err = cmd.Start()
	child.Close()
	if err != nil {
		parent.Close()
		return nil, err
	}
	lf := newLuaFile(parent, reading, !reading, true)
	lf.proc = cmd
	return lf, nil
}

// Serialized makes w safe for print and an io.popen or ns.spawn child's
// output copied into it at once. Files are left as they are: writes to
// them are atomic enough, and os/exec hands a file to the child directly.
// Other writers get a lock, which also hides their ReadFrom (a
// bytes.Buffer's would hold its tail while blocked in a read).
func Serialized(w io.Writer) io.Writer {
	switch w.(type) {
	case *os.File, *lockedWriter:
		return w
	}
	return &lockedWriter{w: w}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (lw *lockedWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.Write(p)
}
