//go:build linux

package netconf_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

// tcQdiscs runs `tc -j -n NS qdisc show dev DEV`.
func tcQdiscs(t *testing.T, ns, dev string) []map[string]any {
	t.Helper()
	out := testutil.Cmd(t, "tc", "-j", "-n", ns, "qdisc", "show", "dev", dev)
	var v []map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("tc: bad JSON %q: %v", out, err)
	}
	return v
}

// tcShape reads a Shape from tc's JSON the way a tc user reads it: tbf at
// the root, netem or pfifo at the root or under it.
func tcShape(t *testing.T, ns, dev string) netconf.Shape {
	t.Helper()
	var s netconf.Shape
	for _, q := range tcQdiscs(t, ns, dev) {
		opt, _ := q["options"].(map[string]any)
		num := func(m map[string]any, k string) float64 { f, _ := m[k].(float64); return f }
		sub := func(k string) map[string]any { m, _ := opt[k].(map[string]any); return m }
		switch q["kind"] {
		case "tbf":
			s.Rate = uint64(num(opt, "rate")) * 8
			s.Burst = uint32(num(opt, "burst"))
		case "pfifo":
			s.Limit = uint32(num(opt, "limit"))
		case "netem":
			s.Limit = uint32(num(opt, "limit"))
			s.Delay = time.Duration(math.Round(num(sub("delay"), "delay") * 1e9))
			s.Jitter = time.Duration(math.Round(num(sub("delay"), "jitter") * 1e9))
			s.Loss = num(sub("loss-random"), "loss") * 100
			s.Duplicate = num(sub("duplicate"), "duplicate") * 100
			s.Reorder = num(sub("reorder"), "reorder") * 100
		}
	}
	return s
}

// sameShape compares shapes, percentages to tc's six digits.
func sameShape(a, b netconf.Shape) bool {
	close := func(x, y float64) bool { return math.Abs(x-y) <= 1e-5*math.Max(1, math.Abs(x)) }
	ok := close(a.Loss, b.Loss) && close(a.Duplicate, b.Duplicate) && close(a.Reorder, b.Reorder)
	a.Loss, a.Duplicate, a.Reorder, b.Loss, b.Duplicate, b.Reorder = 0, 0, 0, 0, 0, 0
	return ok && a == b
}

// shapedPair makes two namespaces joined by a veth a0 (in a) — b0 (in b),
// with 10.201.0.1 and 10.201.0.2.
func shapedPair(t *testing.T) (a, b *lab) {
	a, b = newLab(t), newLab(t)
	mustAdd(t, a.c, netconf.LinkSpec{Name: "a0", Type: "veth", Peer: "b0", PeerNS: b.fd, Up: true})
	up := true
	must(t, b.c.LinkSet("b0", netconf.LinkChange{Up: &up}))
	must(t, a.c.AddrAdd("a0", "10.201.0.1/24"))
	must(t, b.c.AddrAdd("b0", "10.201.0.2/24"))
	return a, b
}

// TestShapeRateReadBack sets rate shapes, reads them back, and checks both
// against tc's own report; then removes them.
func TestShapeRateReadBack(t *testing.T) {
	a, _ := shapedPair(t)
	for _, s := range []netconf.Shape{
		{Rate: 10_000_000},
		{Rate: 10_000_000, Limit: 50},
		{Rate: 8_000_000, Burst: 3000},
		{Rate: 100_000, Burst: 1600, Limit: 7},
		{Rate: 200_000, Limit: 9}, // same layout: changed in place
		{Rate: 40_000_000_000},
		{Limit: 20},
	} {
		must(t, a.c.ShapeSet("a0", s))
		got, err := a.c.ShapeGet("a0")
		must(t, err)
		kept, err := s.Kept(1500)
		must(t, err)
		t.Logf("set %v: read back %v", s, got)
		if tc := tcShape(t, a.name, "a0"); !sameShape(got, tc) || !sameShape(got, kept) {
			t.Errorf("set %v:\n got  %+v\n tc   %+v\n kept %+v", s, got, tc, kept)
		}
	}
	must(t, a.c.ShapeDel("a0"))
	if got, err := a.c.ShapeGet("a0"); err != nil || !got.Zero() {
		t.Errorf("after ShapeDel: %+v, %v", got, err)
	}
	for _, q := range tcQdiscs(t, a.name, "a0") {
		if k := q["kind"]; k == "tbf" || k == "pfifo" {
			t.Errorf("after ShapeDel tc shows %v", q)
		}
	}
	must(t, a.c.ShapeDel("a0")) // nothing to remove is fine
	must(t, a.c.ShapeSet("a0", netconf.Shape{Rate: 1_000_000}))
	must(t, a.c.ShapeSet("a0", netconf.Shape{}))
	if got, _ := a.c.ShapeGet("a0"); !got.Zero() {
		t.Errorf("ShapeSet(zero) left %+v", got)
	}
}

// TestShapeLeavesOthersQdisc checks that a root qdisc Shape does not make
// reads as no shaping and survives ShapeDel, and that ShapeSet replaces it.
func TestShapeLeavesOthersQdisc(t *testing.T) {
	a, _ := shapedPair(t)
	testutil.Cmd(t, "tc", "-n", a.name, "qdisc", "replace", "dev", "a0", "root", "handle", "5:", "htb", "default", "1")
	if got, err := a.c.ShapeGet("a0"); err != nil || !got.Zero() {
		t.Errorf("ShapeGet over htb = %+v, %v", got, err)
	}
	must(t, a.c.ShapeDel("a0"))
	if q := tcQdiscs(t, a.name, "a0"); len(q) != 1 || q[0]["kind"] != "htb" {
		t.Errorf("ShapeDel touched htb: %v", q)
	}
	must(t, a.c.ShapeSet("a0", netconf.Shape{Rate: 1_000_000}))
	if q := tcQdiscs(t, a.name, "a0"); len(q) != 1 || q[0]["kind"] != "tbf" || q[0]["handle"] != "1:" {
		t.Errorf("ShapeSet over htb: tc shows %v", q)
	}
}

func TestShapeRefused(t *testing.T) {
	a, _ := shapedPair(t)
	must(t, a.c.ShapeSet("a0", netconf.Shape{Rate: 2_000_000}))
	cases := []struct {
		s    netconf.Shape
		want string
	}{
		{netconf.Shape{Rate: 12}, "link shape: a0: rate 12bit is not whole bytes per second"},
		{netconf.Shape{Burst: 3000}, "link shape: a0: burst needs a rate"},
		{netconf.Shape{Rate: 8_000_000, Burst: 1000}, "link shape: a0: burst 1000 bytes is less than one full-size frame (1514 bytes): such frames would be dropped"},
		{netconf.Shape{Jitter: time.Millisecond}, "link shape: a0: jitter needs a delay"},
		{netconf.Shape{Reorder: 5}, "link shape: a0: reorder needs a delay"},
		{netconf.Shape{Loss: 101}, "link shape: a0: loss 101% out of range 0-100"},
		{netconf.Shape{Loss: math.NaN()}, "link shape: a0: loss NaN% out of range 0-100"},
		{netconf.Shape{Rate: 8, Burst: 100_000}, "link shape: a0: burst 100000 bytes lasts too long at rate 8bit"},
	}
	for _, c := range cases {
		err := a.c.ShapeSet("a0", c.s)
		if err == nil || err.Error() != c.want || !errors.Is(err, unix.EINVAL) {
			t.Errorf("ShapeSet(%+v) = %v\n want %q", c.s, err, c.want)
		}
	}
	if got, _ := a.c.ShapeGet("a0"); got.Rate != 2_000_000 {
		t.Errorf("a refused shape changed the link: %+v", got)
	}
	if err := a.c.ShapeSet("nope0", netconf.Shape{Rate: 8000}); err == nil || err.Error() != "link shape: nope0: no such device" {
		t.Errorf("ShapeSet on a missing link = %v", err)
	}
}

// tcHasNetem asks tc itself whether the kernel has netem.
func tcHasNetem(t *testing.T, ns string) bool {
	t.Helper()
	out, err := exec.Command("tc", "-n", ns, "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms").CombinedOutput()
	if err == nil {
		testutil.Cmd(t, "tc", "-n", ns, "qdisc", "del", "dev", "lo", "root")
		return true
	}
	if !strings.Contains(string(out), "qdisc kind is unknown") {
		t.Fatalf("tc qdisc add netem: %v: %s", err, out)
	}
	return false
}

// TestShapeNetem covers both kernels: with netem, delay and loss are set,
// read back as tc reports them and measured; without, the error names the
// missing option and the link keeps its shaping.
func TestShapeNetem(t *testing.T) {
	a, b := shapedPair(t)
	has := tcHasNetem(t, a.name)
	probe := netconf.QdiscSupported("netem")
	if has != (probe == nil) {
		t.Fatalf("tc says netem exists: %v; QdiscSupported says %v", has, probe)
	}
	must(t, netconf.QdiscSupported("tbf"))
	must(t, a.c.ShapeSet("a0", netconf.Shape{Rate: 50_000_000}))
	s := netconf.Shape{Rate: 50_000_000, Delay: 40 * time.Millisecond, Jitter: time.Millisecond,
		Loss: 1, Duplicate: 0.5, Reorder: 2, Limit: 200}
	err := a.c.ShapeSet("a0", s)
	if !has {
		want := "link shape: a0: not supported by this kernel: netem (CONFIG_NET_SCH_NETEM)"
		if err == nil || err.Error() != want || !errors.Is(err, netconf.ErrUnsupported) || !errors.Is(err, unix.EOPNOTSUPP) {
			t.Fatalf("ShapeSet with netem fields = %v, want %q", err, want)
		}
		if got, _ := a.c.ShapeGet("a0"); got.Rate != 50_000_000 || got.Delay != 0 {
			t.Errorf("a refused netem shape changed the link: %+v", got)
		}
		t.Logf("this kernel has no netem: %v", err)
		return
	}
	must(t, err)
	got, err := a.c.ShapeGet("a0")
	must(t, err)
	kept, _ := s.Kept(1500)
	if tc := tcShape(t, a.name, "a0"); !sameShape(got, tc) || !sameShape(got, kept) {
		t.Errorf("netem:\n got  %+v\n tc   %+v\n kept %+v", got, tc, kept)
	}
	must(t, a.c.ShapeSet("a0", netconf.Shape{Delay: 40 * time.Millisecond}))
	l := listenIn(t, b.fd, "10.201.0.2:5001")
	go func() {
		if c, err := l.Accept(); err == nil {
			c.Close()
		}
	}()
	start := time.Now()
	dialIn(t, a.fd, "10.201.0.2:5001")
	if rtt := time.Since(start); rtt < 40*time.Millisecond {
		t.Errorf("TCP handshake over a 40ms delay took %v", rtt)
	}
}

// TestShapeThroughput measures a TCP transfer through a veth shaped at
// 10mbit, and unshaped.
func TestShapeThroughput(t *testing.T) {
	a, b := shapedPair(t)
	free := transfer(t, a.fd, b.fd, "10.201.0.2:5002", 20<<20)
	for _, rate := range []uint64{10_000_000, 40_000_000} {
		must(t, a.c.ShapeSet("a0", netconf.Shape{Rate: rate}))
		n := int(rate / 8) // about a second's worth
		got := transfer(t, a.fd, b.fd, fmt.Sprintf("10.201.0.2:%d", 5003+rate/10_000_000), n)
		t.Logf("shaped at %s: measured %.2f Mbit/s (%.0f%%)", netconf.FormatRate(rate), got/1e6, 100*got/float64(rate))
		if got < 0.5*float64(rate) || got > 1.3*float64(rate) {
			t.Errorf("shaped at %d bit/s, measured %.0f bit/s", rate, got)
		}
	}
	t.Logf("unshaped: %.0f Mbit/s", free/1e6)
	if free < 10*40_000_000 {
		t.Errorf("unshaped transfer only %.0f bit/s", free)
	}
}
