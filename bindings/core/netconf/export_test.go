//go:build linux

package netconf

// SetStepHook sets the function a ledger calls between writing a step down
// and making it (tests stop a build there), and returns the previous one.
func SetStepHook(f func(step string)) func(string) {
	old := stepHook
	stepHook = f
	return old
}
