//go:build linux

package netconf_test

import (
	"os"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.Main(m)) }
