package vocab

import (
	"io"

	lua "github.com/yuin/gopher-lua"
)

// Host is what modules need of the runtime that owns a Lua state: where
// output goes, the sources of chunks, and the list of what to release when
// the runtime closes. States nsh was attached to have no Host.
type Host interface {
	// Track registers c to be closed when the runtime closes.
	Track(c io.Closer)
	// Untrack forgets c, once the script closed it itself.
	Untrack(c io.Closer)
	// Stdout receives print and the output of commands that inherit it.
	Stdout() io.Writer
	// Stderr receives diagnostics.
	Stderr() io.Writer
	// Source returns the text of a chunk the runtime loaded.
	Source(chunk string) (string, bool)
	// Compile compiles src as a chunk named name, with every mend.
	Compile(src, name string) (*lua.LFunction, error)
	// Modules is the module set the runtime opened.
	Modules() Set
}

// Notifier is a tracked object that says what closing it will do, when a
// person should hear it before the shell exits: a lab it tears down.
type Notifier interface {
	// CloseNotice describes what Close will undo, "" when nothing.
	CloseNotice() string
}

const hostKey = "nsh.host"

// setRegistry keeps a Go value in L's registry under key.
func setRegistry(L *lua.LState, key string, v any) {
	ud := L.NewUserData()
	ud.Value = v
	L.SetField(L.Get(lua.RegistryIndex), key, ud)
}

// fromRegistry returns the Go value kept under key, nil when there is none.
func fromRegistry(L *lua.LState, key string) any {
	if ud, ok := L.GetField(L.Get(lua.RegistryIndex), key).(*lua.LUserData); ok {
		return ud.Value
	}
	return nil
}

// SetHost records h as the owner of L.
func SetHost(L *lua.LState, h Host) { setRegistry(L, hostKey, h) }

// HostOf returns the runtime that owns L, or nil for a state nsh was
// attached to.
func HostOf(L *lua.LState) Host {
	h, _ := fromRegistry(L, hostKey).(Host)
	return h
}

// Owned reports whether nsh owns L's thread (a runtime made by New).
func Owned(L *lua.LState) bool { return HostOf(L) != nil }

// Track registers c with L's runtime, if it has one.
func Track(L *lua.LState, c io.Closer) {
	if h := HostOf(L); h != nil {
		h.Track(c)
	}
}

// Untrack forgets c in L's runtime, if it has one.
func Untrack(L *lua.LState, c io.Closer) {
	if h := HostOf(L); h != nil {
		h.Untrack(c)
	}
}

const modulesKey = "nsh.modules"

// SetModules records the module set opened in L, for help and completion.
func SetModules(L *lua.LState, s Set) { setRegistry(L, modulesKey, s) }

// ModulesOf returns the module set opened in L.
func ModulesOf(L *lua.LState) Set {
	s, _ := fromRegistry(L, modulesKey).(Set)
	return s
}
