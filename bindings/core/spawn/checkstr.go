//go:build linux

package spawn

import "strings"

// checkNUL refuses strings the kernel would cut at a NUL byte (or execve
// would refuse with a bare EINVAL): the argv, the environment, the
// hostname and the paths.
func checkNUL(spec *Spec) error {
	for i, a := range spec.Argv {
		if strings.IndexByte(a, 0) >= 0 {
			return badSpec("argv[%d] contains a NUL byte", i+1)
		}
	}
	for i, e := range spec.Env {
		if strings.IndexByte(e, 0) >= 0 {
			return badSpec("env entry %d contains a NUL byte", i+1)
		}
	}
	for _, f := range []struct{ name, v string }{
		{"hostname", spec.Hostname}, {"root", spec.Root}, {"dir", spec.Dir}, {"cgroup", spec.Cgroup},
	} {
		if strings.IndexByte(f.v, 0) >= 0 {
			return badSpec("%s contains a NUL byte", f.name)
		}
	}
	if len(spec.Hostname) > hostNameMax {
		return badSpec("hostname is %d bytes long, the kernel allows %d", len(spec.Hostname), hostNameMax)
	}
	return nil
}

// hostNameMax is the kernel's limit on a hostname (HOST_NAME_MAX).
const hostNameMax = 64
