//go:build linux

package netns

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"golang.org/x/sys/unix"
)

// ExecStep is the spawn step that gives a child the view `ip netns exec`
// gives it; its argument is the namespace name. It runs inside the child's
// new mount namespace (with / already made a recursive slave) and its
// joined network namespace.
const ExecStep = "netns.exec"

func init() { spawn.RegisterStep(ExecStep, execStep) }

// ExecSpec completes spec to run as `ip netns exec NAME` does: join the
// named network namespace, a new mount namespace with / made a recursive
// slave, a fresh /sys that shows the namespace's own links, and each
// /etc/netns/NAME/* bind-mounted over /etc/*. It returns the namespace
// handle the spec joins: close it once the child has started. A spec that
// already joins or creates a network or mount namespace, or asks for
// another propagation, conflicts and is refused (spawn.ErrBadSpec).
func ExecSpec(name string, spec spawn.Spec) (spawn.Spec, *nsfs.Handle, error) {
	if err := execConflicts(spec); err != nil {
		return spec, nil, fail("exec", name, err)
	}
	h, err := Get(name)
	if err != nil {
		return spec, nil, err
	}
	spec.Join = append(slices.Clone(spec.Join), h)
	spec.New = append(without(spec.New, nsfs.Mnt), nsfs.Mnt)
	spec.Propagation = "slave"
	spec.Steps = append([]spawn.Step{{Name: ExecStep, Arg: name}}, spec.Steps...)
	return spec, h, nil
}

func execConflicts(spec spawn.Spec) error {
	for _, j := range spec.Join {
		if j.Type() == nsfs.Net || j.Type() == nsfs.Mnt {
			return fmt.Errorf("%w: join %s: netns.exec sets the net and mnt namespaces", spawn.ErrBadSpec, j)
		}
	}
	if slices.Contains(spec.New, nsfs.Net) {
		return fmt.Errorf("%w: new net: netns.exec joins the named network namespace", spawn.ErrBadSpec)
	}
	if spec.Propagation != "" && spec.Propagation != "slave" {
		return fmt.Errorf("%w: propagation %q: netns.exec makes / a recursive slave, as ip netns exec does", spawn.ErrBadSpec, spec.Propagation)
	}
	return nil
}

func without(ts []nsfs.Type, t nsfs.Type) []nsfs.Type {
	var out []nsfs.Type
	for _, x := range ts {
		if x != t {
			out = append(out, x)
		}
	}
	return out
}

// execStep remounts /sys and binds /etc/netns/NAME/* over /etc/*, what
// iproute2's netns_switch does after it entered the namespaces.
func execStep(arg json.RawMessage) error {
	var name string
	if err := json.Unmarshal(arg, &name); err != nil {
		return err
	}
	if err := ValidateName(name); err != nil {
		return err
	}
	if err := freshSys(name); err != nil {
		return err
	}
	return bindEtc(name)
}

// freshSys replaces /sys with a sysfs mounted from inside the network
// namespace, so /sys/class/net lists its links. When the old /sys cannot
// be detached, the new one goes on top, read-only if the old one was.
func freshSys(name string) error {
	var flags uintptr
	if unix.Unmount("/sys", unix.MNT_DETACH) != nil {
		var st unix.Statfs_t
		if unix.Statfs("/sys", &st) == nil && st.Flags&unix.ST_RDONLY != 0 {
			flags = unix.MS_RDONLY
		}
	}
	if err := unix.Mount(name, "/sys", "sysfs", flags, ""); err != nil {
		return fmt.Errorf("mount sysfs on /sys: %w", err)
	}
	return nil
}

// bindEtc bind-mounts each entry of /etc/netns/NAME over the same name in
// /etc. Like iproute2 it reports an entry it cannot bind on stderr and
// goes on with the others.
func bindEtc(name string) error {
	dir := filepath.Join(EtcDir, name)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, pathCause(err))
	}
	for _, e := range entries {
		src, dst := filepath.Join(dir, e.Name()), filepath.Join("/etc", e.Name())
		if err := unix.Mount(src, dst, "none", unix.MS_BIND, ""); err != nil {
			fmt.Fprintf(os.Stderr, "nsh: netns exec %s: bind %s over %s: %v\n", name, src, dst, err)
		}
	}
	return nil
}
