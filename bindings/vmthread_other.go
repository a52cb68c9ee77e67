//go:build !linux

package bindings

// prepareVMThread has nothing to do where there are no namespaces.
func prepareVMThread() error { return nil }

// threadNamespaces is empty where there are no namespaces.
func threadNamespaces(string) map[string]string { return map[string]string{} }
