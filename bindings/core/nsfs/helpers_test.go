//go:build linux

package nsfs

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// start runs a tool in the background and kills it when the test ends.
// The first line it prints, if any is wanted, comes back from firstLine.
type started struct {
	cmd   *exec.Cmd
	lines *bufio.Reader
}

func start(t *testing.T, name string, args ...string) *started {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	return startCmd(t, cmd)
}

func startCmd(t *testing.T, cmd *exec.Cmd) *started {
	t.Helper()
	testutil.RequireRoot(t)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the process group: background children too
		cmd.Process.Kill()
		cmd.Wait()
	})
	return &started{cmd: cmd, lines: bufio.NewReader(out)}
}

func (s *started) pid() int { return s.cmd.Process.Pid }

// line reads one line the process printed.
func (s *started) line(t *testing.T) string {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		l, _ := s.lines.ReadString('\n')
		done <- strings.TrimSpace(l)
	}()
	select {
	case l := <-done:
		return l
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for output")
		return ""
	}
}

// stop kills the process and waits for it.
func (s *started) stop() {
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// children reads the child pids of pid, forked by any of its threads.
func children(pid int) []int {
	files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var out []int
	for _, file := range files {
		data, _ := os.ReadFile(file)
		for _, f := range strings.Fields(string(data)) {
			if v, err := strconv.Atoi(f); err == nil {
				out = append(out, v)
			}
		}
	}
	sort.Ints(out)
	return out
}

// descendant waits until pid has a chain of depth descendants whose last
// one runs comm, and returns the chain.
func descendants(t *testing.T, pid, depth int, comm string) []int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		chain := []int{pid}
		for len(chain) <= depth {
			kids := children(chain[len(chain)-1])
			if len(kids) == 0 {
				break
			}
			chain = append(chain, kids[0])
		}
		if len(chain) == depth+1 && readComm(chain[depth]) == comm {
			return chain
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("pid %d: no chain of %d descendants ending in %s", pid, depth, comm)
	return nil
}

func readComm(pid int) string {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSpace(string(data))
}

// readlinkIno runs readlink(1) on a namespace link and parses the inode.
func readlinkIno(t *testing.T, path string) (Type, uint64) {
	t.Helper()
	out := strings.TrimSpace(testutil.Cmd(t, "readlink", path))
	typ, ino, ok := ParseLink([]byte(out))
	if !ok {
		t.Fatalf("readlink %s: unexpected %q", path, out)
	}
	return typ, ino
}

// fdCount counts this process's open descriptors.
func fdCount(t testing.TB) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// openT opens a namespace file and closes it when the test ends.
func openT(t *testing.T, path string) *Handle {
	t.Helper()
	h, err := Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func closeT(t *testing.T, c io.Closer) {
	t.Helper()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

// find returns the listed namespace of type t and inode ino, or nil.
func find(list []*Namespace, t Type, ino uint64) *Namespace {
	for _, n := range list {
		if n.Type == t && n.Inode == ino {
			return n
		}
	}
	return nil
}

func listT(t *testing.T, opts ListOptions) []*Namespace {
	t.Helper()
	list, err := List(opts)
	if err != nil {
		t.Fatal(err)
	}
	return list
}
