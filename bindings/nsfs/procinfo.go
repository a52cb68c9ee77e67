//go:build linux

package nsfs

import (
	"bytes"
	"os"
	"os/user"
	"strconv"

	"golang.org/x/sys/unix"
)

// ProcInfo is what lsns shows of a namespace's lowest process.
type ProcInfo struct {
	PID, PPID int
	Command   string // command line, or the name of a kernel thread
	UID       int
	User      string
}

// ReadProcInfo reads /proc/PID/stat, /proc/PID/cmdline and the owner of
// /proc/PID.
func ReadProcInfo(pid int) (ProcInfo, error) {
	dir := "/proc/" + strconv.Itoa(pid)
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return ProcInfo{}, err
	}
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return ProcInfo{}, err
	}
	p := ProcInfo{PID: pid, UID: int(st.Uid)}
	name, ppid := parseStat(stat)
	p.PPID = ppid
	cmd, _ := os.ReadFile(dir + "/cmdline")
	p.Command = commandLine(cmd)
	if p.Command == "" {
		p.Command = name
	}
	return p, nil
}

// parseStat takes comm and ppid from /proc/PID/stat: "PID (comm) S PPID …";
// comm may hold spaces and parentheses, so the last ')' ends it.
func parseStat(b []byte) (string, int) {
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return "", 0
	}
	f := bytes.Fields(b[end+1:])
	if len(f) < 2 {
		return string(b[open+1 : end]), 0
	}
	ppid, _ := strconv.Atoi(string(f[1]))
	return string(b[open+1 : end]), ppid
}

// commandLine joins the NUL-separated arguments with spaces, as lsns does.
func commandLine(b []byte) string {
	b = bytes.TrimRight(b, "\x00")
	return string(bytes.ReplaceAll(b, []byte{0}, []byte{' '}))
}

// userNames caches uid -> name lookups for one listing.
type userNames map[int]string

func (u userNames) name(uid int) string {
	if n, ok := u[uid]; ok {
		return n
	}
	n := strconv.Itoa(uid)
	if usr, err := user.LookupId(n); err == nil {
		n = usr.Username
	}
	u[uid] = n
	return n
}

// describeProcs fills the process columns of each namespace from its
// lowest pid, reading each such process once.
func (l *lister) describeProcs() {
	infos := map[int]*ProcInfo{}
	users := userNames{}
	for _, n := range l.byKey {
		if n.PID == 0 {
			continue
		}
		p, ok := infos[n.PID]
		if !ok {
			if info, err := ReadProcInfo(n.PID); err == nil {
				info.User = users.name(info.UID)
				p = &info
			}
			infos[n.PID] = p
		}
		if p == nil {
			continue // exited since the scan
		}
		n.PPID, n.Command, n.UID, n.User = p.PPID, p.Command, p.UID, p.User
	}
}
