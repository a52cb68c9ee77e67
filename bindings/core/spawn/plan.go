//go:build linux

package spawn

import (
	"sort"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"golang.org/x/sys/unix"
)

// joinOrder is the order namespaces are entered in, as nsenter(1) does.
var joinOrder = map[nsfs.Type]int{
	nsfs.User: 0, nsfs.Cgroup: 1, nsfs.IPC: 2, nsfs.UTS: 3,
	nsfs.Net: 4, nsfs.PID: 5, nsfs.Mnt: 6, nsfs.Time: 7,
}

// plan is a checked Spec split into who does what: the spawner thread,
// os/exec's clone flags, or the re-executed child.
type plan struct {
	spec *Spec
	new  map[nsfs.Type]bool

	threadJoins []*nsfs.Handle // setns on the spawner thread
	childJoins  []*nsfs.Handle // setns in the cgo constructor
	threadNew   int            // unshare flags on the spawner thread
	childNew    int            // unshare flags in the cgo constructor
	cloneflags  int            // SysProcAttr.Cloneflags
	propagation uintptr        // MS_PRIVATE…; 0 for unchanged
	propInChild bool           // the child sets propagation
	hostInChild bool           // the child sets the hostname
	reexec      bool           // start /proc/self/exe, not Argv
	childPdeath bool           // the child sets its own parent-death signal
}

// newPlan checks spec and decides where each piece of work happens.
func newPlan(spec *Spec) (*plan, error) {
	if err := check(spec); err != nil {
		return nil, err
	}
	p := &plan{spec: spec, new: map[nsfs.Type]bool{}}
	for _, t := range spec.New {
		p.new[t] = true
	}
	if spec.MountProc {
		p.new[nsfs.PID], p.new[nsfs.Mnt] = true, true
	}
	if spec.Time != nil {
		p.new[nsfs.Time] = true
	}
	if spec.Hostname != "" {
		p.new[nsfs.UTS] = true
	}
	p.propagation = propagationFlag(spec.Propagation)
	joined := map[nsfs.Type]*nsfs.Handle{}
	for _, h := range spec.Join {
		joined[h.Type()] = h
	}
	userNew, userJoin := p.new[nsfs.User], joined[nsfs.User] != nil
	p.reexec = spec.Main != "" || spec.MountProc || userJoin || joined[nsfs.Time] != nil
	for _, h := range spec.Base {
		switch {
		case spec.Here:
		case joined[h.Type()] != nil || h.Type() == nsfs.User:
		case h.Type() == nsfs.Time:
			p.reexec = true
			p.childJoins = append(p.childJoins, h)
		default:
			p.threadJoins = append(p.threadJoins, h)
		}
	}
	for _, h := range spec.Join {
		switch t := h.Type(); {
		case t == nsfs.User || t == nsfs.Time:
			p.childJoins = append(p.childJoins, h)
		default:
			p.threadJoins = append(p.threadJoins, h)
		}
	}
	p.split(userNew || userJoin, userJoin)
	sortJoins(p.threadJoins)
	sortJoins(p.childJoins)
	if spec.Here {
		if err := p.here(); err != nil {
			return nil, err
		}
	}
	p.pdeath()
	p.mntInChild()
	return p, nil
}

// here reworks the plan so that nothing touches the calling thread: its
// joins go to the cgo constructor, its unshares to the clone flags and the
// re-executed child.
func (p *plan) here() error {
	if p.threadNew&unix.CLONE_NEWTIME != 0 {
		return badSpec("a new time namespace cannot be made while the shell's own unshared pid or time namespace has no process yet")
	}
	for _, h := range p.threadJoins {
		if h.Type() == nsfs.PID {
			return badSpec("a pid namespace cannot be joined while the shell's own unshared pid or time namespace has no process yet")
		}
	}
	p.childJoins = append(p.threadJoins, p.childJoins...)
	p.threadJoins = nil
	sortJoins(p.childJoins)
	if p.threadNew != 0 {
		p.cloneflags |= p.threadNew
		p.propInChild = p.threadNew&unix.CLONE_NEWNS != 0 && p.propagation != 0
		p.hostInChild = p.spec.Hostname != ""
		p.threadNew = 0
	}
	if len(p.childJoins) > 0 || p.propInChild || p.hostInChild || len(p.spec.Steps) > 0 {
		p.reexec = true
	}
	return nil
}

// split assigns each new type to the thread, the clone flags or the child.
// Inside a (new or joined) user namespace the namespaces must be created
// after it, so nothing is unshared on the thread except time (osthread rule 8).
func (p *plan) split(inUserNS, userJoin bool) {
	spec := p.spec
	for t := range p.new {
		f := t.Flag()
		switch {
		case t == nsfs.Time:
			p.threadNew |= f
		case t == nsfs.Mnt && !inUserNS && p.propagation != 0:
			p.threadNew |= f
		case t == nsfs.UTS && !inUserNS && spec.Hostname != "":
			p.threadNew |= f
		case userJoin && t != nsfs.PID:
			p.childNew |= f
		default:
			p.cloneflags |= f
		}
	}
	p.propInChild = p.new[nsfs.Mnt] && p.propagation != 0 && p.threadNew&unix.CLONE_NEWNS == 0
	p.hostInChild = spec.Hostname != "" && p.threadNew&unix.CLONE_NEWUTS == 0
	if p.propInChild || p.hostInChild || p.childNew != 0 || (inUserNS && len(spec.Steps) > 0) {
		p.reexec = true
	}
}

// mntInChild keeps a re-executing child out of a foreign mount namespace
// until nsh has been re-executed (docs/threads.md, "re-execute before
// entering a foreign mount namespace"): the target's root may hold neither
// /proc nor nsh's dynamic loader (a busybox container), so the mnt join
// moves from the thread to the child, and a new mount namespace made from
// it is then made in the child, after the join. A child cloned into a new user namespace cannot join a mount
// namespace of the parent's user namespace, so there it stays on the thread.
func (p *plan) mntInChild() {
	if !p.reexec || p.cloneflags&unix.CLONE_NEWUSER != 0 {
		return
	}
	kept, found := p.threadJoins[:0:0], false
	for _, h := range p.threadJoins {
		if h.Type() == nsfs.Mnt {
			p.childJoins, found = append(p.childJoins, h), true
			continue
		}
		kept = append(kept, h)
	}
	if !found {
		return
	}
	p.threadJoins = kept
	sortJoins(p.childJoins)
	if newNS := (p.threadNew | p.cloneflags) & unix.CLONE_NEWNS; newNS != 0 {
		p.threadNew &^= newNS
		p.cloneflags &^= newNS
		p.childNew |= newNS
		p.propInChild = p.propagation != 0
	}
}

// needsCgo returns a join only the cgo constructor can do: a user or time
// namespace (the Go child has threads by then), or any join for a child
// main, whose goroutines run on other threads. Without the constructor
// the re-executed child does the others on the thread that execs.
func (p *plan) needsCgo() *nsfs.Handle {
	for _, h := range p.childJoins {
		if h.Type() == nsfs.User || h.Type() == nsfs.Time || p.spec.Main != "" {
			return h
		}
	}
	return nil
}

func sortJoins(hs []*nsfs.Handle) {
	sort.SliceStable(hs, func(i, j int) bool {
		return joinOrder[hs[i].Type()] < joinOrder[hs[j].Type()]
	})
}

func propagationFlag(name string) uintptr {
	switch name {
	case "", "private":
		return unix.MS_PRIVATE
	case "slave":
		return unix.MS_SLAVE
	case "shared":
		return unix.MS_SHARED
	}
	return 0
}

// check refuses a Spec that is wrong on its face, before anything starts.
func check(spec *Spec) error {
	if len(spec.Argv) == 0 && spec.Main == "" {
		return badSpec("no command given")
	}
	if len(spec.Argv) > 0 && spec.Argv[0] == "" {
		return badSpec("the command name is empty")
	}
	if err := checkNUL(spec); err != nil {
		return err
	}
	if spec.Main != "" && mainFor(spec.Main) == nil {
		return badSpec("unknown child main %q", spec.Main)
	}
	for _, s := range spec.Steps {
		if stepFor(s.Name) == nil {
			return badSpec("unknown setup step %q", s.Name)
		}
	}
	newT := map[nsfs.Type]bool{}
	for _, t := range spec.New {
		if _, err := nsfs.ParseType(string(t)); err != nil {
			return badSpec("%v", err)
		}
		newT[t] = true
	}
	joined := map[nsfs.Type]bool{}
	for _, h := range append(append([]*nsfs.Handle{}, spec.Join...), spec.Base...) {
		if h == nil || h.Closed() {
			return badSpec("namespace handle is closed")
		}
	}
	for _, h := range spec.Join {
		t := h.Type()
		if joined[t] {
			return badSpec("join names two %s namespaces", t)
		}
		if newT[t] {
			return badSpec("conflicting options: join and new both name %s", t)
		}
		joined[t] = true
	}
	return checkOptions(spec, newT, joined)
}

func checkOptions(spec *Spec, newT, joined map[nsfs.Type]bool) error {
	implied := []struct {
		on    bool
		types []nsfs.Type
		what  string
	}{
		{spec.MountProc, []nsfs.Type{nsfs.PID, nsfs.Mnt}, "mount_proc"},
		{spec.Hostname != "", []nsfs.Type{nsfs.UTS}, "hostname"},
		{spec.Time != nil, []nsfs.Type{nsfs.Time}, "time offsets"},
	}
	for _, c := range implied {
		for _, t := range c.types {
			if c.on && joined[t] {
				return badSpec("conflicting options: %s needs a new %s namespace, but join names one", c.what, t)
			}
		}
	}
	if propagationFlag(spec.Propagation) == 0 && spec.Propagation != "unchanged" {
		return badSpec("propagation %q: must be one of private, slave, shared, unchanged", spec.Propagation)
	}
	switch spec.Setgroups {
	case "", "deny", "allow":
	default:
		return badSpec("setgroups %q: must be deny or allow", spec.Setgroups)
	}
	if (len(spec.UIDMap) > 0 || len(spec.GIDMap) > 0 || spec.MapRoot) && !newT[nsfs.User] {
		return badSpec("uid_map, gid_map and map_root need a new user namespace")
	}
	if spec.MapRoot && (len(spec.UIDMap) > 0 || len(spec.GIDMap) > 0) {
		return badSpec("conflicting options: map_root and uid_map/gid_map")
	}
	if spec.MapRoot && spec.Setgroups == "allow" {
		return badSpec("conflicting options: map_root needs setgroups deny")
	}
	if (spec.PipeStdin && spec.Stdin != nil) || (spec.PipeStdout && spec.Stdout != nil) ||
		(spec.PipeStderr && spec.Stderr != nil) {
		return badSpec("a stream is both piped and given")
	}
	return checkMaps(spec)
}

// pdeath decides who sets the parent-death signal. os/exec's child checks
// after prctl that getppid() still is its parent's pid, and kills itself
// when not; in a pid namespace the thread joined (or unshared, Here) the
// parent is invisible and getppid() is 0, so os/exec would kill every such
// child. Those children are re-executed and set it themselves.
func (p *plan) pdeath() {
	if !p.spec.KillOnExit {
		return
	}
	joinsPID := p.spec.Here
	for _, h := range p.threadJoins {
		joinsPID = joinsPID || h.Type() == nsfs.PID
	}
	if joinsPID {
		p.childPdeath, p.reexec = true, true
	}
}
