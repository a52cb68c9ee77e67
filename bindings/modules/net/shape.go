//go:build linux

package net

import (
	"strconv"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// shapeField declares one shaping field: a string in tc's words or a
// number (bits per second, bytes, microseconds or percent, as tc reads a
// bare number).
func shapeField(name, doc string) vocab.Opt {
	return vocab.Opt{Name: name, Kind: vocab.Any, Doc: doc}
}

// linkShapeOpts declares link.shape's table: the shaping fields and ns=.
// topo reads the same fields on its links through ShapeOf.
var linkShapeOpts = &vocab.OptSet{Func: "link.shape", Arg: 2, Opts: []vocab.Opt{
	nsOpt,
	shapeField("rate", "the egress rate (tbf): \"10mbit\", \"1gbit\", \"500kbit\", or bits per second"),
	shapeField("burst", "bytes the token bucket holds (\"32kb\", 15000); default rate/100, at least one frame"),
	shapeField("delay", "added delay (netem): \"20ms\", \"1s\", or microseconds"),
	shapeField("jitter", "random variation of the delay (netem; needs delay)"),
	shapeField("loss", "percent of packets dropped (netem): 1 or \"1%\""),
	shapeField("duplicate", "percent of packets sent twice (netem)"),
	shapeField("reorder", "percent of packets sent ahead of delayed ones (netem; needs delay)"),
	{Name: "limit", Kind: vocab.Int, Doc: "the queue length in packets"},
}}

var linkUnshapeOpts = nsOnly("link.unshape", 2)

// shapeFuncs are link.shape and link.unshape.
var shapeFuncs = []vocab.Func{
	{Name: "shape", Args: "(dev [, {rate=, burst=, delay=, jitter=, loss=, duplicate=, reorder=, limit=, ns=}])",
		Returns: "record", Fn: linkShape, Opts: linkShapeOpts,
		Doc: "Sets the egress shaping of a link when the table has shaping fields (replacing all of it: a field " +
			"left out is unset), and returns the shaping the kernel keeps, as `{rate=, burst=, delay=, jitter=, " +
			"loss=, duplicate=, reorder=, limit=}` (empty when none); without shaping fields it only reads.",
		Equiv: "tc qdisc replace dev DEV root tbf rate R burst B latency 50ms; tc -j qdisc show dev DEV",
		Example: `local lab = "ex-shape-" .. math.random(1e6)
netns.add(lab)
link.add{ns = lab, name = "v0", type = "veth", peer = "v1", up = true}
local s = link.shape("v0", {ns = lab, rate = "10mbit"})
print(s.rate, s.burst)
print(link.shape("v0", {ns = lab}).rate)
link.unshape("v0", {ns = lab})
print(next(link.shape("v0", {ns = lab})))
netns.del(lab)`},
	{Name: "unshape", Args: "(dev [, {ns=}])", Fn: linkUnshape, Opts: linkUnshapeOpts,
		Doc:   "Removes the shaping link.shape set, giving the link its default queue again; a link without it is left alone.",
		Equiv: "tc qdisc del dev DEV root",
		Example: `local lab = "ex-unshape-" .. math.random(1e6)
netns.add(lab)
link.add{ns = lab, name = "v0", type = "veth", peer = "v1"}
link.shape("v0", {ns = lab, rate = "1mbit"})
link.unshape("v0", {ns = lab})
print(link.shape("v0", {ns = lab}).rate)
netns.del(lab)`},
}

// ShapeOf reads the shaping fields of table tb (nil: none) into a Shape,
// refusing a malformed value as misuse of option field of argument arg of
// op. It returns whether any shaping field was given.
func ShapeOf(L *lua.LState, op string, arg int, tb *lua.LTable) (netconf.Shape, bool) {
	fields := map[string]string{}
	for _, name := range netconf.ShapeFields {
		var v lua.LValue = lua.LNil
		if tb != nil {
			v = tb.RawGetString(name)
		}
		switch v := v.(type) {
		case lua.LString:
			fields[name] = string(v)
		case lua.LNumber:
			fields[name] = strconv.FormatFloat(float64(v), 'f', -1, 64)
		case *lua.LNilType:
		default:
			vocab.OptionError(L, op, arg, name, "option '"+name+"' must be a string or a number, got "+vocab.TypeName(v))
		}
	}
	for name, v := range fields { // one at a time, to name the bad one
		if _, err := netconf.ParseShape(map[string]string{name: v}); err != nil {
			vocab.OptionError(L, op, arg, name, "option '"+name+"': "+strings.TrimPrefix(err.Error(), name+": "))
		}
	}
	s, _ := netconf.ParseShape(fields)
	return s, len(fields) > 0
}

// ShapeRecord is the Lua record of a Shape: rate, delay and jitter in tc's
// words, burst in bytes, loss, duplicate and reorder in percent, limit in
// packets; fields not set are absent.
func ShapeRecord(L *lua.LState, s netconf.Shape) *lua.LTable {
	t := L.CreateTable(0, 8)
	if s.Rate > 0 {
		t.RawSetString("rate", lua.LString(netconf.FormatRate(s.Rate)))
	}
	if s.Burst > 0 {
		t.RawSetString("burst", lua.LNumber(s.Burst))
	}
	if s.Delay > 0 {
		t.RawSetString("delay", lua.LString(netconf.FormatTime(s.Delay)))
	}
	if s.Jitter > 0 {
		t.RawSetString("jitter", lua.LString(netconf.FormatTime(s.Jitter)))
	}
	for name, v := range map[string]float64{"loss": s.Loss, "duplicate": s.Duplicate, "reorder": s.Reorder} {
		if v > 0 {
			t.RawSetString(name, lua.LNumber(v))
		}
	}
	if s.Limit > 0 {
		t.RawSetString("limit", lua.LNumber(s.Limit))
	}
	return t
}

// linkShape is link.shape(dev [, {…}]).
func linkShape(L *lua.LState) int {
	dev := vocab.CheckIfName(L, 1)
	o := linkShapeOpts.Read(L, true)
	s, set := ShapeOf(L, "link.shape", 2, o.T)
	n := vocab.NetOf(L, where(linkShapeOpts, "ns"), o.Get("ns"))
	defer n.Close()
	if set {
		if err := n.Conn.ShapeSet(dev, s); err != nil {
			return n.Fail(L, "link.shape", 2, err)
		}
	}
	got, err := n.Conn.ShapeGet(dev)
	if err != nil {
		return n.Fail(L, "link.shape", 1, err)
	}
	L.Push(ShapeRecord(L, got))
	return 1
}

// linkUnshape is link.unshape(dev [, {ns=}]).
func linkUnshape(L *lua.LState) int {
	dev := vocab.CheckIfName(L, 1)
	o := linkUnshapeOpts.Read(L, true)
	n := vocab.NetOf(L, where(linkUnshapeOpts, "ns"), o.Get("ns"))
	defer n.Close()
	if err := n.Conn.ShapeDel(dev); err != nil {
		return n.Fail(L, "link.unshape", 1, err)
	}
	return 0
}
