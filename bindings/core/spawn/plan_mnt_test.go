//go:build linux

package spawn

import (
	"encoding/json"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"golang.org/x/sys/unix"
)

func selfNS(t *testing.T, typ nsfs.Type) *nsfs.Handle {
	h, err := nsfs.Open("/proc/self/ns/" + string(typ))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func hasType(hs []*nsfs.Handle, typ nsfs.Type) bool {
	for _, h := range hs {
		if h.Type() == typ {
			return true
		}
	}
	return false
}

// TestPlanMntAfterReexec: whenever the child is re-executed, the mount
// namespace (joined or the caller's, Base) is entered by the child, and a
// new one is made there after it; only a child cloned into a new user
// namespace keeps it on the thread (it could not join from inside).
func TestPlanMntAfterReexec(t *testing.T) {
	mnt, pid := selfNS(t, nsfs.Mnt), selfNS(t, nsfs.PID)
	cases := []struct {
		name               string
		spec               Spec
		reexec, mntInChild bool
		childNew           int
	}{
		{"join mnt", Spec{Join: []*nsfs.Handle{mnt, pid}}, false, false, 0},
		{"join mnt, kill_on_exit in a joined pid ns", Spec{Join: []*nsfs.Handle{mnt, pid}, KillOnExit: true}, true, true, 0},
		{"base mnt, child main", Spec{Base: []*nsfs.Handle{mnt}, Main: "test.plan"}, true, true, 0},
		{"base mnt, mount_proc", Spec{Base: []*nsfs.Handle{mnt}, MountProc: true}, true, true, unix.CLONE_NEWNS},
		{"base mnt, new mnt, child main", Spec{Base: []*nsfs.Handle{mnt}, New: []nsfs.Type{nsfs.Mnt}, Main: "test.plan"}, true, true, unix.CLONE_NEWNS},
		{"join mnt, new user, hostname", Spec{Join: []*nsfs.Handle{mnt}, New: []nsfs.Type{nsfs.User, nsfs.UTS}, Hostname: "x"}, true, false, 0},
	}
	for _, c := range cases {
		if c.spec.Argv == nil && c.spec.Main == "" {
			c.spec.Argv = []string{"true"}
		}
		pl, err := newPlan(&c.spec)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		inChild, onThread := hasType(pl.childJoins, nsfs.Mnt), hasType(pl.threadJoins, nsfs.Mnt)
		if pl.reexec != c.reexec || inChild != c.mntInChild || inChild == onThread || pl.childNew != c.childNew {
			t.Errorf("%s: reexec %v, mnt in child %v, on thread %v, childNew %#x", c.name, pl.reexec, inChild, onThread, pl.childNew)
		}
		if c.mntInChild && (pl.threadNew|pl.cloneflags)&unix.CLONE_NEWNS != 0 {
			t.Errorf("%s: a new mount namespace is made before the child joined the mnt", c.name)
		}
	}
}

func init() {
	RegisterMain("test.plan", func(json.RawMessage) (json.RawMessage, int) { return nil, 0 })
}
