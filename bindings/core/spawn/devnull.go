//go:build linux

package spawn

import (
	"fmt"
	"os"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"golang.org/x/sys/unix"
)

// nullStreams opens this process's /dev/null for the standard streams the
// Spec leaves nil when the thread that starts the child is or will be in
// another mount namespace: os/exec would open /dev/null on that thread, in
// the target's root, which may have no /dev (a minimal container image).
// The caller closes the file once the child started; nil when not needed.
func (pl *plan) nullStreams() (*os.File, error) {
	spec := pl.spec
	if spec.Stdin != nil && spec.Stdout != nil && spec.Stderr != nil {
		return nil, nil
	}
	mnt := osthread.MovedIn(unix.CLONE_NEWNS) // the caller's thread may be anywhere
	for _, h := range pl.threadJoins {
		mnt = mnt || h.Type() == nsfs.Mnt
	}
	if !mnt {
		return nil, nil
	}
	// Through the process's /proc: the caller's thread may itself be in a
	// container's mount namespace (ns.with).
	dir, path := procAt("self/root" + os.DevNull)
	fd, err := unix.Openat(dir, path, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", os.DevNull, err)
	}
	f := os.NewFile(uintptr(fd), os.DevNull)
	if spec.Stdin == nil && !spec.PipeStdin {
		spec.Stdin = f
	}
	if spec.Stdout == nil && !spec.PipeStdout {
		spec.Stdout = f
	}
	if spec.Stderr == nil && !spec.PipeStderr {
		spec.Stderr = f
	}
	return f, nil
}
