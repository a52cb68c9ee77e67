//go:build linux

package nsfs

import (
	"os"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

func TestMain(m *testing.M) {
	if nestChild() {
		return // a re-executed test binary, serving as a process in new namespaces
	}
	os.Exit(testutil.Main(m))
}
