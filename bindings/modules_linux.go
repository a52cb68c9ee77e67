//go:build linux

package bindings

import (
	"github.com/nsh-lua/nsh/bindings/modules/net"
	"github.com/nsh-lua/nsh/bindings/modules/netns"
	"github.com/nsh-lua/nsh/bindings/modules/ns"
	"github.com/nsh-lua/nsh/bindings/modules/nsh"
	"github.com/nsh-lua/nsh/bindings/modules/topo"
	"github.com/nsh-lua/nsh/bindings/vocab"
)

// Modules is the explicit, ordered list of the modules every runtime
// opens. A new module is one package under bindings/modules and one line
// here.
func Modules() vocab.Set {
	return vocab.Set{
		ns.Module(),
		netns.Module(),
		net.Link(),
		net.Addr(),
		net.Route(),
		net.Net(),
		topo.Module(),
		nsh.Module(),
	}
}

// Version is nsh's version, as `nsh -v` and nsh.version report it.
const Version = nsh.Version
