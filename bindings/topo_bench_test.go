//go:build linux

package bindings

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
	lua "github.com/yuin/gopher-lua"
)

// w2Spec builds the W2 lab in Lua: n hosts, each joined to the shell's own
// namespace by a veth pair with a /30 on each end (10.215.0.0/16).
const w2Spec = `
local n, prefix = N, PREFIX
local hosts, links = {}, {}
for i = 1, n do
  local base = 4 * (i - 1)
  hosts[i] = "h" .. i
  links[i] = {"host", "h" .. i, ip = {
    string.format("10.215.%d.%d/30", math.floor(base / 256), base % 256 + 1),
    string.format("10.215.%d.%d/30", math.floor(base / 256), base % 256 + 2)}}
end
mark()
local t = topo.up{prefix = prefix, hosts = hosts, links = links}
mark()
t:down()
mark()`

// BenchmarkTopoW2 times W2 (see scripts/bench/topo_w2.sh) inside one
// runtime, reporting the build and the teardown per host separately:
//
//	go test ./bindings -run '^$' -bench TopoW2 -benchtime 3x
func BenchmarkTopoW2(b *testing.B) {
	testutil.RequireRoot(b)
	const n = 200
	rt := newTestRuntime(b, nil)
	var marks []time.Time
	rt.Do(context.Background(), func(L *lua.LState) error {
		L.SetGlobal("mark", L.NewFunction(func(*lua.LState) int { marks = append(marks, time.Now()); return 0 }))
		return nil
	})
	var up, down time.Duration
	for i := 0; i < b.N; i++ {
		marks = marks[:0]
		code := fmt.Sprintf("N, PREFIX = %d, %q\n%s", n, testutil.Name(b)+"-", w2Spec)
		if err := rt.DoString(context.Background(), code, "w2"); err != nil {
			b.Fatal(err)
		}
		up += marks[1].Sub(marks[0])
		down += marks[2].Sub(marks[1])
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N*n) }
	b.ReportMetric(per(up), "ms/host-up")
	b.ReportMetric(per(down), "ms/host-down")
	b.ReportMetric(per(up+down), "ms/host")
}
