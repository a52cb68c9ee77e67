//go:build linux && cgo

package nsenter

import "testing"

// TestMinTasksInC: the constructor refuses below the same limit as Go.
func TestMinTasksInC(t *testing.T) {
	if cMinTasks() != MinTasks {
		t.Fatalf("NSH_MIN_TASKS is %d in C, MinTasks %d in Go", cMinTasks(), MinTasks)
	}
}
