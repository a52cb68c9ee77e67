//go:build linux

package osthread

import (
	"testing"

	"golang.org/x/sys/unix"
)

// BenchmarkWorkerDo is the hand-off cost of a Worker: an empty job, there
// and back.
func BenchmarkWorkerDo(b *testing.B) {
	w := NewWorker(unix.CLONE_NEWNET)
	w.Do(func() error { return nil })
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.Do(func() error { return nil })
	}
}

// BenchmarkRun is the cost of a fresh locked thread per job.
func BenchmarkRun(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Run(func() {})
	}
}

// BenchmarkLockedPingPong is a bare locked goroutine answering on channels.
func BenchmarkLockedPingPong(b *testing.B) {
	in, out := make(chan struct{}), make(chan struct{})
	Go(func() {
		for range in {
			out <- struct{}{}
		}
	})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in <- struct{}{}
		<-out
	}
	close(in)
}

// BenchmarkPingPong is the same with a goroutine that is not locked.
func BenchmarkPingPong(b *testing.B) {
	in, out := make(chan struct{}), make(chan struct{})
	go func() {
		for range in {
			out <- struct{}{}
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in <- struct{}{}
		<-out
	}
	close(in)
}

// BenchmarkWorkerDoBusy is a Worker hand-off around a job that keeps the
// kernel busy for a while, as netns.add's does: an unshare of a UTS
// namespace, which the worker leaves again after the job.
func BenchmarkWorkerDoBusy(b *testing.B) {
	w := NewWorker(unix.CLONE_NEWUTS)
	job := func() error { return Unshare(unix.CLONE_NEWUTS) }
	w.Do(job)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := w.Do(job); err != nil {
			b.Fatal(err)
		}
	}
}
