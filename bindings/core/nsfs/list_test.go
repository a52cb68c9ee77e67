//go:build linux

package nsfs

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// lsnsRow is one namespace as `lsns -J -o NS,TYPE,NPROCS,PID,PNS,ONS`
// prints it.
type lsnsRow struct {
	NS     uint64 `json:"ns"`
	Type   Type   `json:"type"`
	NProcs int    `json:"nprocs"`
	PID    int    `json:"pid"`
	PNS    uint64 `json:"pns"`
	ONS    uint64 `json:"ons"`
}

func lsns(t *testing.T) map[nsKey]lsnsRow {
	t.Helper()
	out := testutil.Cmd(t, "lsns", "-J", "-o", "NS,TYPE,NPROCS,PID,PNS,ONS")
	var doc struct {
		Namespaces []lsnsRow `json:"namespaces"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("lsns -J: %v\n%s", err, out)
	}
	rows := map[nsKey]lsnsRow{}
	for _, r := range doc.Namespaces {
		rows[nsKey{r.Type, r.NS}] = r
	}
	return rows
}

// crossCheck compares List with lsns on the namespaces the test made for
// the given processes: inode, type, process count, lowest pid, parent and
// owner. The host's namespaces are left out: processes of the machine come
// and go between the two listings.
func crossCheck(t *testing.T, pids []int) {
	t.Helper()
	want := lsns(t)
	got := listT(t, ListOptions{})
	checked := 0
	for _, pid := range pids {
		for _, typ := range Types {
			_, ino := readlinkIno(t, fmt.Sprintf("/proc/%d/ns/%s", pid, typ))
			if _, host := readlinkIno(t, "/proc/self/ns/"+string(typ)); host == ino {
				continue
			}
			w, ok := want[nsKey{typ, ino}]
			if !ok {
				t.Errorf("lsns does not list %s:[%d] of pid %d", typ, ino, pid)
				continue
			}
			n := find(got, typ, ino)
			if n == nil {
				t.Errorf("List misses %s:[%d] of pid %d", typ, ino, pid)
				continue
			}
			g := lsnsRow{NS: n.Inode, Type: n.Type, NProcs: n.NProcs, PID: n.PID, PNS: n.Parent, ONS: n.Owner}
			if g != w {
				t.Errorf("pid %d %s: List %+v, lsns %+v", pid, typ, g, w)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("nothing cross-checked")
	}
	t.Logf("%d namespaces agree with lsns", checked)
}

// TestListMatchesLsnsUnshare nests user and pid namespaces two deep with
// unshare(1) and compares List with lsns on every namespace of the chain.
func TestListMatchesLsnsUnshare(t *testing.T) {
	testutil.RequireRoot(t)
	s := start(t, "unshare", "-Urpf", "--mount-proc", "unshare", "-Urpf", "--mount-proc", "sleep", "60")
	// unshare (user U1), its child running the inner unshare (U2, pid
	// ns1), and sleep (U2, pid ns2).
	chain := descendants(t, s.pid(), 2, "sleep")
	crossCheck(t, chain)
	checkNesting(t, User, chain[0], chain[1])
	checkNesting(t, PID, chain[1], chain[2])
	checkOwner(t, chain[2])
}

// TestListMatchesLsnsGo does the same with namespaces Go makes with clone
// flags, as nsh does: a chain of user+pid namespaces two deep.
func TestListMatchesLsnsGo(t *testing.T) {
	testutil.RequireRoot(t)
	chain, seen := startNested(t, 2)
	if seen["self"] != 1 {
		t.Errorf("innermost sees itself as pid %d, want 1", seen["self"])
	}
	crossCheck(t, chain)
	for _, typ := range []Type{User, PID} {
		checkNesting(t, typ, chain[0], chain[1])
	}
	checkOwner(t, chain[1])
}

// checkNesting checks that inner's namespace of type typ is a child of
// outer's, which is a child of this process's, through Parent.
func checkNesting(t *testing.T, typ Type, outer, inner int) {
	t.Helper()
	h0 := openT(t, "/proc/self/ns/"+string(typ))
	h1 := openT(t, fmt.Sprintf("/proc/%d/ns/%s", outer, typ))
	h2 := openT(t, fmt.Sprintf("/proc/%d/ns/%s", inner, typ))
	if h0.Same(h1) || h1.Same(h2) {
		t.Fatalf("%s: not nested: %s %s %s", typ, h0, h1, h2)
	}
	p2, err := h2.Parent()
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()
	p1, err := p2.Parent()
	if err != nil {
		t.Fatal(err)
	}
	defer p1.Close()
	if !p2.Same(h1) || !p1.Same(h0) {
		t.Errorf("%s: parents of %s are %s, %s; want %s, %s", typ, h2, p2, p1, h1, h0)
	}
}

// checkOwner checks that pid's pid namespace is owned by its user
// namespace, whose creator is root.
func checkOwner(t *testing.T, pid int) {
	t.Helper()
	u := openT(t, fmt.Sprintf("/proc/%d/ns/user", pid))
	p := openT(t, fmt.Sprintf("/proc/%d/ns/pid", pid))
	o, err := p.Owner()
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if !o.Same(u) {
		t.Errorf("owner of %s is %s, want %s", p, o, u)
	}
	if uid, err := u.OwnerUID(); err != nil || uid != 0 {
		t.Errorf("owner uid of %s: %d, %v", u, uid, err)
	}
}

// TestListPinnedAndFDOnly checks that namespaces no process is in appear:
// one pinned only by a bind mount (unshare --net=FILE) and one held only by
// an open descriptor of a sleeping process.
func TestListPinnedAndFDOnly(t *testing.T) {
	testutil.RequireRoot(t)
	pin := filepath.Join(testutil.TempDir(t), "net")
	if err := os.WriteFile(pin, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	testutil.Cmd(t, "unshare", "--net="+pin, "true")
	t.Cleanup(func() { Unpin(pin) })
	h := openT(t, pin)
	pinned := h.Inode()
	closeT(t, h)

	s := start(t, "unshare", "--net", "sh", "-c", "exec 7</proc/self/ns/net; readlink /proc/self/ns/net; exec unshare --net sleep 60")
	_, held, ok := ParseLink([]byte(s.line(t)))
	if !ok {
		t.Fatal("no net namespace link printed")
	}
	sleeper := descendants(t, s.pid(), 0, "sleep")[0]

	list := listT(t, ListOptions{Types: []Type{Net}})
	n := find(list, Net, pinned)
	if n == nil || n.NProcs != 0 || n.PID != 0 || len(n.Paths) == 0 || n.Paths[0] != pin {
		t.Errorf("pinned-only namespace net:[%d]: %+v, want no processes and path %s", pinned, n, pin)
	}
	n = find(list, Net, held)
	wantPath := fmt.Sprintf("/proc/%d/fd/7", sleeper)
	if n == nil || n.NProcs != 0 || len(n.Paths) != 1 || n.Paths[0] != wantPath {
		t.Errorf("fd-only namespace net:[%d]: %+v, want path %s", held, n, wantPath)
	}
	if n != nil && (n.Owner == 0 || n.ID == 0) {
		t.Errorf("fd-only namespace not asked about: owner %d id %d", n.Owner, n.ID)
	}
	for _, x := range list {
		if x.Type != Net {
			t.Errorf("List{Types: net} returned %s", x)
		}
	}
}

// TestListRecords checks the process columns against /proc and each
// record's id against NS_GET_ID.
func TestListRecords(t *testing.T) {
	testutil.RequireRoot(t)
	s := start(t, "unshare", "--uts", "sleep", "60")
	pid := descendants(t, s.pid(), 0, "sleep")[0]
	h := openT(t, fmt.Sprintf("/proc/%d/ns/uts", pid))
	n := find(listT(t, ListOptions{}), UTS, h.Inode())
	if n == nil {
		t.Fatalf("List misses %s", h)
	}
	id, _ := h.ID()
	want := Namespace{Type: UTS, Inode: h.Inode(), ID: id, NProcs: 1, PID: pid, PPID: os.Getpid(),
		Command: "sleep 60", UID: 0, User: "root", NetNSID: -1}
	got := *n
	got.Owner, got.Parent, got.Paths, got.src, got.tid = 0, 0, nil, "", 0
	if got.PPID == s.pid() { // unshare forks no child for uts: sleep is unshare itself
		want.PPID = s.pid()
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("record\n got %+v\nwant %+v", got, want)
	}
	if !strings.HasPrefix(n.String(), fmt.Sprintf("uts:[%d] 1 procs", h.Inode())) {
		t.Errorf("String() = %q", n.String())
	}
}

// TestPIDs checks Handle.PIDs against the processes the test made.
func TestPIDs(t *testing.T) {
	testutil.RequireRoot(t)
	s := start(t, "unshare", "--ipc", "sh", "-c", "sleep 60 & sleep 60 & echo ready; wait")
	s.line(t)
	h := openT(t, fmt.Sprintf("/proc/%d/ns/ipc", s.pid()))
	kids := children(s.pid())
	want := append([]int{s.pid()}, kids...)
	got, err := h.PIDs()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("PIDs = %v, want %v", got, want)
	}
}

// TestListParallelMatchesSerial checks that scanning /proc in several
// ranges at once and merging them gives what one scan gives: the same
// counts and lowest pids for namespaces the test made, spread over the
// process table.
func TestListParallelMatchesSerial(t *testing.T) {
	testutil.RequireRoot(t)
	var pids []int
	for i := 0; i < 6; i++ {
		s := start(t, "unshare", "--uts", "--ipc", "sh", "-c", "sleep 60 & sleep 60 & echo ready; wait")
		s.line(t)
		pids = append(pids, s.pid())
	}
	defer func() { forceWorkers = 0 }()
	var runs [][]*Namespace
	for _, w := range []int{1, 3, 7} {
		forceWorkers = w
		runs = append(runs, listT(t, ListOptions{}))
	}
	// The host's namespaces span every range: the lowest pid must come
	// from the first, whatever the number of ranges.
	_, hostUTS := readlinkIno(t, "/proc/self/ns/uts")
	for i, list := range runs {
		if n := find(list, UTS, hostUTS); n == nil || n.PID != find(runs[0], UTS, hostUTS).PID || n.NProcs < 10 {
			t.Errorf("run %d: host uts namespace %+v", i, n)
		}
	}
	for _, pid := range pids {
		for _, typ := range []Type{UTS, IPC} {
			_, ino := readlinkIno(t, fmt.Sprintf("/proc/%d/ns/%s", pid, typ))
			var seen []string
			for _, list := range runs {
				n := find(list, typ, ino)
				if n == nil {
					t.Fatalf("%s:[%d] missing from a run", typ, ino)
				}
				seen = append(seen, fmt.Sprintf("%d procs pid %d owner %d id %d", n.NProcs, n.PID, n.Owner, n.ID))
			}
			if seen[0] != seen[1] || seen[0] != seen[2] || !strings.HasPrefix(seen[0], fmt.Sprintf("3 procs pid %d ", pid)) {
				t.Errorf("%s:[%d]: 1, 3 and 7 workers gave %q", typ, ino, seen)
			}
		}
	}
}

// TestListNetNSID checks the netnsid column for a named network namespace
// given an id with `ip netns set`, against `ip netns list` (iproute2 asks
// the kernel for the id of that very namespace) and lsns, and that a
// namespace without an id has none. Ids are reused once a namespace's
// teardown (asynchronous in the kernel) ends, so the id is not predictable
// while other tests create and delete namespaces: each tool is asked about
// the namespace this test holds. lsns gets a process inside the namespace,
// since lsns 2.38 reports a wrong netnsid for a namespace it finds only
// through an open fd (it asks by the holder's pid).
func TestListNetNSID(t *testing.T) {
	testutil.RequireRoot(t)
	if !testutil.HasTool("ip") {
		t.Skip("ip (iproute2) is not installed")
	}
	name := testutil.Name(t)
	testutil.Cmd(t, "ip", "netns", "add", name)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	testutil.Cmd(t, "ip", "netns", "set", name, "auto")
	h := openT(t, "/run/netns/"+name)
	inside := start(t, "ip", "netns", "exec", name, "sleep", "60")
	descendants(t, inside.pid(), 0, "sleep")
	fromIP := ipNetnsID(t, name)
	fromLsns := lsnsNetNSID(t, h.Inode())
	listed := find(listT(t, ListOptions{Types: []Type{Net}}), Net, h.Inode())
	if listed == nil || fromIP < 0 || listed.NetNSID != fromIP || fromLsns != fromIP {
		t.Errorf("netnsid of %s: List %+v (netnsid %v), ip netns list %d, lsns %d", h, listed, netnsidOf(listed), fromIP, fromLsns)
	}
	if listed != nil && !slices.Contains(listed.Paths, "/run/netns/"+name) {
		t.Errorf("path of %s: %v", h, listed.Paths)
	}
	s := start(t, "unshare", "--net", "sleep", "60")
	other := openT(t, fmt.Sprintf("/proc/%d/ns/net", descendants(t, s.pid(), 0, "sleep")[0]))
	if n := find(listT(t, ListOptions{Types: []Type{Net}}), Net, other.Inode()); n == nil || n.NetNSID != -1 {
		t.Errorf("netns without an id: %+v (netnsid %v)", n, netnsidOf(n))
	}
}

// ipNetnsID returns the id `ip netns list` shows for the named namespace
// ("NAME (id: N)"), or -1.
func ipNetnsID(t *testing.T, name string) int {
	t.Helper()
	for _, line := range strings.Split(testutil.Cmd(t, "ip", "netns", "list"), "\n") {
		var id int
		if rest, ok := strings.CutPrefix(line, name+" (id: "); ok {
			if _, err := fmt.Sscanf(rest, "%d)", &id); err == nil {
				return id
			}
		}
	}
	return -1
}

// lsnsNetNSID returns lsns's netnsid for the net namespace ino, or -1.
func lsnsNetNSID(t *testing.T, ino uint64) int {
	t.Helper()
	out := testutil.Cmd(t, "lsns", "-n", "-r", "-o", "NS,NETNSID", "-t", "net")
	for _, line := range strings.Split(out, "\n") {
		var got uint64
		var id int
		if n, _ := fmt.Sscan(line, &got, &id); n == 2 && got == ino {
			return id
		}
	}
	return -1
}

func netnsidOf(n *Namespace) any {
	if n == nil {
		return nil
	}
	return n.NetNSID
}

// TestRelateChecksSources checks that relate asks only the namespace a
// record names: a source path that now names a regular file (a removed
// pin) or another namespace (a reused pid or fd number) is passed over,
// and does not stop the others being asked.
func TestRelateChecksSources(t *testing.T) {
	testutil.RequireRoot(t)
	file := filepath.Join(testutil.TempDir(t), "was-a-pin")
	if err := os.WriteFile(file, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	_, uts := readlinkIno(t, "/proc/self/ns/uts")
	_, ipc := readlinkIno(t, "/proc/self/ns/ipc")
	l := &lister{byKey: map[nsKey]*Namespace{}, types: Types}
	removed, _ := l.add(Net, 1)
	removed.src = file
	reused, _ := l.add(UTS, 2)
	reused.src = "/proc/self/ns/uts" // names uts:[uts], not uts:[2]
	good, _ := l.add(IPC, ipc)
	good.src = "/proc/self/ns/ipc"
	l.relate()
	for _, n := range []*Namespace{removed, reused} {
		if n.ID != 0 || n.Owner != 0 {
			t.Errorf("%s asked through %s, which names something else: id %d owner %d", n, n.src, n.ID, n.Owner)
		}
	}
	if good.ID == 0 || good.Owner == 0 {
		t.Errorf("%s not asked: id %d owner %d", good, good.ID, good.Owner)
	}
	if _, ok := l.byKey[nsKey{UTS, uts}]; ok {
		t.Errorf("the namespace behind a reused path was added")
	}
}
