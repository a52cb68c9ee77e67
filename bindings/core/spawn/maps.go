//go:build linux

package spawn

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// checkMaps refuses maps the kernel would refuse for reasons visible in the
// maps themselves (user_namespaces(7)): empty or negative ranges, too many
// lines, overlapping ranges.
func checkMaps(spec *Spec) error {
	for _, m := range []struct {
		name  string
		lines []IDMap
	}{{"uid_map", spec.UIDMap}, {"gid_map", spec.GIDMap}} {
		if len(m.lines) > 340 {
			return badSpec("%s: %d lines, the kernel allows 340", m.name, len(m.lines))
		}
		for i, l := range m.lines {
			if l.Count <= 0 || l.Inside < 0 || l.Outside < 0 {
				return badSpec("%s line %d {%d, %d, %d}: ids must be >= 0 and count > 0",
					m.name, i+1, l.Inside, l.Outside, l.Count)
			}
			// The kernel reads the numbers as 32-bit and would wrap a
			// larger one (2^32 would map root); (uid_t)-1 is no id.
			if l.Count > maxID || l.Inside > maxID-l.Count || l.Outside > maxID-l.Count {
				return badSpec("%s line %d {%d, %d, %d}: ids must stay below 4294967295",
					m.name, i+1, l.Inside, l.Outside, l.Count)
			}
		}
	}
	return nil
}

// maxID bounds the ids a map line may reach: one past the last valid id
// ((uid_t)-1 is reserved).
const maxID = 1<<32 - 1

// sysMaps converts the spec's maps to os/exec's form.
func sysMaps(spec *Spec) (uids, gids []syscall.SysProcIDMap, setgroups bool) {
	if spec.MapRoot {
		one := func(id int) []syscall.SysProcIDMap {
			return []syscall.SysProcIDMap{{ContainerID: 0, HostID: id, Size: 1}}
		}
		return one(os.Geteuid()), one(os.Getegid()), false
	}
	conv := func(ms []IDMap) []syscall.SysProcIDMap {
		var out []syscall.SysProcIDMap
		for _, m := range ms {
			out = append(out, syscall.SysProcIDMap{ContainerID: m.Inside, HostID: m.Outside, Size: m.Count})
		}
		return out
	}
	return conv(spec.UIDMap), conv(spec.GIDMap), spec.Setgroups != "deny"
}

// explainMapError names the map the kernel refused when starting a child
// with ID maps failed: it retries each map alone in a throwaway user
// namespace (only on this error path) and reports the first one refused.
func explainMapError(spec *Spec, err error) error {
	var errno syscall.Errno
	if !errors.As(err, &errno) || (len(spec.UIDMap) == 0 && len(spec.GIDMap) == 0) {
		return err
	}
	uids, gids, setgroups := sysMaps(spec)
	try := func(u, g []syscall.SysProcIDMap) error {
		cmd := exec.Command("/proc/self/exe")
		cmd.Args = []string{"nsh-map-probe"}
		cmd.Env = []string{envChild + "=probe"}
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER,
			UidMappings: u, GidMappings: g, GidMappingsEnableSetgroups: setgroups,
			Pdeathsig: syscall.SIGKILL}
		if e := cmd.Start(); e != nil {
			return e
		}
		cmd.Process.Kill()
		cmd.Wait()
		return nil
	}
	if len(uids) > 0 {
		if e := try(uids, nil); e != nil {
			return fmt.Errorf("uid_map %s refused: %w", mapText(spec.UIDMap), errno)
		}
	}
	if len(gids) > 0 {
		if e := try(nil, gids); e != nil {
			return fmt.Errorf("gid_map %s refused: %w", mapText(spec.GIDMap), errno)
		}
	}
	return fmt.Errorf("uid_map %s / gid_map %s refused: %w", mapText(spec.UIDMap), mapText(spec.GIDMap), errno)
}

// insideCredential picks the ids the child takes on inside its new user
// namespace when explicit maps do not cover our own ids (then the child
// would be the overflow id): root when 0 is mapped, else the first id
// mapped, as a process entering a container starts. nil keeps ours.
func insideCredential(spec *Spec) *syscall.Credential {
	if spec.MapRoot || (len(spec.UIDMap) == 0 && len(spec.GIDMap) == 0) {
		return nil
	}
	pick := func(ms []IDMap, own int) (uint32, bool) {
		for _, m := range ms {
			if own >= m.Outside && own < m.Outside+m.Count {
				return uint32(m.Inside + own - m.Outside), true
			}
		}
		for _, m := range ms {
			if m.Inside == 0 {
				return 0, true
			}
		}
		if len(ms) > 0 {
			return uint32(ms[0].Inside), true
		}
		return 0, false
	}
	uid, okU := pick(spec.UIDMap, os.Geteuid())
	gid, okG := pick(spec.GIDMap, os.Getegid())
	if !okU || !okG {
		return nil // an id stays unmapped: the kernel would refuse setresuid/gid
	}
	return &syscall.Credential{Uid: uid, Gid: gid, NoSetGroups: spec.Setgroups == "deny"}
}

// mapText renders map lines as Lua writes them: {0, 100000, 65536}, ….
func mapText(ms []IDMap) string {
	s := ""
	for i, m := range ms {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("{%d, %d, %d}", m.Inside, m.Outside, m.Count)
	}
	return s
}
