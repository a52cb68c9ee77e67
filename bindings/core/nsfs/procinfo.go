//go:build linux

package nsfs

import (
	"bytes"
	"os/user"
	"strconv"

	"golang.org/x/sys/unix"
)

// procInfo is what lsns shows of a namespace's lowest process.
type procInfo struct {
	PID, PPID int
	Command   string // command line, or the name of a kernel thread
	UID       int
	User      string
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
// lowest pid, reading each such process once: the owner of /proc/PID, its
// stat and its cmdline, through the scanner's raw calls.
func (l *lister) describeProcs() {
	s, err := newProcScanner(nil)
	if err != nil {
		return
	}
	defer s.close()
	infos := map[int]*procInfo{}
	users := userNames{}
	buf := make([]byte, 4096)
	for _, n := range l.byKey {
		if n.PID == 0 {
			continue
		}
		p, ok := infos[n.PID]
		if !ok {
			p = s.procInfo(n.PID, buf)
			if p != nil {
				p.User = users.name(p.UID)
			}
			infos[n.PID] = p
		}
		if p == nil {
			continue // exited since the scan
		}
		n.PPID, n.Command, n.UID, n.User = p.PPID, p.Command, p.UID, p.User
	}
}

func (s *procScanner) procInfo(pid int, buf []byte) *procInfo {
	var st unix.Stat_t
	s.setPathNum(pid, "")
	if !s.stat(s.proc, &st) {
		return nil
	}
	s.setPathNum(pid, "/stat")
	stat := s.readFile(s.proc, buf)
	if stat == nil {
		return nil
	}
	name, ppid := parseStat(stat)
	p := &procInfo{PID: pid, PPID: ppid, UID: int(st.Uid)}
	s.setPathNum(pid, "/cmdline")
	if p.Command = commandLine(s.readFile(s.proc, buf)); p.Command == "" {
		p.Command = name
	}
	return p
}
