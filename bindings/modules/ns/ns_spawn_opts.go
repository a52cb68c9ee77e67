//go:build linux

package ns

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// SpawnOpts declares the options ns.spawn, ns.run, ns.clone and
// netns.exec take: the one place to add a spawn option (then read it in
// ReadSpawn and carry it in spawn.Spec).
func SpawnOpts(fn string, arg int, array string) *vocab.OptSet {
	return &vocab.OptSet{Func: fn, Arg: arg, Array: array, Opts: []vocab.Opt{
		{Name: "new", Kind: vocab.Strings, Doc: "namespace types to create"},
		{Name: "join", Kind: vocab.Namespace, Doc: "namespaces to join (any namespace form), user namespace first"},
		{Name: "types", Kind: vocab.Strings, Doc: "with join = pid: which of its namespaces to join"},
		{Name: "uid_map", Kind: vocab.Table, Doc: "{{inside, outside, count}…} for a new user namespace"},
		{Name: "gid_map", Kind: vocab.Table, Doc: "{{inside, outside, count}…} for a new user namespace"},
		{Name: "map_root", Kind: vocab.Bool, Doc: "map root inside to the caller's uid and gid"},
		{Name: "setgroups", Kind: vocab.String, Doc: "\"allow\" or \"deny\""},
		{Name: "hostname", Kind: vocab.Name, MaxLen: 64, Doc: "the hostname in a new uts namespace"},
		{Name: "mount_proc", Kind: vocab.Bool, Doc: "mount a fresh /proc (with new pid and mnt namespaces)"},
		{Name: "propagation", Kind: vocab.String, Doc: "private (default), slave, shared or unchanged for a new mnt namespace"},
		{Name: "time", Kind: vocab.Table, Doc: "{monotonic = s, boottime = s} offsets for a new time namespace"},
		{Name: "cgroup", Kind: vocab.Name, Doc: "the cgroup directory to start the child in"},
		{Name: "root", Kind: vocab.Name, Doc: "the root directory (chroot)"},
		{Name: "dir", Kind: vocab.Name, Doc: "the working directory"},
		{Name: "env", Kind: vocab.Table, Doc: "the environment: {\"K=V\"…} or {K = V}"},
		{Name: "stdin", Kind: vocab.Name, Doc: "\"inherit\" (default), \"pipe\" (ns.spawn), \"null\" or a file path"},
		{Name: "stdout", Kind: vocab.Name, Doc: "\"inherit\" (default), \"pipe\" (ns.spawn: a stream; ns.run: captured), \"null\" or a file path"},
		{Name: "stderr", Kind: vocab.Name, Doc: "\"inherit\" (default), \"pipe\" (ns.spawn: a stream; ns.run: captured), \"null\" or a file path"},
		{Name: "capture", Kind: vocab.Bool, Doc: "ns.run and netns.exec: collect stdout and stderr as strings in the result instead of letting them through"},
		{Name: "kill_on_exit", Kind: vocab.Bool, Doc: "kill the child when nsh exits (default true)"},
		{Name: "setpgid", Kind: vocab.Bool, Doc: "start the child in its own process group"},
	}}
}

// What the list part of a spawn options table holds.
const (
	ArgvList  = "the command and its arguments"
	TypesList = "namespace types to create"
)

// SpawnReq is a Spec read from Lua plus what must be released after the
// child started (files it opened, handles of a pid target).
type SpawnReq struct {
	Spec   spawn.Spec
	files  []*os.File
	target *vocab.Target
	// capture marks the streams (stdin, stdout, stderr) ns.run collects
	// into its result.
	capture [3]bool
}

func (r *SpawnReq) Release() {
	for _, f := range r.files {
		f.Close()
	}
	r.target.Close()
	for _, h := range r.Spec.Base {
		h.Close()
	}
}

// How a caller of ReadSpawn uses the child: what its list part holds and
// whether it waits for the child (and so may capture its output).
const (
	// Start is ns.spawn: the list part is the command; streams may be
	// pipes the script reads and writes.
	Start = iota
	// Run is ns.run and netns.exec: the list part is the command; the call
	// waits, and capture = true (or stdout/stderr = "pipe") collects output.
	Run
	// Clone is ns.clone: the list part is namespace types to create.
	Clone
)

// ReadSpawn reads argument n of op as spawn options for a caller of the
// given use (Start, Run or Clone). Every stream is inherited unless the
// options say otherwise. On a Lua error nothing is left open: every
// resource is acquired after all checks that can raise.
func ReadSpawn(L *lua.LState, op string, n int, use int) *SpawnReq {
	withArgv := use != Clone
	array := ArgvList
	if !withArgv {
		array = TypesList
	}
	o := SpawnOpts(op, n, array).Read(L, false)
	tb := o.T
	req := &SpawnReq{}
	s := &req.Spec
	if withArgv {
		s.Argv = argvOf(L, n, tb)
	} else {
		s.New = typeList(L, n, tb, "")
	}
	if nt := o.Table("new"); nt != nil {
		s.New = append(s.New, typeList(L, n, nt, "option 'new': ")...)
	}
	s.UIDMap, s.GIDMap = idMap(o, "uid_map"), idMap(o, "gid_map")
	s.MapRoot, s.Setgroups = o.Bool("map_root", false), o.Str("setgroups")
	s.Hostname, s.MountProc = o.Str("hostname"), o.Bool("mount_proc", false)
	s.Propagation, s.Cgroup = o.Str("propagation"), o.Str("cgroup")
	s.Root, s.Dir = o.Str("root"), o.Str("dir")
	s.KillOnExit, s.Setpgid = o.Bool("kill_on_exit", true), o.Bool("setpgid", false)
	s.Time = timeOffsets(o)
	s.Env = envOf(o)
	modes := stdioModes(o, use)
	var types []nsfs.Type
	if tt := o.Table("types"); tt != nil {
		types = typeList(L, n, tt, "option 'types': ")
		if types == nil {
			types = []nsfs.Type{}
		}
	}
	if o.Has("join") {
		req.target = vocab.Resolve(L, vocab.Where{Op: op, Arg: n, Opt: "join"}, o.Get("join"), types)
		s.Join = req.target.ForJoin()
	} else if types != nil {
		o.Fail("types", "picks the namespaces of join = pid, but join is not given")
	}
	if err := openStdio(L, req, modes); err != nil {
		req.Release()
		vocab.Raise(L, op, "", err)
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

func idMap(o *vocab.Opts, key string) []spawn.IDMap {
	tb := o.Table(key)
	if tb == nil {
		return nil
	}
	var out []spawn.IDMap
	for i := 1; i <= tb.Len(); i++ {
		line, ok := tb.RawGetInt(i).(*lua.LTable)
		if !ok || line.Len() != 3 {
			o.Fail(key, fmt.Sprintf("line %d: {inside, outside, count} expected", i))
		}
		var f [3]int
		for j := range f {
			num, ok := line.RawGetInt(j + 1).(lua.LNumber)
			if !ok || float64(num) != math.Trunc(float64(num)) || math.Abs(float64(num)) > 1<<53 {
				o.Fail(key, fmt.Sprintf("line %d: {inside, outside, count} must be integers", i))
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

func timeOffsets(o *vocab.Opts) *spawn.TimeOffsets {
	tb := o.Table("time")
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
		o.Fail("time", bad)
	}
	return off
}

// envOf reads env as a list of "K=V" strings or a {K=V} table.
func envOf(o *vocab.Opts) []string {
	tb := o.Table("env")
	if tb == nil {
		return nil
	}
	env := []string{}
	for i := 1; i <= tb.Len(); i++ {
		s, ok := tb.RawGetInt(i).(lua.LString)
		if !ok || !strings.Contains(string(s), "=") {
			o.Fail("env", fmt.Sprintf("[%d]: \"KEY=value\" string expected", i))
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
			o.Fail("env", fmt.Sprintf("%s: string expected, got %s", k, v.Type()))
		}
		env = append(env, k+"="+v.String())
	}
	return env
}
