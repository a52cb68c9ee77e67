// Package lua holds the parts of nsh's library written in Lua itself, such
// as the topology DSL, embedded into the binary.
package lua

import "embed"

// Files holds every .lua file of this directory.
//
//go:embed *.lua
var Files embed.FS
