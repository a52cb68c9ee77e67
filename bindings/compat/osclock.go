package compat

import (
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

// osClock is os.clock(): the CPU time of the process in seconds, user and
// system, as C's clock() gives it (gopher-lua gives wall time).
func osClock(L *lua.LState) int {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		L.RaiseError("os.clock: %v", err)
	}
	cpu := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
	L.Push(lua.LNumber(cpu))
	return 1
}
