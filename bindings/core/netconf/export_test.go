//go:build linux

package netconf

// Redumps returns how many dumps were made again after an interruption.
func Redumps() int64 { return redumps.Load() }
