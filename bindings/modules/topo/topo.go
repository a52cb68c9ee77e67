//go:build linux

package topo

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/nsh-lua/nsh/bindings/compat"
	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

const topoExample = `local lab = topo.up{
  prefix = "ex-topo-" .. math.random(1e6) .. "-",
  hosts = {"a", "b"},
  links = {{"a", "b", ip = {"10.0.0.1/24", "10.0.0.2/24"}}},
}
print(lab.hosts.b:addr())
lab:down()`

// Module is the topo module; its planner is lua/topo.lua.
func Module() *vocab.Module {
	return &vocab.Module{
		Name: "topo",
		Doc: "Declarative network labs. A spec names hosts (each a named netns), routers (a netns with forwarding on), " +
			"switches (a bridge in its own netns, or in the shell's with `{host = true}`), links between them " +
			"(veth pairs, each peer born in its namespace) with addresses, and routes; `host` names the shell's own " +
			"namespace. A lab records what it made and tears down by deleting its namespaces: exactly what it made, " +
			"once, also when the script fails or is interrupted, and when nsh exits (unless `keep = true`).\n\n" +
			"Spec: `{prefix=, keep=, hosts=, routers=, switches=, links=, place=, machines=, machine=}`. hosts, routers and switches are lists of " +
			"names or maps name → options (`gw = \"10.0.1.1\"` for a default route, `routes = {{dst=, via=, dev=}, …}`, " +
			"`host = true` for a switch). A link is `{\"a\", \"b\", ip = {\"10.0.0.1/24\", \"10.0.0.2/24\"}, mtu=}`, with link.shape's fields " +
			"(`rate = \"10mbit\", delay = \"20ms\", loss = 1`, …) to shape both ends' egress, and `kind = \"macvlan\"` for a macvlan (bridge mode) on the parent device the second end names (`{\"h1\", \"host:eth0\", kind = \"macvlan\"}`); an " +
			"end may name its interface (`\"a:eth5\"`); interfaces are eth0, eth1, … on hosts and routers and p1, p2, … " +
			"on switches (`PREFIX..SWITCH..p1`, … for a switch in the shell's namespace), and on the host side `PREFIX..PEER`. Namespaces are named `PREFIX..NODE`.\n\n" +
			"A lab `t` has `t.hosts`, `t.routers`, `t.switches`, `t.nodes` (by name), `t.prefix`, `t:down()` and " +
			"`t:with(fn, …)`; a node `n` has `n.name`, `n.kind`, `n.netns` (the namespace's name) and `n.handle` " +
			"(for `ns=`), `n:run(cmd | argv [, opts])` (a command, a string for /bin/sh -c, run inside the node's " +
			"namespace by ns.run with opts, returning `{code=, signal=}` with the output on the shell's, or `stdout`/`stderr` strings with `{capture = true}`), `n:with(fn, …)` (fn runs with the " +
			"shell inside the node's namespace, as ns.with), `n:addr([dev])` (its first IPv4 address, else IPv6, " +
			"without prefix) and `n:addrs()`.\n\n" +
			"A lab shows itself: `t:state()` returns its nodes, links (both ends, addresses, MTU, shaping, state) and " +
			"routes as plain records read from the kernel; `t:show()` prints them as aligned tables; `t:graph(\"dot\")` " +
			"and `t:graph(\"mermaid\")` return Graphviz DOT and Mermaid text, and `t:graph(\"svg\", path [, {dot=}])` renders " +
			"an SVG with Graphviz's `dot`. `t:exec(node, argv… [, opts])` runs a command on a node as ns.run does (opts " +
			"are ns.run's) and `t:shell(node [, cmd…])` opens a shell there with the terminal, as ns.enter does.\n\n" +
			"Labs outlive the shell: a lab's ledger (what it made) and its spec are written under `topo.labs_dir` " +
			"(default /run/nsh/labs) as it is built, so `topo.list()` lists the labs on this host, also those a killed " +
			"nsh left behind, and `topo.attach(prefix)` returns one made by another nsh process (`keep = true`, or " +
			"left by a kill), whose `:down()` removes exactly what its ledger recorded.\n\n" +
			"Labs across machines: `place = {node = MACHINE, …}` and `machines = {MACHINE = {underlay = IP}, …}` " +
			"in a spec place every node on a machine; `topo.apply(spec, {machine = M})` (or `machine = M` in the " +
			"spec) builds M's part, and each link to a node on another machine becomes a VXLAN tunnel over the " +
			"underlay with VNI 4096 + the link's position in the spec. See docs/labs.md.",
		Funcs: []vocab.Func{
			{Name: "up", Args: "(spec)", Returns: "lab",
				Doc:     "Builds the lab a spec describes and returns it; on failure it removes what it made and raises.",
				Example: topoExample},
			{Name: "with", Args: "(spec, fn, …)", Returns: "fn's results",
				Doc: "Builds a lab, calls fn(lab, …), and always tears the lab down, also when fn raises or the " +
					"script is interrupted; returns fn's results or raises its error.",
				Example: `topo.with({
  prefix = "ex-with-" .. math.random(1e6) .. "-",
  hosts = {"a", "b"},
  links = {{"a", "b", ip = {"10.0.0.1/24", "10.0.0.2/24"}}},
}, function(lab)
  print(lab.hosts.a.kind, lab.hosts.a:addr())
end)`},
			{Name: "plan", Args: "(spec [, {machine=}])", Opts: machineOpts("topo.plan"), Returns: "{{op=, what=, name=, detail=}…}",
				Doc: "Returns the changes that would turn what exists for the spec's prefix (a lab of this nsh, or one on " +
					"disk) into the spec — nodes, links, addresses, routes and shaping to add, change or remove — without making any.",
				Example: `local spec = {prefix = "ex-plan-" .. math.random(1e6) .. "-", hosts = {"a", "b"},
  links = {{"a", "b", ip = {"10.0.0.1/24", "10.0.0.2/24"}}}}
print(#topo.plan(spec))
local lab = topo.apply(spec)
print(#topo.plan(spec))
lab:down()`},
			{Name: "apply", Args: "(spec [, {machine=}])", Opts: machineOpts("topo.apply"), Returns: "lab, changes",
				Doc: "Makes the changes topo.plan(spec) lists, building the lab when none exists, so re-running an edited " +
					"lab script converges the live lab; applying the same spec twice changes nothing.",
				Example: `local spec = {prefix = "ex-apply-" .. math.random(1e6) .. "-", hosts = {"a", "b"},
  links = {{"a", "b", ip = {"10.0.0.1/24", "10.0.0.2/24"}}}}
local lab = topo.apply(spec)
spec.links[1].rate = "10mbit"
local changes
lab, changes = topo.apply(spec)
for _, c in ipairs(changes) do print(c.op, c.what, c.name, c.detail) end
lab:down()`},
			{Name: "list", Args: "()", Returns: "{{prefix=, state=, running=, pid=, netns=, live=, links=, path=}…}",
				Doc: "Lists the labs kept under topo.labs_dir: being built or held by an nsh (running), kept, or left " +
					"behind by one that was killed; state is live, partial or gone.",
				Example: `for _, l in ipairs(topo.list()) do print(l.prefix, l.state, l.running) end`},
			{Name: "attach", Args: "(prefix)", Returns: "lab",
				Doc: "Returns the lab of that prefix made by another nsh process (kept, or left by a kill); this process's " +
					"exit leaves it, and its down() removes exactly what its ledger recorded.",
				Example: `local ok, err = pcall(topo.attach, "no-such-lab-")
print(ok, err.op)`},
		},
		Fields: func(L *lua.LState, mod *lua.LTable) {
			mt := L.NewTypeMetatable(topoLedgerMeta)
			L.SetField(mt, "__index", L.SetFuncs(L.NewTable(), topoLedgerMethods))
			mod.RawSetString("_ledger", L.NewFunction(topoLedgerNew))
			mod.RawSetString("_check", L.NewFunction(topoCheck))
			mod.RawSetString("_shape", L.NewFunction(topoShape))
			mod.RawSetString("_attach", L.NewFunction(topoAttach))
			mod.RawSetString("_list", L.NewFunction(topoList))
			mod.RawSetString("labs_dir", lua.LString(netconf.LedgerDir))
		},
		Lua: "topo.lua",
	}
}

// machineOpts declares the options of topo.plan and topo.apply (read by
// topo.lua).
func machineOpts(fn string) *vocab.OptSet {
	return &vocab.OptSet{Func: fn, Arg: 2, Opts: []vocab.Opt{
		{Name: "machine", Kind: vocab.String, Doc: "the machine whose part of a placed spec to plan or build"},
	}}
}

// topoCheck is topo._check(kind, value): it returns nil when value is a
// valid "netns" name, "ifname", "cidr" or "ip", else the reason it is not,
// with the rules nsh's own functions apply, so that topo.up can refuse a
// spec before it makes anything.
func topoCheck(L *lua.LState) int {
	kind, v := L.CheckString(1), L.CheckString(2)
	var err error
	switch kind {
	case "netns":
		err = netns.ValidateName(v)
	case "ifname":
		err = netconf.ValidLinkName("", v)
	case "cidr":
		_, err = netconf.ParseCIDR("", v)
	case "ip":
		if net.ParseIP(v) == nil {
			err = fmt.Errorf("invalid IP address %q", v)
		}
	default:
		L.ArgError(1, "unknown kind '"+kind+"'")
	}
	if err == nil {
		return 0
	}
	var ne *netconf.Error
	if errors.As(err, &ne) {
		err = ne.Err
	}
	L.Push(lua.LString(err.Error()))
	return 1
}

// topoLedgerMeta is the metatable of the internal ledger object topo.lua
// builds with; it is not part of the documented surface.
const topoLedgerMeta = "nsh.topo.ledger"

// topoLedger wraps a netconf.Ledger for the runtime: it is an io.Closer the
// runtime tears down at exit unless the lab is kept (or attached).
type topoLedger struct {
	*netconf.Ledger
	rt          vocab.Host
	keep        bool
	dir, prefix string
}

// CloseNotice names the lab Close tears down: its prefix and namespaces;
// "" when it is kept or already down.
func (t *topoLedger) CloseNotice() string {
	if t.keep || t.Done() {
		return ""
	}
	return "lab " + t.prefix + " (" + strings.Join(t.Names(), ", ") + ")"
}

// Close tears the lab down, or only releases its handles when the lab is
// kept; the runtime calls it at exit.
func (t *topoLedger) Close() error {
	if t.keep {
		t.Release()
		return nil
	}
	return t.teardown()
}

// down tears the lab down on behalf of Lua: the runtime need not do it.
func (t *topoLedger) down() error {
	if t.rt != nil {
		t.rt.Untrack(t)
	}
	return t.teardown()
}

// teardown removes the lab, and its spec file once the ledger's file is
// gone (nothing recorded is left).
func (t *topoLedger) teardown() error {
	err := t.Teardown()
	if _, serr := os.Stat(filepath.Join(t.dir, t.prefix+".json")); errors.Is(serr, os.ErrNotExist) {
		os.Remove(specPath(t.dir, t.prefix))
	}
	return err
}

var topoLedgerMethods = map[string]lua.LGFunction{
	"netns":      topoLedgerNetns,
	"netns_many": topoLedgerNetnsMany,
	"host":       topoLedgerHost,
	"host_link":  topoLedgerHostLink,
	"down":       topoLedgerDown,
	"guard":      topoLedgerGuard,
	"run":        topoLedgerRun,
	"names":      topoLedgerNames,
	"done":       topoLedgerDone,
	"handle":     topoLedgerHandle,
	"save_spec":  topoLedgerSaveSpec,
	"del_netns":  topoLedgerDelNetns,
}

// topoLedgerDelNetns is ledger:del_netns(name): delete one of the lab's
// namespaces and forget it.
func topoLedgerDelNetns(L *lua.LState) int {
	if err := checkLedger(L).DelNetns(L.CheckString(2)); err != nil {
		return vocab.Raise(L, "topo.apply", L.CheckString(2), err)
	}
	return 0
}

// topoLedgerNew is topo._ledger(keep, dir, prefix): the ledger of a new
// lab, kept on disk in dir as the lab is built.
func topoLedgerNew(L *lua.LState) int {
	dir, prefix := L.CheckString(2), L.CheckString(3)
	l, err := netconf.CreateLedger(dir, prefix)
	if err != nil {
		e := vocab.NewError("topo.up", prefix, err)
		if errors.Is(err, unix.EEXIST) {
			e.Hint = "topo.attach(\"" + prefix + "\") returns it; :down() removes it, or topo.apply(spec) converges it"
		}
		if errors.Is(err, netconf.ErrBusy) {
			e.Hint = "another nsh process holds it"
		}
		return vocab.Raise(L, "topo.up", prefix, e)
	}
	pushLedger(L, &topoLedger{Ledger: l, rt: vocab.HostOf(L), keep: L.ToBool(1), dir: dir, prefix: prefix})
	return 1
}

// pushLedger pushes t and has the runtime close it at exit.
func pushLedger(L *lua.LState, t *topoLedger) {
	if t.rt != nil {
		t.rt.Track(t)
	}
	ud := L.NewUserData()
	ud.Value = t
	L.SetMetatable(ud, L.GetTypeMetatable(topoLedgerMeta))
	L.Push(ud)
}

// topoLedgerHandle is ledger:handle(netns): the recorded namespace, or nil
// and why when it is gone or not the one recorded.
func topoLedgerHandle(L *lua.LState) int {
	t := checkLedger(L)
	h, err := t.Handle(L.CheckString(2))
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	pushOwnedHandle(L, t, h)
	return 1
}

// topoLedgerSaveSpec is ledger:save_spec(spec): keep the spec beside the
// ledger.
func topoLedgerSaveSpec(L *lua.LState) int {
	t := checkLedger(L)
	if err := saveSpec(t.dir, t.prefix, L.CheckTable(2)); err != nil {
		return vocab.Raise(L, "topo.up", t.prefix, err)
	}
	return 0
}

// topoAttach is topo._attach(dir, prefix): the ledger of a lab on disk
// (kept: this process's exit leaves it) and its spec, or nil.
func topoAttach(L *lua.LState) int {
	dir, prefix := L.CheckString(1), L.CheckString(2)
	l, err := loadLedger(dir, prefix)
	if err != nil {
		e := vocab.NewError("topo.attach", prefix, err)
		if errors.Is(err, os.ErrNotExist) {
			e.Hint = "topo.list() shows the labs on this host"
		}
		return vocab.Raise(L, "topo.attach", prefix, e)
	}
	t := &topoLedger{Ledger: l, rt: vocab.HostOf(L), keep: true, dir: dir, prefix: prefix}
	spec, err := loadSpec(L, dir, prefix)
	if err != nil {
		l.Release()
		return vocab.Raise(L, "topo.attach", prefix, err)
	}
	pushLedger(L, t)
	L.Push(spec)
	return 2
}

// loadLedger loads a lab's ledger, first checking that its file is there:
// LoadLedger would leave a lock file behind for a lab that never was.
func loadLedger(dir, prefix string) (*netconf.Ledger, error) {
	if strings.ContainsAny(prefix, "/\x00") || strings.HasPrefix(prefix, ".") || prefix == "" {
		return netconf.LoadLedger(dir, prefix) // refused with its own message
	}
	if _, err := os.Stat(filepath.Join(dir, prefix+".json")); err != nil {
		return nil, fmt.Errorf("lab ledger: no lab %q in %s: %w", prefix, dir, unix.ENOENT)
	}
	return netconf.LoadLedger(dir, prefix)
}

// topoList is topo._list(dir): the labs kept in dir.
func topoList(L *lua.LState) int {
	infos, err := netconf.ListLedgers(L.CheckString(1))
	if err != nil {
		return vocab.Raise(L, "topo.list", "", err)
	}
	out := L.CreateTable(len(infos), 0)
	for _, i := range infos {
		r := L.CreateTable(0, 8)
		r.RawSetString("prefix", lua.LString(i.Prefix))
		r.RawSetString("path", lua.LString(i.Path))
		if i.Err != nil {
			r.RawSetString("state", lua.LString("unreadable"))
			r.RawSetString("error", lua.LString(i.Err.Error()))
		} else {
			r.RawSetString("state", lua.LString(i.State()))
			r.RawSetString("pid", lua.LNumber(i.PID))
			r.RawSetString("running", lua.LBool(i.Running))
			r.RawSetString("netns", lua.LNumber(i.Netns))
			r.RawSetString("live", lua.LNumber(i.Live))
			r.RawSetString("links", lua.LNumber(i.Links))
		}
		out.Append(r)
	}
	L.Push(out)
	return 1
}

func checkLedger(L *lua.LState) *topoLedger {
	if t, ok := L.CheckUserData(1).Value.(*topoLedger); ok {
		return t
	}
	L.ArgError(1, "topo ledger expected")
	return nil
}

// pushOwnedHandle pushes a handle the ledger t owns: the runtime does not
// track it, and closing it from Lua is harmless.
func pushOwnedHandle(L *lua.LState, t *topoLedger, h *nsfs.Handle) {
	ud := L.NewUserData()
	ud.Value = h
	L.SetMetatable(ud, L.GetTypeMetatable(vocab.HandleMeta))
	L.Push(ud)
}

// topoLedgerNetns is ledger:netns(name): make and record a named netns.
func topoLedgerNetns(L *lua.LState) int {
	t := checkLedger(L)
	name := L.CheckString(2)
	h, err := t.AddNetns(name)
	if err != nil {
		var ne *netns.Error
		if errors.As(err, &ne) {
			err = ne.Err
		}
		return vocab.Raise(L, "topo.up", name, err)
	}
	pushOwnedHandle(L, t, h)
	return 1
}

// topoLedgerNetnsMany is ledger:netns_many({name…}): make and record named
// namespaces, a few at a time, and return their handles in order.
func topoLedgerNetnsMany(L *lua.LState) int {
	t := checkLedger(L)
	tb := L.CheckTable(2)
	names := make([]string, 0, tb.Len())
	for i := 1; i <= tb.Len(); i++ {
		names = append(names, tb.RawGetInt(i).String())
	}
	hs, err := t.AddNetnsMany(names, 2)
	out := L.CreateTable(len(hs), 0)
	for _, h := range hs {
		if h != nil {
			pushOwnedHandle(L, t, h)
			out.Append(L.Get(-1))
			L.Pop(1)
		}
	}
	if err != nil {
		var ne *netns.Error
		name := ""
		if errors.As(err, &ne) {
			name, err = ne.Name, ne.Err
		}
		return vocab.Raise(L, "topo.up", name, err)
	}
	L.Push(out)
	return 1
}

// topoLedgerHost is ledger:host(): the lab's host namespace.
func topoLedgerHost(L *lua.LState) int {
	t := checkLedger(L)
	h, err := t.Host()
	if err != nil {
		return vocab.Raise(L, "topo.up", "host", err)
	}
	pushOwnedHandle(L, t, h)
	return 1
}

// topoLedgerHostLink is ledger:host_link(name [, index]).
func topoLedgerHostLink(L *lua.LState) int {
	if err := checkLedger(L).RecordHostLink(L.CheckString(2), L.OptInt(3, 0)); err != nil {
		return (*vocab.Net)(nil).Fail(L, "topo.up", 2, err)
	}
	return 0
}

// topoLedgerDown is ledger:down().
func topoLedgerDown(L *lua.LState) int {
	if err := checkLedger(L).down(); err != nil {
		return vocab.Raise(L, "topo.down", "", err)
	}
	return 0
}

// topoLedgerDone is ledger:done(): whether the lab is torn down (or
// released).
func topoLedgerDone(L *lua.LState) int {
	L.Push(lua.LBool(checkLedger(L).Done()))
	return 1
}

// topoLedgerNames is ledger:names().
func topoLedgerNames(L *lua.LState) int {
	names := checkLedger(L).Names()
	out := L.CreateTable(len(names), 0)
	for _, n := range names {
		out.Append(lua.LString(n))
	}
	L.Push(out)
	return 1
}

// topoLedgerGuard is ledger:guard(fn, …): it calls fn and, if fn raises,
// tears the lab down before raising the error again. The teardown is Go,
// so it runs even when the raise came from a cancelled script, when no
// more Lua can run.
func topoLedgerGuard(L *lua.LState) int {
	return topoCall(L, false)
}

// topoLedgerRun is ledger:run(fn, …): it calls fn and tears the lab down
// whatever happened, then returns fn's results or raises its error.
func topoLedgerRun(L *lua.LState) int {
	return topoCall(L, true)
}

func topoCall(L *lua.LState, always bool) int {
	t := checkLedger(L)
	fn := L.CheckFunction(2)
	base := L.GetTop()
	L.Push(fn)
	for i := 3; i <= base; i++ {
		L.Push(L.Get(i))
	}
	err := compat.PCall(L, base-2, lua.MultRet)
	if err != nil || always {
		terr := t.down()
		if err != nil {
			var api *lua.ApiError
			if errors.As(err, &api) && api.Object != nil {
				L.Error(api.Object, 0)
			}
			L.RaiseError("%s", err.Error())
		}
		if terr != nil {
			return vocab.Raise(L, "topo.down", "", terr)
		}
	}
	return L.GetTop() - base
}
