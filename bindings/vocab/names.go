package vocab

import (
	"fmt"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// IfNameMax is the longest interface name the kernel takes (IFNAMSIZ-1).
const IfNameMax = 15

// pathMax is the longest path the kernel takes (PATH_MAX-1).
const pathMax = 4095

// BadName says what is wrong with a string that reaches the kernel as a
// name ("" when nothing is): the kernel would cut it at a NUL byte, and
// refuses it empty or longer than max bytes (0: PATH_MAX).
func BadName(s string, max int) string {
	if max == 0 {
		max = pathMax
	}
	switch {
	case s == "":
		return "must not be empty"
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL byte: " + Quote(s)
	case len(s) > max:
		return fmt.Sprintf("is %d bytes: longer than %d bytes, the kernel's limit: %s", len(s), max, Quote(s))
	}
	return ""
}

// CheckName returns argument n as a name that reaches the kernel (max as
// in BadName), raising misuse otherwise. Like every Check function, it
// raises through L.ArgError, which Wrap turns into the error value naming
// the function.
func CheckName(L *lua.LState, n, max int) string {
	v, ok := L.Get(n).(lua.LString)
	if !ok {
		L.ArgError(n, "string expected, got "+TypeName(L.Get(n)))
	}
	if msg := BadName(string(v), max); msg != "" {
		L.ArgError(n, "name "+msg)
	}
	return string(v)
}

// badPID is the message for a number that cannot be a pid.
const badPID = "pid must be a positive integer below 2^31"

// PIDOf returns v as a pid: an integer in 1..2^31-1 (pids are C ints; NaN,
// the infinities and fractions are refused, never truncated).
func PIDOf(v lua.LValue) (int, bool) {
	n, ok := v.(lua.LNumber)
	if !ok || !IsInteger(float64(n), 1, math.MaxInt32) {
		return 0, false
	}
	return int(n), true
}

// CheckPID returns argument n as a pid or raises misuse.
func CheckPID(L *lua.LState, n int) int {
	pid, ok := PIDOf(L.Get(n))
	if !ok {
		L.ArgError(n, badPID+", got "+Clip(L.Get(n).String()))
	}
	return pid
}

// CheckInt returns argument n as an integer in lo..hi or raises.
func CheckInt(L *lua.LState, n int, lo, hi float64) int {
	v, ok := L.Get(n).(lua.LNumber)
	if !ok {
		L.ArgError(n, "integer expected, got "+TypeName(L.Get(n)))
	}
	if !IsInteger(float64(v), lo, hi) {
		L.ArgError(n, fmt.Sprintf("integer from %.0f to %.0f expected, got %s", lo, hi, Clip(v.String())))
	}
	return int(v)
}

// CheckString returns argument n as a string; a number is converted, as
// Lua's own library functions do.
func CheckString(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	}
	L.ArgError(n, "string expected, got "+TypeName(L.Get(n)))
	return ""
}

// Suggest returns " (did you mean 'x'?)" for the valid word closest to
// word, or "" when none is close.
func Suggest(word string, valid []string) string {
	best, bestD := "", len(word)/2+2
	for _, v := range valid {
		if d := distance(word, v); d < bestD {
			best, bestD = v, d
		}
	}
	if best == "" || len(word) > 64 {
		return ""
	}
	return " (did you mean '" + best + "'?)"
}

// distance is the Levenshtein edit distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// CheckPath returns argument n as a file path: not empty, no NUL byte.
func CheckPath(L *lua.LState, n int) string {
	v, ok := L.Get(n).(lua.LString)
	if !ok {
		L.ArgError(n, "path expected, got "+TypeName(L.Get(n)))
	}
	if msg := BadName(string(v), 0); msg != "" {
		L.ArgError(n, "path "+msg)
	}
	return string(v)
}
