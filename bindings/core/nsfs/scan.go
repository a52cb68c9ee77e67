//go:build linux

package nsfs

import (
	"fmt"
	"runtime"
	"sync"
)

// scanProcs counts each process once per namespace any of its threads is
// in and notes the namespace files processes hold open. The pids are split
// into contiguous ranges scanned in parallel (the work is system calls on
// independent /proc entries); ranges are merged in pid order, so the first
// process seen in a namespace is its lowest pid. Workers use only paths
// relative to the /proc descriptor opened here, on the calling thread, so
// what they see does not depend on the namespaces of the threads they run
// on.
func (l *lister) scanProcs() error {
	root, err := newProcScanner(l.types)
	if err != nil {
		return err
	}
	defer root.close()
	pids := root.pids()
	chunks := split(pids, scanWorkers(len(pids)))
	results := make([]*procScan, len(chunks))
	var wg sync.WaitGroup
	for i, chunk := range chunks {
		s := root.sibling()
		wg.Go(func() { results[i] = scanRange(s, chunk) })
	}
	wg.Wait()
	for _, r := range results {
		l.merge(r)
	}
	return nil
}

// forceWorkers, when set (by tests), overrides scanWorkers.
var forceWorkers int

// scanWorkers is how many ranges to scan at once: one per CPU the runtime
// may use, at most four, and one for small process tables.
func scanWorkers(procs int) int {
	if forceWorkers > 0 {
		return forceWorkers
	}
	w := min(runtime.GOMAXPROCS(0), 4)
	if procs < 256 || w < 1 {
		return 1
	}
	return w
}

func split(pids []int, n int) [][]int {
	var out [][]int
	size := (len(pids) + n - 1) / n
	for len(pids) > 0 {
		k := min(size, len(pids))
		out = append(out, pids[:k])
		pids = pids[k:]
	}
	return out
}

// procScan is what one worker found in its range of processes.
type procScan struct {
	found  []*Namespace // in order of first sight
	byKey  map[nsKey]*Namespace
	fdRefs []fdRef
}

func scanRange(s *procScanner, pids []int) *procScan {
	r := &procScan{byKey: map[nsKey]*Namespace{}}
	seen := map[nsKey]int{} // namespace -> last pid counted
	for _, pid := range pids {
		ok := s.visitTasks(pid, func(tid int, t Type, ino uint64) {
			k := nsKey{t, ino}
			if seen[k] == pid {
				return
			}
			seen[k] = pid
			n, isNew := r.byKey[k]
			if !isNew {
				n = &Namespace{Type: t, Inode: ino, UID: -1, NetNSID: -1, PID: pid, tid: tid}
				r.byKey[k] = n
				r.found = append(r.found, n)
			}
			n.NProcs++
		})
		if !ok {
			continue
		}
		s.visitFDs(pid, func(fd int, t Type, ino uint64) {
			r.fdRefs = append(r.fdRefs, fdRef{nsKey{t, ino}, pid, fd})
		})
	}
	return r
}

// merge adds a later range's findings: counts add up, the lowest pid is
// the one seen first.
func (l *lister) merge(r *procScan) {
	for _, f := range r.found {
		n, isNew := l.add(f.Type, f.Inode)
		n.NProcs += f.NProcs
		if isNew || n.PID == 0 {
			n.PID, n.tid = f.PID, f.tid
			n.src = nsLinkPath(f.PID, f.tid, f.Type)
		}
	}
	for _, ref := range r.fdRefs {
		l.add(ref.key.t, ref.key.ino)
	}
	l.fdRefs = append(l.fdRefs, r.fdRefs...)
}

func nsLinkPath(pid, tid int, t Type) string {
	if pid == tid {
		return fmt.Sprintf("/proc/%d/ns/%s", pid, t)
	}
	return fmt.Sprintf("/proc/%d/task/%d/ns/%s", pid, tid, t)
}
