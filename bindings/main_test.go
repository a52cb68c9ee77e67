//go:build linux

package bindings

import (
	"os"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

func TestMain(m *testing.M) {
	Init()
	os.Exit(testutil.Main(m))
}
