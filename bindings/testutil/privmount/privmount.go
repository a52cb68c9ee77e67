//go:build linux

package privmount

import (
	"fmt"
	"os"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

// InPrivateMounts runs fn on a thread of its own in a new mount namespace
// whose mounts are private (nothing done there reaches the host) and where
// a fresh tmpfs is mounted on /run/netns, and waits for it. The thread dies
// afterwards with its mount namespace, and every mount made there with it,
// so a test can put symlinks, directories and read-only mounts in
// /run/netns without touching the host's. fn reports with t.Errorf (not
// t.Fatal: it does not run on the test's goroutine); a panic in fn fails
// the test.
func InPrivateMounts(t testing.TB, fn func()) {
	t.Helper()
	testutil.RequireRoot(t)
	errc := make(chan error, 1)
	osthread.Go(func() { // exits locked: the thread dies with its namespace
		if err := privateMounts(); err != nil {
			errc <- err
			return
		}
		returned := false
		defer func() {
			switch r := recover(); {
			case r != nil:
				errc <- fmt.Errorf("panic: %v", r)
			case !returned: // t.FailNow from fn: runtime.Goexit
				errc <- fmt.Errorf("the function stopped early (t.FailNow)")
			default:
				errc <- nil
			}
		}()
		fn()
		returned = true
	})
	if err := <-errc; err != nil {
		t.Fatalf("in private mounts: %v", err)
	}
}

// privateMounts moves the calling locked thread into a new mount namespace,
// makes every mount there private and mounts a tmpfs on /run/netns.
func privateMounts() error {
	if err := osthread.Unshare(unix.CLONE_NEWNS); err != nil { // the registry knows: netns.Add then works here
		return fmt.Errorf("unshare CLONE_NEWNS: %w", err)
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("mount --make-rprivate /: %w", err)
	}
	if err := os.MkdirAll("/run/netns", 0o755); err != nil {
		return err
	}
	if err := unix.Mount(testutil.Prefix, "/run/netns", "tmpfs", 0, "mode=0755"); err != nil {
		return fmt.Errorf("mount tmpfs on /run/netns: %w", err)
	}
	return nil
}
