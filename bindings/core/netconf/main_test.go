//go:build linux

package netconf_test

import (
	"os"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		ledgerChild() // a lab builder that the test kills; never returns
	}
	os.Exit(testutil.Main(m))
}
