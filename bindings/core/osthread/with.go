//go:build linux

package osthread

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// With runs fn on a fresh locked thread (rule 4) and waits for it. The
// thread first takes on a private fs struct with the caller's working
// directory, then runs enter, which moves it with Setns and Unshare; fn
// runs only when enter succeeded. The thread dies afterwards, so no other
// goroutine ever runs in those namespaces. enter's error is returned; a
// panic in enter or fn is re-raised in the caller.
func With(enter func() error, fn func()) error {
	cwd, err := unix.Open(".", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open working directory: %w", err)
	}
	defer unix.Close(cwd)
	type outcome struct {
		err   error
		fault any
	}
	done := make(chan outcome, 1)
	Go(func() { // never released: this thread dies with fn
		var out outcome
		defer func() {
			if r := recover(); r != nil {
				out.fault = r
			}
			done <- out
		}()
		mark(unix.Gettid(), 0) // whatever enter does, this thread is not reused
		if out.err = takeOnCwd(cwd); out.err == nil {
			if out.err = enter(); out.err == nil {
				fn()
			}
		}
	})
	out := <-done
	if out.fault != nil {
		panic(out.fault)
	}
	return out.err
}

// takeOnCwd gives the calling thread a private fs struct in directory cwd.
func takeOnCwd(cwd int) error {
	if err := privateFS(); err != nil {
		return err
	}
	if err := unix.Fchdir(cwd); err != nil {
		return fmt.Errorf("chdir: %w", err)
	}
	return nil
}
