//go:build linux

package netconf_test

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"golang.org/x/sys/unix"
)

// inNS runs fn on a throwaway thread that entered the network namespace
// nsfd; the thread dies afterwards. Sockets fn makes stay in that namespace
// and can be used from any goroutine.
func inNS(t *testing.T, nsfd int, fn func()) {
	t.Helper()
	var err error
	osthread.Run(func() {
		if err = osthread.Setns(nsfd, unix.CLONE_NEWNET); err == nil {
			fn()
		}
	})
	if err != nil {
		t.Fatalf("setns: %v", err)
	}
}

// listenIn listens on addr (TCP) inside the namespace nsfd.
func listenIn(t *testing.T, nsfd int, addr string) net.Listener {
	t.Helper()
	var l net.Listener
	var err error
	inNS(t, nsfd, func() { l, err = net.Listen("tcp", addr) })
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// dialIn connects to addr (TCP) from inside the namespace nsfd.
func dialIn(t *testing.T, nsfd int, addr string) net.Conn {
	t.Helper()
	var c net.Conn
	var err error
	inNS(t, nsfd, func() { c, err = net.DialTimeout("tcp", addr, 5*time.Second) })
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// transfer sends n bytes from namespace from to a listener in namespace to
// (at addr) and returns the throughput the receiver saw, in bits per second.
func transfer(t *testing.T, from, to int, addr string, n int) float64 {
	t.Helper()
	l := listenIn(t, to, addr)
	type result struct {
		bits float64
		err  error
	}
	got := make(chan result, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- result{0, err}
			return
		}
		defer c.Close()
		buf := make([]byte, 64<<10)
		var start time.Time
		total := 0
		for total < n {
			m, err := c.Read(buf)
			if total == 0 && m > 0 {
				start = time.Now()
			}
			total += m
			if err != nil {
				got <- result{0, err}
				return
			}
		}
		got <- result{float64(total*8) / time.Since(start).Seconds(), nil}
	}()
	c := dialIn(t, from, addr)
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.CopyN(c, zeros{}, int64(n)); err != nil {
		t.Fatalf("send: %v", err)
	}
	r := <-got
	if r.err != nil {
		t.Fatalf("receive: %v", r.err)
	}
	return r.bits
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
