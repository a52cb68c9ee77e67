//go:build linux

package bindings

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/testutil"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// TestNetnsOnForeignState: an embedder's own Lua state, running on the
// embedder's thread, can add, use and delete named namespaces, and that
// thread never changes network namespace.
func TestNetnsOnForeignState(t *testing.T) {
	testutil.RequireRoot(t)
	osthread.Pin(func() { foreignStateOnHostThread(t) }) // Pin panics if the thread moved
}

// foreignStateOnHostThread runs on the locked "host thread", whose
// namespaces must not change.
func foreignStateOnHostThread(t *testing.T) {
	before := threadNet(t)
	L := lua.NewState()
	defer L.Close()
	if err := Attach(L); err != nil {
		t.Fatal(err)
	}
	name := testutil.Name(t)
	t.Cleanup(func() { netns.Del(name) })
	code := fmt.Sprintf(`
		local h = netns.add(%q)
		h:close()
		assert(net.sysctl("net.ipv4.ip_forward", 1, {ns = %q}) == "0")
		assert(#netns.list() > 0)
		netns.del(%q)`, name, name, name)
	if err := L.DoString(code); err != nil {
		t.Fatal(err)
	}
	if after := threadNet(t); after != before {
		t.Fatalf("host thread moved from %s to %s", before, after)
	}
	if _, err := os.Stat(netns.Path(name)); !os.IsNotExist(err) {
		t.Fatalf("%s still exists: %v", name, err)
	}
}

// TestNetnsManyInRuntime adds and deletes namespaces through a runtime and
// checks that no mount, name or thread is left behind (testutil.Main checks
// threads and fds at the end of the run).
func TestNetnsManyInRuntime(t *testing.T) {
	testutil.RequireRoot(t)
	rt := newTestRuntime(t, nil)
	prefix := testutil.Name(t) + "-"
	t.Cleanup(func() { netns.DelAll(prefix) })
	code := fmt.Sprintf(`
		for i = 1, 50 do netns.add(%q .. i):close() end
		assert(#netns.del_all(%q) == 50)`, prefix, prefix)
	if err := rt.DoString(context.Background(), code, "many"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), prefix) {
		t.Fatalf("mounts left with %s", prefix)
	}
}

func threadNet(t *testing.T) string {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("net:[%d]", st.Ino)
}
