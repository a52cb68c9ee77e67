//go:build linux

package osthread

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

// threadNS is the calling thread's namespace link of type name.
func threadNS(name string) string {
	s, _ := os.Readlink("/proc/thread-self/ns/" + name)
	return s
}

// processNS is the process's (main thread's) namespace link of type name.
func processNS(name string) string {
	s, _ := os.Readlink("/proc/self/task/" + strconv.Itoa(os.Getpid()) + "/ns/" + name)
	return s
}

// waitGone waits until thread tid of this process has ended.
func waitGone(t *testing.T, tid int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		if _, err := os.Stat("/proc/self/task/" + strconv.Itoa(tid)); os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("thread %d still alive", tid)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestRegistryFollowsUnshare: a fresh thread is not moved; after Unshare
// the registry says so for the type it changed only, and Changed names the
// new namespace as the kernel shows it.
func TestRegistryFollowsUnshare(t *testing.T) {
	testutil.RequireRoot(t)
	type seen struct {
		before, after, net, mnt bool
		changed                 []string
		link                    string
		err                     error
	}
	var s seen
	Run(func() {
		s.before = Moved()
		s.err = Unshare(unix.CLONE_NEWNET)
		s.after, s.net, s.mnt = Moved(), MovedIn(unix.CLONE_NEWNET), MovedIn(unix.CLONE_NEWNS)
		s.changed, s.link = Changed(), threadNS("net")
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	if s.before || !s.after || !s.net || s.mnt {
		t.Fatalf("moved before %v, after %v, in net %v, in mnt %v; want false true true false", s.before, s.after, s.net, s.mnt)
	}
	want := strings.NewReplacer("[", "", "]", "").Replace(s.link)
	if len(s.changed) != 1 || s.changed[0] != want {
		t.Fatalf("Changed() = %v, want [%s]", s.changed, want)
	}
	var here []string
	Run(func() { here = Changed() })
	if here != nil {
		t.Fatalf("Changed() on a fresh thread = %v", here)
	}
}

// TestRefusals: user and time namespaces are refused with the errors that
// say why, before any syscall; so are flags that are not namespace types.
func TestRefusals(t *testing.T) {
	var errs [4]error
	var moved bool
	Run(func() {
		errs[0] = Unshare(unix.CLONE_NEWUSER)
		errs[1] = Setns(-1, unix.CLONE_NEWUSER)
		errs[2] = Setns(-1, unix.CLONE_NEWTIME)
		errs[3] = Unshare(unix.CLONE_FILES)
		moved = Moved()
		Release()
	})
	for i, want := range []error{ErrUserThread, ErrUserThread, ErrTimeThread, unix.EINVAL} {
		if !errors.Is(errs[i], want) {
			t.Errorf("call %d: %v, want %v", i, errs[i], want)
		}
	}
	if moved {
		t.Error("a refused change was recorded")
	}
}

// TestSetnsMarksAndMoves: Setns into another thread's new namespace moves
// the thread there and records it.
func TestSetnsMarksAndMoves(t *testing.T) {
	testutil.RequireRoot(t)
	var target string
	fdc := make(chan int)
	release := make(chan struct{})
	Go(func() {
		if err := Unshare(unix.CLONE_NEWUTS); err != nil {
			fdc <- -1
			return
		}
		target = threadNS("uts")
		fd, _ := unix.Open("/proc/thread-self/ns/uts", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		fdc <- fd
		<-release
	})
	fd := <-fdc
	close(release)
	if fd < 0 {
		t.Fatal("unshare uts failed")
	}
	defer unix.Close(fd)
	var got string
	var moved bool
	var err error
	Run(func() {
		err = Setns(fd, unix.CLONE_NEWUTS)
		got, moved = threadNS("uts"), MovedIn(unix.CLONE_NEWUTS)
	})
	if err != nil || got != target || !moved {
		t.Fatalf("Setns: %v, now in %s (moved %v), want %s", err, got, moved, target)
	}
}

// TestReleaseKeepsMovedLocked: Release unlocks an unchanged thread (it
// outlives its goroutine) and leaves a moved one locked (it dies).
func TestReleaseKeepsMovedLocked(t *testing.T) {
	testutil.RequireRoot(t)
	tids := make(chan int, 1)
	Go(func() {
		if err := Unshare(unix.CLONE_NEWNET); err != nil {
			t.Error(err)
		}
		tids <- unix.Gettid()
		Release()
	})
	waitGone(t, <-tids)
}

// TestVisitReturns: Visit enters, runs fn there, and comes back to the
// process's namespaces, with the registry cleared; the thread is reusable.
func TestVisitReturns(t *testing.T) {
	testutil.RequireRoot(t)
	var during, after, cwdAfter string
	var moved bool
	var err error
	Run(func() {
		if err = PrepareVM(); err != nil {
			return
		}
		err = Visit(unix.CLONE_NEWNET|unix.CLONE_NEWNS, func() error {
			return Unshare(unix.CLONE_NEWNET | unix.CLONE_NEWNS)
		}, func() error {
			during = threadNS("net")
			return nil
		})
		after, moved = threadNS("net"), Moved()
		cwdAfter, _ = os.Readlink("/proc/thread-self/cwd")
	})
	cwd, _ := os.Getwd()
	if err != nil || during == processNS("net") || after != processNS("net") || moved || cwdAfter != cwd {
		t.Fatalf("Visit: %v; net during %s, after %s (process %s), moved %v, cwd %s want %s",
			err, during, after, processNS("net"), moved, cwdAfter, cwd)
	}
}

// TestVisitError: an error from fn comes back, and the thread is home.
func TestVisitError(t *testing.T) {
	testutil.RequireRoot(t)
	boom := errors.New("boom")
	var err error
	var after string
	Run(func() {
		err = Visit(unix.CLONE_NEWNET, func() error { return Unshare(unix.CLONE_NEWNET) },
			func() error { return boom })
		after = threadNS("net")
	})
	if !errors.Is(err, boom) || errors.Is(err, ErrStranded) || after != processNS("net") {
		t.Fatalf("Visit = %v, net after %s", err, after)
	}
}

// TestWithRunsAwayAndDies: With runs fn on a thread that entered what
// enter asked, re-raises fn's panic, and the thread dies.
func TestWithRunsAwayAndDies(t *testing.T) {
	testutil.RequireRoot(t)
	var tid int
	var net string
	err := With(func() error { return Unshare(unix.CLONE_NEWNET) }, func() {
		tid, net = unix.Gettid(), threadNS("net")
	})
	if err != nil || net == processNS("net") {
		t.Fatalf("With: %v, fn ran in %s", err, net)
	}
	waitGone(t, tid)
	defer func() {
		if r := recover(); r != "inside" {
			t.Fatalf("recovered %v, want the panic of fn", r)
		}
	}()
	With(func() error { return nil }, func() { panic("inside") })
}

// TestWithEnterError: enter's error is returned and fn never runs.
func TestWithEnterError(t *testing.T) {
	ran := false
	err := With(func() error { return unix.EPERM }, func() { ran = true })
	if !errors.Is(err, unix.EPERM) || ran {
		t.Fatalf("With = %v, fn ran %v", err, ran)
	}
}

// TestPinRefusesChange: fn run by Pin may not move the thread; when it
// does, Pin panics and the goroutine stays locked, so the thread dies.
func TestPinRefusesChange(t *testing.T) {
	testutil.RequireRoot(t)
	var tid int
	var fault any
	Run(func() {
		Pin(func() {}) // nothing changed: fine
		func() {
			defer func() { fault = recover() }()
			Pin(func() {
				tid = unix.Gettid()
				Unshare(unix.CLONE_NEWNET)
			})
		}()
	})
	if fault == nil {
		t.Fatal("Pin let a namespace change pass")
	}
	waitGone(t, tid)
}
