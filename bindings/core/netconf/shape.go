//go:build linux

package netconf

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Shape is the traffic shaping of a link's egress, in the terms of
// tc-tbf(8) and tc-netem(8). The zero Shape is no shaping.
//
// Layout (the way tc users stack them): a rate makes a tbf qdisc the root
// (handle 1:); netem, when any of Delay, Jitter, Loss, Duplicate or Reorder
// is set, is its child (parent 1:1, handle 10:), so packets are delayed,
// dropped or duplicated first and the survivors leave at the rate. Without
// a rate netem is the root itself. Limit without netem is a pfifo queue
// (handle 20:) in the same place. The kernel keeps the rate in whole bytes
// per second and times in 64 ns ticks, so ShapeGet reads back what the
// kernel kept, which is what `tc -j qdisc show` reports.
type Shape struct {
	Rate      uint64        // bits per second (a multiple of 8); 0: no rate limit
	Burst     uint32        // bytes the token bucket holds; 0 with Rate: rate/100 or one packet, the larger
	Delay     time.Duration // added delay
	Jitter    time.Duration // random variation of the delay (needs Delay)
	Loss      float64       // percent of packets dropped, 0-100
	Duplicate float64       // percent of packets sent twice, 0-100
	Reorder   float64       // percent of packets sent at once, ahead of delayed ones (needs Delay)
	Limit     uint32        // queue length in packets; 0: netem's 1000, or tbf's byte queue
}

// Zero reports whether s shapes nothing.
func (s Shape) Zero() bool { return s == Shape{} }

// netem reports whether s needs the netem qdisc.
func (s Shape) netem() bool {
	return s.Delay != 0 || s.Jitter != 0 || s.Loss != 0 || s.Duplicate != 0 || s.Reorder != 0
}

// kinds lists the qdiscs s is made of, root first.
func (s Shape) kinds() []string {
	var out []string
	if s.Rate > 0 {
		out = append(out, "tbf")
	}
	switch {
	case s.netem():
		out = append(out, "netem")
	case s.Limit > 0:
		out = append(out, "pfifo")
	}
	return out
}

// String renders s in tc's words, such as "rate 10Mbit burst 12500b delay
// 20ms loss 1%"; "none" for the zero Shape.
func (s Shape) String() string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if s.Rate > 0 {
		add("rate %s", FormatRate(s.Rate))
	}
	if s.Burst > 0 {
		add("burst %db", s.Burst)
	}
	if s.Delay > 0 {
		add("delay %s", FormatTime(s.Delay))
	}
	if s.Jitter > 0 {
		add("jitter %s", FormatTime(s.Jitter))
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"loss", s.Loss}, {"duplicate", s.Duplicate}, {"reorder", s.Reorder}} {
		if p.v > 0 {
			add("%s %g%%", p.name, p.v)
		}
	}
	if s.Limit > 0 {
		add("limit %d", s.Limit)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// check refuses a Shape the kernel would refuse, or take in a way its
// user did not mean; frame is the largest frame the link sends (MTU plus
// the Ethernet header).
func (s Shape) check(op, dev string, frame uint32) error {
	bad := func(format string, args ...any) error { return invalid(op, dev, format, args...) }
	switch {
	case s.Rate%8 != 0:
		return bad("rate %dbit is not whole bytes per second", s.Rate)
	case s.Rate >= 1<<61:
		return bad("rate %dbit too large", s.Rate)
	case s.Burst > 0 && s.Rate == 0:
		return bad("burst needs a rate")
	case s.Rate > 0 && s.Burst > 0 && s.Burst < frame:
		return bad("burst %d bytes is less than one full-size frame (%d bytes): such frames would be dropped", s.Burst, frame)
	case s.Jitter > 0 && s.Delay == 0:
		return bad("jitter needs a delay")
	case s.Reorder > 0 && s.Delay == 0:
		return bad("reorder needs a delay")
	case s.Delay < 0 || s.Jitter < 0 || s.Delay > MaxTime || s.Jitter > MaxTime:
		return bad("delay and jitter must be within 0-%v", MaxTime)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"loss", s.Loss}, {"duplicate", s.Duplicate}, {"reorder", s.Reorder}} {
		if !(p.v >= 0 && p.v <= 100) {
			return bad("%s %g%% out of range 0-100", p.name, p.v)
		}
	}
	return nil
}

// withDefaults fills in the burst a rate needs when none was given.
func (s Shape) withDefaults(frame uint32) Shape {
	if s.Rate > 0 && s.Burst == 0 {
		s.Burst = uint32(min(uint64(math.MaxUint32), max(s.Rate/8/100, uint64(frame))))
	}
	return s
}
