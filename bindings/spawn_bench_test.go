//go:build linux

package bindings

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"golang.org/x/sys/unix"
)

// BenchmarkSpawnCompare measures, in one run and interleaved over rounds
// (other work on the machine disturbs single runs), the cost per child of:
//
//	nsh new     ns.spawn{"/bin/true", new={net,uts,ipc,pid,mnt}}:wait()
//	go new      exec.Cmd with SysProcAttr.Cloneflags (the near-limit)
//	unshare     unshare -nuipmf /bin/true
//	nsh join    ns.spawn{"/bin/true", join=h}:wait() (h: a netns)
//	go join     exec.Cmd from a locked thread after setns (the near-limit)
//	spawn join  spawn.Start+Wait with Join from plain Go (no Lua, no shell thread)
//	nsenter     nsenter --net=/proc/PID/ns/net /bin/true
//	nsh clone   ns.clone(function() end):wait()
//
// and prints per-op medians, minima and the ratios the issue sets targets
// for. Run it with scripts/bench/spawn.sh, or:
//
//	go test ./bindings -run '^$' -bench SpawnCompare -benchtime 1x
//
// NSH_BENCH_OPS (ops per way per round, default 100) and NSH_BENCH_ROUNDS
// (default 7) tune it.
func BenchmarkSpawnCompare(b *testing.B) {
	ops, rounds := envInt("NSH_BENCH_OPS", 100), envInt("NSH_BENCH_ROUNDS", 7)
	devnull, err := os.OpenFile("/dev/null", os.O_RDWR, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	rt, err := New(Options{Stdout: devnull, Stderr: devnull})
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close()
	ctx := context.Background()
	target := exec.Command("sleep", "600")
	target.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	if err := target.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { target.Process.Kill(); target.Wait() }()
	netPath := fmt.Sprintf("/proc/%d/ns/net", target.Process.Pid)
	if err := rt.DoString(ctx, fmt.Sprintf(`bench_h = ns.open(%q)`, netPath), "bench"); err != nil {
		b.Fatal(err)
	}
	joiner := newJoinedRunner(b, netPath, devnull)
	defer joiner.stop()
	lua := func(code string) func(n int) {
		return func(n int) {
			if err := rt.DoString(ctx, fmt.Sprintf("for i = 1, %d do %s end", n, code), "bench"); err != nil {
				b.Fatal(err)
			}
		}
	}
	tool := func(argv ...string) func(n int) {
		return func(n int) {
			for i := 0; i < n; i++ {
				c := exec.Command(argv[0], argv[1:]...)
				c.Stdin, c.Stdout, c.Stderr = os.Stdin, devnull, devnull
				if err := c.Run(); err != nil {
					b.Fatalf("%v: %v", argv, err)
				}
			}
		}
	}
	new5 := uintptr(unix.CLONE_NEWNET | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWPID | unix.CLONE_NEWNS)
	ways := []benchWay{
		{name: "nsh new", run: lua(`ns.spawn{"/bin/true", new = {"net", "uts", "ipc", "pid", "mnt"}}:wait()`)},
		{name: "go new", run: func(n int) { bareRun(b, n, new5, devnull) }},
		{name: "unshare", run: tool("unshare", "-nuipmf", "/bin/true")},
		{name: "nsh join", run: lua(`ns.spawn{"/bin/true", join = bench_h}:wait()`)},
		{name: "go join", run: joiner.run},
		{name: "spawn join", run: func(n int) { spawnJoin(b, n, netPath, devnull) }},
		{name: "nsenter", run: tool("nsenter", "--net="+netPath, "/bin/true")},
		{name: "nsh clone", run: lua(`ns.clone(function() end):wait()`), scale: 10},
	}
	for _, w := range ways {
		w.run(2) // warm up
	}
	b.ResetTimer()
	for r := 0; r < rounds; r++ {
		for i := range ways {
			w := &ways[i]
			n := ops
			if w.scale > 0 {
				n = max(1, ops/w.scale)
			}
			start := time.Now()
			w.run(n)
			w.perOp = append(w.perOp, time.Since(start)/time.Duration(n))
		}
	}
	b.StopTimer()
	printBench(ways, ops, rounds)
}

type benchWay struct {
	name  string
	run   func(n int)
	scale int // run ops/scale per round (slow ways)
	perOp []time.Duration
}

func (w *benchWay) median() time.Duration {
	s := append([]time.Duration{}, w.perOp...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func (w *benchWay) min() time.Duration {
	m := w.perOp[0]
	for _, d := range w.perOp {
		m = min(m, d)
	}
	return m
}

func printBench(ways []benchWay, ops, rounds int) {
	med := map[string]time.Duration{}
	fmt.Printf("\nspawn benchmark: %d rounds, %d ops per way per round (clone: %d), per-op cost\n", rounds, ops, max(1, ops/10))
	fmt.Printf("%-10s %12s %12s\n", "way", "median", "min")
	for i := range ways {
		w := &ways[i]
		med[w.name] = w.median()
		fmt.Printf("%-10s %12v %12v\n", w.name, w.median().Round(time.Microsecond), w.min().Round(time.Microsecond))
	}
	ratio := func(a, b string) float64 { return float64(med[a]) / float64(med[b]) }
	fmt.Printf("nsh new / go new     = %.2fx  (target <= 1.10)\n", ratio("nsh new", "go new"))
	fmt.Printf("unshare / nsh new    = %.2fx  (target >= 1.50)\n", ratio("unshare", "nsh new"))
	fmt.Printf("nsh join / go join   = %.2fx  (target <= 1.10)\n", ratio("nsh join", "go join"))
	fmt.Printf("nsenter / nsh join   = %.2fx  (target >= 2.00)\n", ratio("nsenter", "nsh join"))
}

// bareRun is the bare Go program for new namespaces: exec.Cmd with
// Cloneflags, the streams what nsh's children inherit.
func bareRun(b *testing.B, n int, flags uintptr, devnull *os.File) {
	for i := 0; i < n; i++ {
		c := exec.Command("/bin/true")
		c.Stdin, c.Stdout, c.Stderr = os.Stdin, devnull, devnull
		c.SysProcAttr = &syscall.SysProcAttr{Cloneflags: flags}
		if err := c.Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// joinedRunner is the bare Go program for joining: one locked thread that
// did setns once and runs exec.Cmd loops on request.
type joinedRunner struct {
	b    *testing.B
	reqs chan int
	done chan struct{}
}

func newJoinedRunner(b *testing.B, netPath string, devnull *os.File) *joinedRunner {
	j := &joinedRunner{b: b, reqs: make(chan int), done: make(chan struct{})}
	ready := make(chan error)
	osthread.Go(func() { // off the main thread, never unlocked: it dies with its netns
		h, err := nsfs.Open(netPath)
		if err == nil {
			err = osthread.Setns(h.Fd(), unix.CLONE_NEWNET)
			h.Close()
		}
		ready <- err
		for n := range j.reqs {
			for i := 0; i < n; i++ {
				c := exec.Command("/bin/true")
				c.Stdin, c.Stdout, c.Stderr = os.Stdin, devnull, devnull
				if err := c.Run(); err != nil {
					panic(err)
				}
			}
			j.done <- struct{}{}
		}
	})
	if err := <-ready; err != nil {
		b.Fatal(err)
	}
	return j
}

func (j *joinedRunner) run(n int) { j.reqs <- n; <-j.done }
func (j *joinedRunner) stop()     { close(j.reqs) }

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil && n > 0 {
		return n
	}
	return def
}

// spawnJoin is the Go API's join path: from an unlocked goroutine, so the
// child starts from a joined thread of package spawn's pool.
func spawnJoin(b *testing.B, n int, netPath string, devnull *os.File) {
	h, _ := nsfs.Open(netPath)
	defer h.Close()
	for i := 0; i < n; i++ {
		p, err := spawn.Start(context.Background(), spawn.Spec{Argv: []string{"/bin/true"}, Join: []*nsfs.Handle{h}, Stdin: os.Stdin, Stdout: devnull, Stderr: devnull, KillOnExit: true})
		if err != nil {
			b.Fatal(err)
		}
		p.Wait(context.Background())
	}
}
