//go:build linux

package nsfs

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseLink(t *testing.T) {
	tests := []struct {
		in   string
		typ  Type
		ino  uint64
		isNS bool
	}{
		{"net:[4026531833]", Net, 4026531833, true},
		{"user:[1]", User, 1, true},
		{"cgroup:[4026531835]", Cgroup, 4026531835, true},
		{"socket:[12345]", "", 0, false},
		{"pipe:[12345]", "", 0, false},
		{"/run/netns/net:[1]", "", 0, false},
		{"net:[]", "", 0, false},
		{"net:[12a]", "", 0, false},
		{"net:12", "", 0, false},
		{"nett:[12]", "", 0, false},
		{"", "", 0, false},
		{"anon_inode:[eventpoll]", "", 0, false},
	}
	for _, tc := range tests {
		typ, ino, ok := ParseLink([]byte(tc.in))
		if ok != tc.isNS || typ != tc.typ || ino != tc.ino {
			t.Errorf("ParseLink(%q) = %q, %d, %v; want %q, %d, %v", tc.in, typ, ino, ok, tc.typ, tc.ino, tc.isNS)
		}
	}
}

func TestParseMountinfo(t *testing.T) {
	in := "22 27 0:21 / /proc rw,relatime - proc proc rw\n" +
		"512 27 0:4 net:[4026532177] /run/netns/a rw - nsfs nsfs rw\n" +
		"513 27 0:4 user:[4026532180] /tmp/with\\040space rw shared:5 - nsfs nsfs rw\n" +
		"514 27 0:4 / /weird rw - nsfs nsfs rw\n" +
		"515 27 0:4 net:[7] /no-newline rw - nsfs nsfs rw"
	want := []Mount{
		{Net, 4026532177, "/run/netns/a"},
		{User, 4026532180, "/tmp/with space"},
		{Net, 7, "/no-newline"},
	}
	if got := parseMountinfo([]byte(in)); !reflect.DeepEqual(got, want) {
		t.Errorf("parseMountinfo = %+v, want %+v", got, want)
	}
}

func TestParseStat(t *testing.T) {
	tests := []struct {
		in   string
		comm string
		ppid int
	}{
		{"1 (init) S 0 1 1", "init", 0},
		{"42 (a (b) c) R 17 42 42", "a (b) c", 17},
		{"7 (x y) S 3", "x y", 3},
		{"garbage", "", 0},
	}
	for _, tc := range tests {
		comm, ppid := parseStat([]byte(tc.in))
		if comm != tc.comm || ppid != tc.ppid {
			t.Errorf("parseStat(%q) = %q, %d; want %q, %d", tc.in, comm, ppid, tc.comm, tc.ppid)
		}
	}
}

func TestCommandLine(t *testing.T) {
	if got := commandLine([]byte("sleep\x0060\x00")); got != "sleep 60" {
		t.Errorf("commandLine = %q", got)
	}
	if got := commandLine(nil); got != "" {
		t.Errorf("commandLine(nil) = %q", got)
	}
}

func TestParseType(t *testing.T) {
	for _, name := range []string{"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"} {
		if _, err := ParseType(name); err != nil {
			t.Errorf("ParseType(%q): %v", name, err)
		}
	}
	for _, name := range []string{"", "network", "NET", "pid_for_children", "mount"} {
		_, err := ParseType(name)
		if err == nil || !contains(err.Error(), "cgroup, ipc, mnt, net, pid, time, user, uts") {
			t.Errorf("ParseType(%q) = %v; want an error listing the valid types", name, err)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestFlagsMatchUnix checks the spelled-out clone flags against x/sys/unix.
func TestFlagsMatchUnix(t *testing.T) {
	want := map[Type]int{Cgroup: unix.CLONE_NEWCGROUP, IPC: unix.CLONE_NEWIPC, Mnt: unix.CLONE_NEWNS, Net: unix.CLONE_NEWNET,
		PID: unix.CLONE_NEWPID, Time: unix.CLONE_NEWTIME, User: unix.CLONE_NEWUSER, UTS: unix.CLONE_NEWUTS}
	for typ, f := range want {
		if typ.Flag() != f {
			t.Errorf("%s: flag %#x, unix says %#x", typ, typ.Flag(), f)
		}
		if back, ok := TypeOfFlag(f); !ok || back != typ {
			t.Errorf("TypeOfFlag(%#x) = %s, %v", f, back, ok)
		}
	}
	if Flags([]Type{Net, UTS}) != unix.CLONE_NEWNET|unix.CLONE_NEWUTS {
		t.Error("Flags(net, uts)")
	}
}

// TestRequestNumbers checks the ioctl numbers against x/sys/unix where it
// has them (it has all of them on amd64).
func TestRequestNumbers(t *testing.T) {
	want := map[string]uint{
		"NS_GET_USERNS": unix.NS_GET_USERNS, "NS_GET_PARENT": unix.NS_GET_PARENT, "NS_GET_NSTYPE": unix.NS_GET_NSTYPE,
		"NS_GET_OWNER_UID": unix.NS_GET_OWNER_UID, "NS_GET_MNTNS_ID": unix.NS_GET_MNTNS_ID, "NS_GET_ID": unix.NS_GET_ID,
		"NS_GET_PID_FROM_PIDNS": unix.NS_GET_PID_FROM_PIDNS, "NS_GET_TGID_FROM_PIDNS": unix.NS_GET_TGID_FROM_PIDNS,
		"NS_GET_PID_IN_PIDNS": unix.NS_GET_PID_IN_PIDNS, "NS_GET_TGID_IN_PIDNS": unix.NS_GET_TGID_IN_PIDNS,
	}
	if len(Requests) != len(want) {
		t.Errorf("%d requests, want %d", len(Requests), len(want))
	}
	for name, num := range want {
		if r, ok := Requests[name]; !ok || r.Num != num || r.Name != name {
			t.Errorf("%s: %+v, want number %#x", name, r, num)
		}
	}
}
