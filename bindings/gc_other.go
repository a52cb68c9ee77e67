//go:build !linux

package bindings

import lua "github.com/yuin/gopher-lua"

// installCollect keeps gopher-lua's collectgarbage where there are no
// namespace handles to release.
func installCollect(*lua.LState) {}

// releaseHandles has nothing to release where there are no handles.
func releaseHandles(*lua.LState) {}
