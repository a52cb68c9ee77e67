//go:build linux

package osthread

import (
	"os"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.Main(m)) }
