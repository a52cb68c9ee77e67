//go:build !linux

package bindings

// prepareVMThread has nothing to do where there are no namespaces.
func prepareVMThread() error { return nil }

// movedNamespaces is empty where there are no namespaces.
func movedNamespaces() []string { return nil }
