//go:build linux

package spawn_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

const orphanHelperEnv = "NSH_SPAWN_TEST_ORPHANS"

// orphanHelper plays a shell that started children every way spawn can
// (plain, from a thread that joined a namespace, from a thread that
// unshared one, re-executed) and is then killed: it prints their pids.
func orphanHelper() int {
	ctx := context.Background()
	sleep := []string{"sleep", "60"}
	first, err := spawn.Start(ctx, spawn.Spec{Argv: sleep, New: []nsfs.Type{nsfs.Net}, KillOnExit: true})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	h, _ := first.NS(nsfs.Net)
	// The init of this pid namespace outlives the helper (no KillOnExit),
	// so only its own parent-death signal can end the child that joins it.
	keep, err := spawn.Start(ctx, spawn.Spec{Argv: sleep, New: []nsfs.Type{nsfs.PID}})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("keep", keep.Pid)
	hpid, _ := keep.NS(nsfs.PID)
	specs := []spawn.Spec{
		{Argv: sleep, KillOnExit: true},
		{Argv: sleep, Join: []*nsfs.Handle{h}, KillOnExit: true},
		{Argv: sleep, Join: []*nsfs.Handle{hpid}, KillOnExit: true},
		{Argv: sleep, New: []nsfs.Type{nsfs.Mnt, nsfs.UTS}, Hostname: "x", KillOnExit: true},
		{Argv: sleep, MountProc: true, KillOnExit: true},
	}
	pids := []int{first.Pid}
	for _, s := range specs {
		p, err := spawn.Start(ctx, s)
		if err != nil {
			fmt.Println("error", err)
			return 1
		}
		pids = append(pids, p.Pid)
	}
	// From a shell-like thread: locked for good, children forked from it.
	fromCaller := []spawn.Spec{
		{Argv: sleep, Join: []*nsfs.Handle{h}, KillOnExit: true, FromCaller: true},
		{Argv: sleep, New: []nsfs.Type{nsfs.Mnt}, Hostname: "y", KillOnExit: true, FromCaller: true},
	}
	got := make(chan []int)
	osthread.Go(func() { // never released: a shell thread locked for good
		var out []int
		for _, s := range fromCaller {
			p, err := spawn.Start(ctx, s)
			if err != nil {
				fmt.Println("error", err)
				os.Exit(1)
			}
			out = append(out, p.Pid)
		}
		got <- out
		select {}
	})
	pids = append(pids, <-got...)
	for _, pid := range pids {
		fmt.Println(pid)
	}
	fmt.Println("ok")
	time.Sleep(time.Minute)
	return 0
}

// TestKilledParentLeavesNoOrphans kills (SIGKILL) a process that started
// children with KillOnExit, and checks every one of them dies too.
func TestKilledParentLeavesNoOrphans(t *testing.T) {
	testutil.RequireRoot(t)
	cmd := exec.Command("/proc/self/exe")
	cmd.Env = append(os.Environ(), orphanHelperEnv+"=1")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pids []int
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "ok" {
		if k, ok := strings.CutPrefix(sc.Text(), "keep "); ok {
			t.Cleanup(func() { testutil.Cmd(t, "kill", "-9", k) })
			continue
		}
		pid, err := strconv.Atoi(sc.Text())
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("helper: %s", sc.Text())
		}
		pids = append(pids, pid)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if len(pids) != 8 {
		t.Fatalf("helper started %d children, want 8", len(pids))
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Fatalf("child %d outlived its killed parent", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// TestWaitCancelKillsChild: when Wait's context ends, the child is killed
// and Wait returns.
func TestWaitCancelKillsChild(t *testing.T) {
	testutil.RequireRoot(t)
	p, err := spawn.Start(context.Background(), spawn.Spec{Argv: []string{"sleep", "60"}, New: types(nsfs.PID), KillOnExit: true})
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := p.Wait(c)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait: %v, want the context's error", err)
	}
	if time.Since(start) > 5*time.Second || res.Signal != int(syscall.SIGKILL) {
		t.Fatalf("Wait returned %+v after %v", res, time.Since(start))
	}
	if alive(p.Pid) {
		t.Fatalf("child %d still alive", p.Pid)
	}
}
