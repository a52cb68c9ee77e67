//go:build linux

package bindings

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	lua "github.com/yuin/gopher-lua"
)

// spawnOptions are the option names ns.spawn, ns.run and ns.clone accept.
var spawnOptions = []string{"new", "join", "types", "uid_map", "gid_map", "map_root", "setgroups",
	"hostname", "mount_proc", "propagation", "time", "cgroup", "root", "dir", "env",
	"stdin", "stdout", "stderr", "kill_on_exit", "setpgid"}

// spawnReq is a Spec read from Lua plus what must be released after the
// child started (files it opened, handles of a pid target).
type spawnReq struct {
	spec   spawn.Spec
	files  []*os.File
	target *nsTarget
	// capture marks the streams (stdin, stdout, stderr) whose mode is
	// "capture": ns.run collects them into its result.
	capture [3]bool
}

func (r *spawnReq) release() {
	for _, f := range r.files {
		f.Close()
	}
	if r.target != nil {
		r.target.Close()
	}
	for _, h := range r.spec.Base {
		h.Close()
	}
}

// optReader reads named options from the table at argument n.
type optReader struct {
	L  *lua.LState
	n  int
	tb *lua.LTable
}

func (o optReader) fail(key, msg string) {
	o.L.ArgError(o.n, fmt.Sprintf("option '%s': %s", key, msg))
}

func (o optReader) str(key string) string {
	switch v := o.tb.RawGetString(key).(type) {
	case *lua.LNilType:
		return ""
	case lua.LString:
		return string(v)
	default:
		o.fail(key, "string expected, got "+v.Type().String())
	}
	return ""
}

func (o optReader) boolean(key string, def bool) bool {
	switch v := o.tb.RawGetString(key).(type) {
	case *lua.LNilType:
		return def
	case lua.LBool:
		return bool(v)
	default:
		o.fail(key, "boolean expected, got "+v.Type().String())
	}
	return def
}

func (o optReader) table(key string) *lua.LTable {
	switch v := o.tb.RawGetString(key).(type) {
	case *lua.LNilType:
		return nil
	case *lua.LTable:
		return v
	default:
		o.fail(key, "table expected, got "+v.Type().String())
	}
	return nil
}

var validOption = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range spawnOptions {
		m[k] = true
	}
	return m
}()

// checkUnknown refuses keys that are neither array entries nor options.
func (o optReader) checkUnknown() {
	valid := validOption
	var bad []string
	o.tb.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); ok && !valid[string(s)] {
			bad = append(bad, string(s))
		}
	})
	if len(bad) > 0 {
		sort.Strings(bad)
		o.L.ArgError(o.n, fmt.Sprintf("unknown option '%s': must be one of %s", bad[0], strings.Join(spawnOptions, ", ")))
	}
}

// checkSpawnOpts reads argument n as ns.spawn options. withArgv says the
// array part is the command (ns.spawn, ns.run), else namespace types to
// create (ns.clone); defaults are the stdin, stdout, stderr modes. On a Lua error nothing is left open: every resource is
// acquired after all checks that can raise.
func checkSpawnOpts(L *lua.LState, n int, withArgv bool, defaults [3]string) *spawnReq {
	tb := L.CheckTable(n)
	o := optReader{L, n, tb}
	o.checkUnknown()
	req := &spawnReq{}
	s := &req.spec
	if withArgv {
		s.Argv = argvOf(L, n, tb)
	} else {
		s.New = typeList(L, n, tb, "")
	}
	if nt := tb.RawGetString("new"); nt != lua.LNil {
		ntb, ok := nt.(*lua.LTable)
		if !ok {
			o.fail("new", "list of namespace types expected, got "+nt.Type().String())
		}
		s.New = append(s.New, typeList(L, n, ntb, "option 'new': ")...)
	}
	s.UIDMap, s.GIDMap = idMap(o, "uid_map"), idMap(o, "gid_map")
	s.MapRoot, s.Setgroups = o.boolean("map_root", false), o.str("setgroups")
	s.Hostname, s.MountProc = o.str("hostname"), o.boolean("mount_proc", false)
	s.Propagation, s.Cgroup = o.str("propagation"), o.str("cgroup")
	s.Root, s.Dir = o.str("root"), o.str("dir")
	s.KillOnExit, s.Setpgid = o.boolean("kill_on_exit", true), o.boolean("setpgid", false)
	s.Time = timeOffsets(o)
	s.Env = envOf(o)
	modes := stdioModes(o, defaults)
	var types []nsfs.Type
	if tt := o.table("types"); tt != nil {
		types = typeList(L, n, tt, "option 'types': ")
		if types == nil {
			types = []nsfs.Type{}
		}
	}
	if jv := tb.RawGetString("join"); jv != lua.LNil {
		req.target = targetOf(L, jv, types, "join", func(msg string) { o.fail("join", msg) })
		s.Join = req.target.hs
	} else if types != nil {
		o.fail("types", "picks the namespaces of join = pid, but join is not given")
	}
	if err := openStdio(L, req, modes); err != nil {
		req.release()
		Raise(L, "ns.spawn", "", err)
	}
	return req
}

func argvOf(L *lua.LState, n int, tb *lua.LTable) []string {
	var argv []string
	for i := 1; i <= tb.Len(); i++ {
		v := tb.RawGetInt(i)
		switch v.(type) {
		case lua.LString, lua.LNumber:
			argv = append(argv, v.String())
		default:
			L.ArgError(n, fmt.Sprintf("argv[%d]: string expected, got %s", i, v.Type()))
		}
	}
	if len(argv) == 0 {
		L.ArgError(n, "no command given: put the command and its arguments at [1], [2], …")
	}
	return argv
}

func idMap(o optReader, key string) []spawn.IDMap {
	tb := o.table(key)
	if tb == nil {
		return nil
	}
	var out []spawn.IDMap
	for i := 1; i <= tb.Len(); i++ {
		line, ok := tb.RawGetInt(i).(*lua.LTable)
		if !ok || line.Len() != 3 {
			o.fail(key, fmt.Sprintf("line %d: {inside, outside, count} expected", i))
		}
		var f [3]int
		for j := range f {
			num, ok := line.RawGetInt(j + 1).(lua.LNumber)
			if !ok || float64(num) != math.Trunc(float64(num)) || math.Abs(float64(num)) > 1<<53 {
				o.fail(key, fmt.Sprintf("line %d: {inside, outside, count} must be integers", i))
			}
			f[j] = int(num)
		}
		out = append(out, spawn.IDMap{Inside: f[0], Outside: f[1], Count: f[2]})
	}
	return out
}

// maxOffset bounds a clock offset in seconds (≈ 290 years) so that it
// fits a time.Duration; NaN and the infinities are refused too.
const maxOffset = 9e9

func timeOffsets(o optReader) *spawn.TimeOffsets {
	tb := o.table("time")
	if tb == nil {
		return nil
	}
	off := &spawn.TimeOffsets{}
	var bad string
	tb.ForEach(func(k, v lua.LValue) {
		num, ok := v.(lua.LNumber)
		if !ok {
			bad = fmt.Sprintf("%s: seconds expected, got %s", k, v.Type())
			return
		}
		// time.Duration holds ±292 years; the kernel refuses far less.
		if f := float64(num); math.IsNaN(f) || math.Abs(f) > maxOffset {
			bad = fmt.Sprintf("%s: %v seconds is out of range (at most ±%g)", k, f, maxOffset)
			return
		}
		d := time.Duration(float64(num) * float64(time.Second))
		switch k.String() {
		case "monotonic":
			off.Monotonic = d
		case "boottime":
			off.Boottime = d
		default:
			bad = fmt.Sprintf("unknown clock '%s': must be monotonic or boottime", k)
		}
	})
	if bad != "" {
		o.fail("time", bad)
	}
	return off
}

// envOf reads env as a list of "K=V" strings or a {K=V} table.
func envOf(o optReader) []string {
	tb := o.table("env")
	if tb == nil {
		return nil
	}
	env := []string{}
	for i := 1; i <= tb.Len(); i++ {
		s, ok := tb.RawGetInt(i).(lua.LString)
		if !ok || !strings.Contains(string(s), "=") {
			o.fail("env", fmt.Sprintf("[%d]: \"KEY=value\" string expected", i))
		}
		env = append(env, string(s))
	}
	var keys []string
	tb.ForEach(func(k, v lua.LValue) {
		if ks, ok := k.(lua.LString); ok {
			keys = append(keys, string(ks))
		}
	})
	sort.Strings(keys)
	for _, k := range keys {
		v := tb.RawGetString(k)
		if v.Type() != lua.LTString && v.Type() != lua.LTNumber {
			o.fail("env", fmt.Sprintf("%s: string expected, got %s", k, v.Type()))
		}
		env = append(env, k+"="+v.String())
	}
	return env
}
