//go:build linux

package netns

// OnThrowawayThread lets the external tests run namespace-changing work the
// way the package does, never on the main thread.
var OnThrowawayThread = onThrowawayThread
