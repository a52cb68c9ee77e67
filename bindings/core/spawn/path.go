//go:build linux

package spawn

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// lookPath finds the command name as execvp(3) would, inside root (empty:
// this thread's root) and relative to dir for names with a slash. It runs
// on the thread that will start the child, so it sees the child's mount
// namespace. env is the child's environment (nil: ours) for PATH.
func lookPath(root, dir, name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	pathVar, ok := getenv(env, "PATH")
	if !ok {
		pathVar = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	for _, d := range filepath.SplitList(pathVar) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, name)
		check := p
		if !filepath.IsAbs(p) && dir != "" {
			check = filepath.Join(dir, p)
		}
		if root != "" {
			check = filepath.Join(root, check)
		}
		if isExecutable(check) {
			if !filepath.IsAbs(p) {
				p = "./" + p
			}
			return p, nil
		}
	}
	return "", fmt.Errorf("exec %s: executable file not found in $PATH: %w", name, unix.ENOENT)
}

// checkDirs names a missing root or (absolute) working directory, which
// would otherwise show as the command not being found or as a bare ENOENT
// from fork/exec. It runs where lookPath does.
func checkDirs(root, dir string) error {
	isDir := func(what, path string) error {
		var st unix.Stat_t
		if err := unix.Stat(path, &st); err != nil {
			return fmt.Errorf("%s %s: %w", what, path, err)
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return fmt.Errorf("%s %s: %w", what, path, unix.ENOTDIR)
		}
		return nil
	}
	if root != "" {
		if err := isDir("root", root); err != nil {
			return err
		}
	}
	if filepath.IsAbs(dir) {
		return isDir("dir", filepath.Join("/", root, dir))
	}
	return nil
}

func isExecutable(path string) bool {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil || st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return false
	}
	return unix.Access(path, unix.X_OK) == nil
}

func getenv(env []string, key string) (string, bool) {
	if env == nil {
		return os.LookupEnv(key)
	}
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v, true
		}
	}
	return "", false
}

// openCgroup opens a cgroup v2 directory for CLONE_INTO_CGROUP; a relative
// path is taken from the cgroup2 mount point.
func openCgroup(path string) (*os.File, error) {
	if !filepath.IsAbs(path) {
		mnt, err := cgroup2Mount()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(mnt, path)
	}
	f, err := os.OpenFile(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("cgroup: %w", err)
	}
	return f, nil
}

func cgroup2Mount() (string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "", fmt.Errorf("cgroup: %w", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		for i, fld := range fields {
			if fld == "-" && i+1 < len(fields) && fields[i+1] == "cgroup2" {
				return fields[4], nil
			}
		}
	}
	return "", fmt.Errorf("cgroup: no cgroup2 file system mounted: %w", unix.ENOENT)
}
