//go:build linux

package topo

import (
	"errors"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	nsnet "github.com/nsh-lua/nsh/bindings/modules/net"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// topoShape is topo._shape(link): it reads the shaping fields of a spec's
// link (link.shape's fields), and returns them as link.shape takes them,
// in tc's words, or nil when the link has none. A malformed value, a
// combination the kernel refuses, or a qdisc this kernel lacks returns
// nil and the reason, so that topo.up refuses the spec before it makes
// anything.
func topoShape(L *lua.LState) int {
	tb := L.CheckTable(1)
	var s netconf.Shape
	var set bool
	msg := catch(L, func() { s, set = nsnet.ShapeOf(L, "topo.up", 1, tb) })
	if msg == "" && set {
		msg = shapeProblem(s)
	}
	if msg != "" {
		L.Push(lua.LNil)
		L.Push(lua.LString(msg))
		return 2
	}
	if !set {
		return 0
	}
	rec := nsnet.ShapeRecord(L, s)
	if s.Burst == 0 {
		rec.RawSetString("burst", lua.LNil) // the default stays the kernel's choice per link MTU
	}
	L.Push(rec)
	return 1
}

// shapeProblem says why s cannot be set on a link of the default MTU, or
// "" when it can.
func shapeProblem(s netconf.Shape) string {
	if _, err := s.Kept(1500); err != nil {
		var ne *netconf.Error
		if errors.As(err, &ne) {
			err = ne.Err
		}
		return err.Error()
	}
	kinds := []string{}
	if s.Rate > 0 {
		kinds = append(kinds, "tbf")
	}
	if s.Delay != 0 || s.Jitter != 0 || s.Loss != 0 || s.Duplicate != 0 || s.Reorder != 0 {
		kinds = append(kinds, "netem")
	} else if s.Limit > 0 {
		kinds = append(kinds, "pfifo")
	}
	for _, k := range kinds {
		if err := netconf.QdiscSupported(k); err != nil {
			return err.Error()
		}
	}
	return ""
}

// catch runs f and returns the message of the error value it raises, or
// "" when it does not raise.
func catch(L *lua.LState, f func()) (msg string) {
	fn := L.NewFunction(func(L *lua.LState) int { f(); return 0 })
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		var api *lua.ApiError
		if errors.As(err, &api) {
			if e, ok := vocab.AsError(api.Object); ok {
				m := strings.TrimPrefix(e.Err.Error(), "option ")
				if strings.HasPrefix(m, "'") { // 'rate': … reads rate: …
					m = strings.Replace(m[1:], "'", "", 1)
				}
				return m
			}
			return api.Object.String()
		}
		return err.Error()
	}
	return ""
}
