//go:build linux

package ns

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
)

// TestBuildTree checks the three relations of ns.tree on a made-up set of
// namespaces: init user U0 owning net N0 and child user U1, which owns pid
// P1 (child of P0) and net N1; processes 1 (in P0, N0) and 7 (its child,
// in P1, N1).
func TestBuildTree(t *testing.T) {
	list := []*nsfs.Namespace{
		{Type: nsfs.Net, Inode: 10, Owner: 100, PID: 1},
		{Type: nsfs.Net, Inode: 11, Owner: 101, PID: 7, PPID: 1},
		{Type: nsfs.PID, Inode: 20, Owner: 100, PID: 1},
		{Type: nsfs.PID, Inode: 21, Owner: 101, Parent: 20, PID: 7, PPID: 1},
		{Type: nsfs.User, Inode: 100, PID: 1},
		{Type: nsfs.User, Inode: 101, Owner: 100, Parent: 100, PID: 7, PPID: 1},
	}
	tests := map[string]string{
		"owner":   "user:100(net:10 pid:20 user:101(net:11 pid:21))",
		"parent":  "net:10 net:11 pid:20(pid:21) user:100(user:101)",
		"process": "net:10(net:11) pid:20(pid:21) user:100(user:101)",
	}
	for by, want := range tests {
		if got := renderTree(buildTree(list, by)); got != want {
			t.Errorf("tree by %s:\n got %s\nwant %s", by, got, want)
		}
	}
}

func renderTree(nodes []*treeNode) string {
	var parts []string
	for _, n := range nodes {
		s := fmt.Sprintf("%s:%d", n.ns.Type, n.ns.Inode)
		if len(n.children) > 0 {
			s += "(" + renderTree(n.children) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}
