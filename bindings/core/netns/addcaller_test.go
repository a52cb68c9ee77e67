//go:build linux

package netns

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

// onLockedThread runs fn on a locked thread that is not the main one, as
// nsh's Lua thread is, and waits for it.
func onLockedThread(fn func()) {
	done := make(chan struct{})
	osthread.Go(func() { defer close(done); fn() })
	<-done
}

func threadNet(t *testing.T) string {
	t.Helper()
	s, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAddFromCallerComesBack: made on the calling thread, the namespace is
// a new one, bound at the name, and the thread is back where it was, not
// marked moved, on the same thread.
func TestAddFromCallerComesBack(t *testing.T) {
	testutil.RequireRoot(t)
	name := testutil.Name(t)
	onLockedThread(func() {
		before, tid := threadNet(t), unix.Gettid()
		h, err := AddFromCaller(name)
		if err != nil {
			t.Errorf("AddFromCaller: %v", err)
			return
		}
		defer h.Close()
		t.Cleanup(func() {
			if err := Del(name); err != nil {
				t.Error(err)
			}
		})
		if after := threadNet(t); after != before || osthread.Moved() || unix.Gettid() != tid {
			t.Errorf("thread %d after the add: %s (moved %v), want %s on %d", unix.Gettid(), after, osthread.Moved(), before, tid)
		}
		if h.String() == before {
			t.Errorf("the handle is the caller's own namespace %s", before)
		}
		named, err := Get(name)
		if err != nil {
			t.Errorf("Get: %v", err)
			return
		}
		defer named.Close()
		if named.Inode() != h.Inode() || named.Dev() != h.Dev() {
			t.Errorf("%s holds %s, want %s", Path(name), named, h)
		}
	})
}

// TestAddFromCallerFailureLeavesNothing: when the namespace cannot be
// made, the file is removed and the thread is where it was.
func TestAddFromCallerFailureLeavesNothing(t *testing.T) {
	testutil.RequireRoot(t)
	saved := unshareNet
	unshareNet = func() error { return unix.ENOSPC }
	defer func() { unshareNet = saved }()
	name := testutil.Name(t)
	onLockedThread(func() {
		before := threadNet(t)
		_, err := AddFromCaller(name)
		if !errors.Is(err, unix.ENOSPC) || !strings.Contains(err.Error(), "unshare CLONE_NEWNET") {
			t.Errorf("AddFromCaller = %v, want the unshare failure", err)
		}
		if after := threadNet(t); after != before || osthread.Moved() {
			t.Errorf("thread after the failure: %s (moved %v), want %s", after, osthread.Moved(), before)
		}
	})
	if _, err := os.Lstat(Path(name)); !os.IsNotExist(err) {
		os.Remove(Path(name))
		t.Fatalf("%s left behind: %v", Path(name), err)
	}
}
