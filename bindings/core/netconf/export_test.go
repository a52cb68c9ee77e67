//go:build linux

package netconf

// SetStepHook sets the function a ledger calls between writing a step down
// and making it (tests stop a build there), and returns the previous one.
func SetStepHook(f func(step string)) func(string) {
	old := stepHook
	stepHook = f
	return old
}

// Redumps returns how many dumps were made again after an interruption.
func Redumps() int64 { return redumps.Load() }
