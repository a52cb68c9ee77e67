package osthread

import (
	"os"
	"strconv"
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
