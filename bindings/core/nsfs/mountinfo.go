//go:build linux

package nsfs

import (
	"bytes"
	"os"
	"strings"
)

// Mount is an nsfs mount: a namespace file bind-mounted somewhere, the way
// `ip netns add` and `unshare --net=FILE` pin namespaces.
type Mount struct {
	Type  Type
	Inode uint64
	Path  string // the mount point
}

// Mounts lists the nsfs mounts of the calling thread's mount namespace,
// from /proc/thread-self/mountinfo.
func Mounts() ([]Mount, error) {
	data, err := os.ReadFile("/proc/thread-self/mountinfo")
	if err != nil {
		return nil, err
	}
	return parseMountinfo(data), nil
}

// parseMountinfo picks the nsfs lines out of mountinfo text: their root
// field names the namespace ("net:[4026532177]") and field 5 is the mount
// point, so no system call per mount is needed.
func parseMountinfo(data []byte) []Mount {
	var out []Mount
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if !bytes.Contains(line, []byte(" - nsfs ")) {
			continue
		}
		f := bytes.Fields(line)
		if len(f) < 5 {
			continue
		}
		t, ino, ok := ParseLink(f[3])
		if !ok {
			continue
		}
		out = append(out, Mount{Type: t, Inode: ino, Path: unescapeOctal(string(f[4]))})
	}
	return out
}

// unescapeOctal undoes mountinfo's \040-style escapes of space, tab,
// newline and backslash.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
