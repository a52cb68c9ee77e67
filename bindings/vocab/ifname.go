//go:build linux

package vocab

import (
	"errors"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	lua "github.com/yuin/gopher-lua"
)

// IfName checks an interface name with the kernel's rules as core/netconf
// states them: the one rule every option and argument naming a link uses.
func IfName(name string) error {
	err := netconf.ValidLinkName("", name)
	var ne *netconf.Error
	if errors.As(err, &ne) {
		return ne.Err
	}
	return err
}

// CheckIfName returns argument n as an interface name.
func CheckIfName(L *lua.LState, n int) string {
	name := CheckString(L, n)
	if msg := BadName(name, IfNameMax); msg != "" {
		L.ArgError(n, "interface name "+msg)
	}
	if err := IfName(name); err != nil {
		L.ArgError(n, "interface name "+Quote(name)+" is not valid: "+err.Error())
	}
	return name
}
