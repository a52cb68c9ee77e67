//go:build linux

package netconf

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// The handles Shape's qdiscs carry: one per kind, so replacing one kind by
// another never meets a qdisc of another kind under the same handle.
var (
	tbfHandle   = netlink.MakeHandle(1, 0)
	netemHandle = netlink.MakeHandle(0x10, 0)
	fifoHandle  = netlink.MakeHandle(0x20, 0)
)

// tbfLatency is how long a packet may wait in tbf's own queue (used when
// no child queue is set), as tc's `latency`.
const tbfLatency = 50 * time.Millisecond

// ShapeSet replaces the shaping of link dev's egress by s, as
// `tc qdisc replace dev DEV root …` does (see Shape for the layout); the
// zero Shape removes it, as ShapeDel. A qdisc kind the kernel lacks fails
// before anything changes, with an error wrapping ErrUnsupported.
func (c *Conn) ShapeSet(dev string, s Shape) error {
	const op = "link shape"
	l, err := c.link(op, dev)
	if err != nil {
		return err
	}
	frame := uint32(l.Attrs().MTU) + 14
	if err := s.check(op, dev, frame); err != nil {
		return err
	}
	if s.Zero() {
		return c.ShapeDel(dev)
	}
	want := s.kinds()
	for _, k := range want {
		if err := QdiscSupported(k); err != nil {
			return &Error{Op: op, Name: dev, Err: err}
		}
	}
	s = s.withDefaults(frame)
	index := l.Attrs().Index
	have, root, err := c.shapeTree(index)
	if err != nil {
		return fail(op, dev, err)
	}
	if !slices.Equal(have, want) && root != nil && root.Attrs().Handle != 0 {
		// Another layout: start afresh (tbf cannot drop a child again).
		if err := c.h.QdiscDel(root); err != nil && !errors.Is(err, unix.ENOENT) {
			return fail(op, dev, err)
		}
	}
	if err := c.shapeApply(index, s); err != nil {
		return fail(op, dev, err)
	}
	return nil
}

// shapeApply replaces the qdiscs of s, root first (replacing tbf resets
// the limit of a fifo child, so the child comes after it).
func (c *Conn) shapeApply(index int, s Shape) error {
	parent := uint32(netlink.HANDLE_ROOT)
	if s.Rate > 0 {
		tbf, err := tbfOf(index, s)
		if err != nil {
			return err
		}
		if err := c.h.QdiscReplace(tbf); err != nil {
			return err
		}
		parent = netlink.MakeHandle(1, 1)
	}
	switch {
	case s.netem():
		return c.h.QdiscReplace(netemOf(index, parent, s))
	case s.Limit > 0:
		return c.fifoReplace(index, parent, fifoHandle, s.Limit)
	}
	return nil
}

// tbfOf builds the tbf qdisc for s's rate and burst.
func tbfOf(index int, s Shape) (*netlink.Tbf, error) {
	bytes := s.Rate / 8
	us := math.Floor(1e6 * float64(s.Burst) / float64(bytes))
	ticks := math.Floor(us * netlink.TickInUsec())
	if ticks > math.MaxUint32 {
		return nil, &detailErr{"burst " + strconv.FormatUint(uint64(s.Burst), 10) +
			" bytes lasts too long at rate " + FormatRate(s.Rate), ErrInvalid}
	}
	limit := uint64(s.Burst) + uint64(float64(bytes)*tbfLatency.Seconds())
	return &netlink.Tbf{
		QdiscAttrs: netlink.QdiscAttrs{LinkIndex: index, Parent: netlink.HANDLE_ROOT, Handle: tbfHandle},
		Rate:       bytes,
		Buffer:     uint32(ticks),
		Limit:      uint32(min(limit, math.MaxUint32)),
	}, nil
}

// netemOf builds the netem qdisc for s under parent.
func netemOf(index int, parent uint32, s Shape) *netlink.Netem {
	n := &netlink.Netem{
		QdiscAttrs:  netlink.QdiscAttrs{LinkIndex: index, Parent: parent, Handle: netemHandle},
		Latency:     toTicks(s.Delay),
		Jitter:      toTicks(s.Jitter),
		Loss:        toProb(s.Loss),
		Duplicate:   toProb(s.Duplicate),
		ReorderProb: toProb(s.Reorder),
		Limit:       s.Limit,
	}
	if n.Limit == 0 {
		n.Limit = 1000 // tc's default
	}
	if n.ReorderProb > 0 {
		n.Gap = 1 // as tc: reorder every packet that the probability picks
	}
	return n
}

// toTicks converts a time to the kernel's psched ticks, rounding down to
// whole microseconds first, as tc does.
func toTicks(d time.Duration) uint32 {
	return uint32(math.Floor(float64(d/time.Microsecond) * netlink.TickInUsec()))
}

// fromTicks converts psched ticks back to a time.
func fromTicks(t uint32) time.Duration {
	return time.Duration(math.Round(float64(t) / netlink.TickInUsec() * 1000))
}

// toProb scales a percentage to the kernel's 32-bit fraction, as tc does.
func toProb(p float64) uint32 { return uint32(math.Round(p / 100 * math.MaxUint32)) }

// fromProb scales the kernel's fraction back to a percentage with the six
// significant digits tc prints.
func fromProb(u uint32) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(u)/math.MaxUint32*100, 'g', 6, 64), 64)
	return v
}

// ShapeGet reads the shaping of link dev's egress back from the kernel:
// the zero Shape when its root qdisc is none of tbf, netem and pfifo.
// Burst is what the kernel kept (tc's "burst"), which can be a little
// less than what was set.
func (c *Conn) ShapeGet(dev string) (Shape, error) {
	const op = "link shape"
	l, err := c.link(op, dev)
	if err != nil {
		return Shape{}, err
	}
	index := l.Attrs().Index
	qs, err := c.h.QdiscList(l)
	if err != nil {
		return Shape{}, fail(op, dev, err)
	}
	var s Shape
	root := rootOf(qs)
	if root == nil {
		return s, nil
	}
	readOne := func(q netlink.Qdisc) error { return c.readQdisc(index, q, &s) }
	if err := readOne(root); err != nil {
		return Shape{}, fail(op, dev, err)
	}
	if _, ok := root.(*netlink.Tbf); ok {
		if child := childOf(qs, root); child != nil {
			if err := readOne(child); err != nil {
				return Shape{}, fail(op, dev, err)
			}
		}
	}
	return s, nil
}

// readQdisc adds what q says to s.
func (c *Conn) readQdisc(index int, q netlink.Qdisc, s *Shape) error {
	switch q := q.(type) {
	case *netlink.Tbf:
		s.Rate = q.Rate * 8
		us := math.Floor(float64(q.Buffer) / netlink.TickInUsec())
		s.Burst = uint32(float64(q.Rate) * us / 1e6)
	case *netlink.Netem:
		s.Delay, s.Jitter = fromTicks(q.Latency), fromTicks(q.Jitter)
		s.Loss, s.Duplicate, s.Reorder = fromProb(q.Loss), fromProb(q.Duplicate), fromProb(q.ReorderProb)
		s.Limit = q.Limit
	case *netlink.GenericQdisc:
		if q.QdiscType == "pfifo" {
			limit, err := c.fifoLimit(index, q.Attrs().Handle)
			if err != nil {
				return err
			}
			s.Limit = limit
		}
	}
	return nil
}

// rootOf finds the root qdisc among qs.
func rootOf(qs []netlink.Qdisc) netlink.Qdisc {
	for _, q := range qs {
		if q.Attrs().Parent == netlink.HANDLE_ROOT {
			return q
		}
	}
	return nil
}

// childOf finds the qdisc in the first class of root.
func childOf(qs []netlink.Qdisc, root netlink.Qdisc) netlink.Qdisc {
	major, _ := netlink.MajorMinor(root.Attrs().Handle)
	for _, q := range qs {
		if q.Attrs().Parent == netlink.MakeHandle(major, 1) {
			return q
		}
	}
	return nil
}

// shapeTree lists the kinds of the shaping qdiscs on link index, root
// first, and returns the root qdisc.
func (c *Conn) shapeTree(index int) ([]string, netlink.Qdisc, error) {
	qs, err := c.h.QdiscList(&netlink.Device{LinkAttrs: netlink.LinkAttrs{Index: index}})
	if err != nil {
		return nil, nil, err
	}
	root := rootOf(qs)
	if root == nil {
		return nil, nil, nil
	}
	kinds := []string{kindOf(root)}
	if child := childOf(qs, root); child != nil && kinds[0] == "tbf" {
		kinds = append(kinds, kindOf(child))
	}
	return kinds, root, nil
}

// kindOf names q's kind, also for kinds netlink does not decode.
func kindOf(q netlink.Qdisc) string {
	if g, ok := q.(*netlink.GenericQdisc); ok {
		return g.QdiscType
	}
	return q.Type()
}

// Kept returns what the kernel keeps of s on a link with that MTU: ShapeGet
// after ShapeSet(s) reports s.Kept(mtu). Defaults are filled in (burst,
// netem's limit of 1000) and values rounded to the kernel's units.
func (s Shape) Kept(mtu int) (Shape, error) {
	frame := uint32(mtu) + 14
	if err := s.check("link shape", "", frame); err != nil {
		return Shape{}, err
	}
	s = s.withDefaults(frame)
	var k Shape
	c := &Conn{}
	if s.Rate > 0 {
		tbf, err := tbfOf(0, s)
		if err != nil {
			return Shape{}, err
		}
		c.readQdisc(0, tbf, &k)
	}
	if s.netem() {
		c.readQdisc(0, netemOf(0, 0, s), &k)
	} else {
		k.Limit = s.Limit
	}
	return k, nil
}

// ShapeDel removes the shaping of link dev, as `tc qdisc del dev DEV root`
// does, when its root qdisc is one Shape makes (tbf, netem or pfifo); the
// kernel then gives the link its default queue again. A link with no such
// qdisc is left alone, and that is not an error.
func (c *Conn) ShapeDel(dev string) error {
	const op = "link shape"
	l, err := c.link(op, dev)
	if err != nil {
		return err
	}
	kinds, root, err := c.shapeTree(l.Attrs().Index)
	if err != nil {
		return fail(op, dev, err)
	}
	if root == nil || root.Attrs().Handle == 0 || !slices.Contains([]string{"tbf", "netem", "pfifo"}, kinds[0]) {
		return nil
	}
	if err := c.h.QdiscDel(root); err != nil && !errors.Is(err, unix.ENOENT) {
		return fail(op, dev, err)
	}
	return nil
}
