//go:build linux

package nsfs

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
)

// nestEnv makes the test binary a chain of processes, each in a new user
// and pid namespace made by the Go runtime with clone flags (the way nsh
// makes namespaces), the innermost printing its pid as it sees it.
const nestEnv = "NSFS_TEST_NEST_DEPTH"

// nestChild runs the chain when this process is one of its links, and then
// reports true; otherwise it returns false at once.
func nestChild() bool {
	v, ok := os.LookupEnv(nestEnv)
	if !ok {
		return false
	}
	depth, _ := strconv.Atoi(v)
	// A /proc of this pid namespace, as unshare --mount-proc makes, so the
	// pids the runtime writes maps for are read in the right namespace.
	if err := mountProc(); err != nil {
		fmt.Fprintln(os.Stderr, "nest:", err)
		os.Exit(1)
	}
	if depth <= 0 {
		fmt.Printf("self %d\n", os.Getpid())
		select {} // until killed
	}
	cmd := nestCommand(depth - 1)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "nest:", err)
		os.Exit(1)
	}
	fmt.Printf("child%d %d\n", depth, cmd.Process.Pid)
	cmd.Wait()
	os.Exit(0)
	return true
}

func mountProc() error {
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	if err := syscall.Mount("proc", "/proc", "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mount proc: %w", err)
	}
	return nil
}

// nestCommand re-executes the test binary as a link of depth more levels,
// in a new user namespace (root mapped to the creator's root), a new pid
// namespace and a new mount namespace for its /proc.
func nestCommand(depth int) *exec.Cmd {
	cmd := exec.Command("/proc/self/exe")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", nestEnv, depth))
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}},
		Pdeathsig:   syscall.SIGKILL,
		Setpgid:     true,
	}
	return cmd
}

// startNested starts a chain of levels nested user+pid namespaces made by
// Go and returns the host pids of the chain (the first is the child of
// this process, the last the innermost) and what the chain printed: "self"
// is the innermost's pid as it sees itself, "childN" the pid of its child
// as the link N levels above the innermost sees it.
func startNested(t *testing.T, levels int) ([]int, map[string]int) {
	t.Helper()
	cmd := nestCommand(levels - 1)
	s := startCmd(t, cmd)
	seen := map[string]int{}
	for len(seen) < levels {
		var key string
		var pid int
		if _, err := fmt.Sscan(s.line(t), &key, &pid); err != nil {
			t.Fatalf("nested chain: bad line: %v", err)
		}
		seen[key] = pid
	}
	return descendants(t, s.pid(), levels-1, readComm(s.pid())), seen
}
