package osthread

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestRunIsOffMainAndThreadDies checks fn never runs on the main thread and
// its thread is gone once fn returned: whatever fn did to it goes too.
func TestRunIsOffMainAndThreadDies(t *testing.T) {
	for i := 0; i < 50; i++ {
		var tid int
		Run(func() { tid = unix.Gettid() })
		if tid == unix.Getpid() {
			t.Fatal("fn ran on the main thread")
		}
		deadline := time.Now().Add(2 * time.Second)
		for {
			if _, err := os.Stat("/proc/self/task/" + strconv.Itoa(tid)); os.IsNotExist(err) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("thread %d outlived its locked goroutine", tid)
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// TestGoKeepsTheThread checks fn stays on one thread however long it runs.
func TestGoKeepsTheThread(t *testing.T) {
	moved := make(chan bool)
	Go(func() {
		tid := unix.Gettid()
		for i := 0; i < 1000; i++ {
			if i%100 == 0 {
				time.Sleep(time.Millisecond)
			}
			if unix.Gettid() != tid {
				moved <- true
				return
			}
		}
		moved <- false
	})
	if <-moved {
		t.Fatal("a locked goroutine changed threads")
	}
}

// TestNoBareLockedGoroutines scans the repository for goroutines that lock
// their thread themselves: such a goroutine can land on the main thread
// (DESIGN rule 1). They must start with Go or Run instead.
func TestNoBareLockedGoroutines(t *testing.T) {
	bare := regexp.MustCompile(`go func\([^)]*\) \{\s*\n\s*runtime\.LockOSThread\(\)`)
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.Contains(path, "osthread") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if loc := bare.FindIndex(src); loc != nil {
			line := 1 + strings.Count(string(src[:loc[0]]), "\n")
			t.Errorf("%s:%d: a goroutine locks its own thread; start it with osthread.Go", path, line)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
