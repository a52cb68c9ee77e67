//go:build linux

package nsfs

// PIDs lists, ascending, the processes with at least one thread in the
// handle's namespace, found through /proc/*/task/*/ns. Processes the
// caller may not inspect are passed over.
func (h *Handle) PIDs() ([]int, error) {
	if err := h.check(); err != nil {
		return nil, err
	}
	return PIDsIn(h.typ, h.ino)
}

// PIDsIn lists the processes in the namespace of type t with inode ino.
func PIDsIn(t Type, ino uint64) ([]int, error) {
	s, err := newProcScanner([]Type{t})
	if err != nil {
		return nil, err
	}
	defer s.close()
	out := []int{}
	for _, pid := range s.pids() {
		in := false
		s.visitTasks(pid, func(_ int, _ Type, got uint64) {
			in = in || got == ino
		})
		if in {
			out = append(out, pid)
		}
	}
	return out, nil
}
