//go:build linux

package vocab

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// Target is the set of namespaces one Lua value names. Every argument and
// option that designates a namespace reads through Resolve, so every one
// takes the same forms.
type Target struct {
	// Handles are the namespaces, at most one per type, sorted by type.
	Handles []*nsfs.Handle
	// Name names the target in messages: "pid 42", "netns lab", "net:[…]".
	Name string
	// owned are the handles Resolve opened itself; Close closes them.
	owned bool
}

// Close releases the handles the target opened; the script's stay open.
func (t *Target) Close() {
	if t == nil || !t.owned {
		return
	}
	for _, h := range t.Handles {
		h.Close()
	}
}

// Of returns the target's namespace of type typ, or nil.
func (t *Target) Of(typ nsfs.Type) *nsfs.Handle {
	for _, h := range t.Handles {
		if h.Type() == typ {
			return h
		}
	}
	return nil
}

// ForJoin leaves out a user namespace that already is the calling thread's,
// as nsenter -a does: joining it again is an error (EINVAL) and changes
// nothing.
func (t *Target) ForJoin() []*nsfs.Handle {
	var out []*nsfs.Handle
	for _, h := range t.Handles {
		if h.Type() == nsfs.User && sameAsThread(h) {
			continue
		}
		out = append(out, h)
	}
	return out
}

func sameAsThread(h *nsfs.Handle) bool {
	var st unix.Stat_t
	if unix.Stat("/proc/thread-self/ns/"+string(h.Type()), &st) != nil {
		return false
	}
	return st.Ino == h.Inode() && st.Dev == h.Dev()
}

// Where says where a value is, for Resolve's messages: argument n, or an
// option of it.
type Where struct {
	Op  string // the public function, "ns.enter"
	Arg int    // the argument position
	Opt string // the option's name, "" for the argument itself
}

// Fail raises misuse of the value at w.
func (w Where) Fail(L *lua.LState, msg string) {
	if w.Opt != "" {
		OptionError(L, w.Op, w.Arg, w.Opt, "option '"+w.Opt+"': "+msg)
	}
	ArgError(L, w.Op, w.Arg, msg)
}

// targetForms is what a namespace argument may be.
const targetForms = "a namespace handle, a {type = handle} table, a list of handles, a pid, a netns name or a namespace file path"

// Resolve reads v as namespaces: a handle; a {type=handle} table or a list
// of handles; a pid, whose namespaces of the given types are opened (nil:
// every type whose namespace differs from the calling thread's); a string
// without "/", a network namespace name as `ip netns` keeps it; or a string
// with "/", a namespace file such as /proc/PID/ns/net or a pin. The caller
// closes the target.
func Resolve(L *lua.LState, w Where, v lua.LValue, types []nsfs.Type) *Target {
	if types != nil && v.Type() != lua.LTNumber {
		w.Fail(L, "types picks the namespaces of a pid: give the target as a pid")
	}
	switch x := v.(type) {
	case lua.LNumber:
		pid, ok := PIDOf(x)
		if !ok {
			w.Fail(L, badPID+", got "+Clip(x.String()))
		}
		hs, err := spawn.OpenPID(pid, types)
		if errors.Is(err, unix.ESRCH) || errors.Is(err, unix.ENOENT) {
			err = &Cause{"no such process", unix.ESRCH}
		}
		return opened(L, w, fmt.Sprintf("pid %d", pid), hs, err)
	case lua.LString:
		return resolveString(L, w, string(x))
	case *lua.LUserData:
		h := ToHandle(x)
		if h == nil {
			w.Fail(L, targetForms+" expected, got "+TypeName(x))
		}
		if h.Closed() {
			w.Fail(L, ClosedMessage(L, h))
		}
		return &Target{Handles: []*nsfs.Handle{h}, Name: handleName(h)}
	case *lua.LTable:
		return tableTarget(L, w, x)
	}
	w.Fail(L, targetForms+" expected, got "+TypeName(v))
	return nil
}

// ResolveThread is Resolve for namespaces a thread enters (ns.setns,
// ns.with): the pid form without types takes every type that differs but
// user and time, which no thread of a running Go process can enter.
func ResolveThread(L *lua.LState, w Where, v lua.LValue, types []nsfs.Type) *Target {
	pid, isPID := v.(lua.LNumber)
	if !isPID || types != nil {
		return Resolve(L, w, v, types)
	}
	p, ok := PIDOf(pid)
	if !ok {
		w.Fail(L, badPID+", got "+Clip(pid.String()))
	}
	var all []nsfs.Type
	for _, t := range nsfs.Types {
		if t != nsfs.User && t != nsfs.Time {
			all = append(all, t)
		}
	}
	hs, err := spawn.OpenPIDDiffering(p, all)
	if errors.Is(err, unix.ESRCH) || errors.Is(err, unix.ENOENT) {
		err = &Cause{"no such process", unix.ESRCH}
	}
	return opened(L, w, fmt.Sprintf("pid %d", p), hs, err)
}

func opened(L *lua.LState, w Where, name string, hs []*nsfs.Handle, err error) *Target {
	if err != nil {
		Raise(L, w.Op, name, err)
	}
	return &Target{Handles: hs, Name: name, owned: true}
}

// resolveString opens a netns name or a namespace file path.
func resolveString(L *lua.LState, w Where, s string) *Target {
	if strings.Contains(s, "/") {
		if msg := BadName(s, 0); msg != "" {
			w.Fail(L, "path "+msg)
		}
		h, err := nsfs.Open(s)
		var errno unix.Errno
		switch {
		case errors.Is(err, nsfs.ErrNotNamespace):
			err = &Cause{"not a namespace file", unix.EINVAL}
		case errors.As(err, &errno):
			err = errno // the path is the target already
		}
		return opened(L, w, s, []*nsfs.Handle{h}, err)
	}
	if err := netns.ValidateName(s); err != nil {
		w.Fail(L, "netns name "+Quote(s)+" is not valid: "+causeText(err))
	}
	h, err := netns.Get(s)
	if errors.Is(err, unix.ENOENT) {
		err = &Cause{"no such network namespace", unix.ENOENT}
	}
	if err != nil {
		Raise(L, w.Op, "netns "+s, causeOf(err))
	}
	return &Target{Handles: []*nsfs.Handle{h}, Name: "netns " + s, owned: true}
}

// tableTarget reads a {type=handle} table or a list of handles.
func tableTarget(L *lua.LState, w Where, tb *lua.LTable) *Target {
	t := &Target{}
	seen := map[nsfs.Type]bool{}
	var bad string
	tb.ForEach(func(k, v lua.LValue) {
		if bad != "" {
			return
		}
		h := ToHandle(v)
		switch {
		case h == nil:
			bad = fmt.Sprintf("entry %s is a %s, not a namespace handle", Clip(k.String()), TypeName(v))
		case h.Closed():
			bad = fmt.Sprintf("entry %s: %s", Clip(k.String()), ClosedMessage(L, h))
		case k.Type() == lua.LTString && string(k.(lua.LString)) != string(h.Type()):
			bad = fmt.Sprintf("entry %s is a %s namespace", Clip(k.String()), h.Type())
		case seen[h.Type()]:
			bad = fmt.Sprintf("two %s namespaces given", h.Type())
		}
		if bad == "" {
			seen[h.Type()] = true
			t.Handles = append(t.Handles, h)
		}
	})
	if bad != "" {
		w.Fail(L, bad)
	}
	if len(t.Handles) == 0 {
		w.Fail(L, "no namespaces given")
	}
	sort.Slice(t.Handles, func(i, j int) bool { return t.Handles[i].Type() < t.Handles[j].Type() })
	names := make([]string, len(t.Handles))
	for i, h := range t.Handles {
		names[i] = handleName(h)
	}
	t.Name = strings.Join(names, ",")
	return t
}

// handleName names a handle in messages: "netns NAME" for one opened from
// /run/netns, else its kernel text.
func handleName(h *nsfs.Handle) string {
	if name, ok := strings.CutPrefix(h.Path(), netns.Dir+"/"); ok && h.Type() == nsfs.Net {
		return "netns " + name
	}
	return h.String()
}

// Cause is an errno with words that fit the object better than the errno's
// own text ("no such network namespace" for ENOENT).
type Cause struct {
	Msg   string
	Errno unix.Errno
}

func (c *Cause) Error() string { return c.Msg }

// Unwrap returns the errno.
func (c *Cause) Unwrap() error { return c.Errno }

// causeOf strips a core error's own operation and name, since the error
// value names them already; the errno stays wrapped.
func causeOf(err error) error {
	var ne *netns.Error
	if errors.As(err, &ne) {
		return ne.Err
	}
	var ce *netconf.Error
	if errors.As(err, &ce) {
		return ce.Err
	}
	return err
}

func causeText(err error) string { return causeOf(err).Error() }
