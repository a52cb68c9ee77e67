//go:build !(linux && cgo)

package nsenter

// Linked reports whether the constructor is part of this binary: not in a
// build without cgo, where joining user and time namespaces is refused.
func Linked() bool { return false }
