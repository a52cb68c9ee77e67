//go:build !linux

package bindings

import "github.com/nsh-lua/nsh/bindings/vocab"

// Modules is empty where Linux namespaces do not exist: the runtime still
// runs plain Lua.
func Modules() vocab.Set { return nil }

// Version is nsh's version, as `nsh -v` reports it.
const Version = "0.1.0"
