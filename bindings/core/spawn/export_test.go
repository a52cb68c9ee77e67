//go:build linux

package spawn

// SetDispatching sets whether main dispatches children, for tests of a
// program that forgot to.
func SetDispatching(on bool) { dispatching.Store(on) }
