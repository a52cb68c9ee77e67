//go:build linux

package spawn

import (
	"fmt"
	"os"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
)

// nullStreams opens this process's /dev/null for the standard streams the
// Spec leaves nil when the thread that starts the child enters another
// mount namespace first: os/exec would open /dev/null on that thread, in
// the target's root, which may have no /dev (a minimal container image).
// The caller closes the file once the child started; nil when not needed.
func (pl *plan) nullStreams() (*os.File, error) {
	spec := pl.spec
	if spec.Stdin != nil && spec.Stdout != nil && spec.Stderr != nil {
		return nil, nil
	}
	mnt := false
	for _, h := range pl.threadJoins {
		mnt = mnt || h.Type() == nsfs.Mnt
	}
	if !mnt {
		return nil, nil
	}
	f, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", os.DevNull, err)
	}
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
