package compat

import (
	"errors"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// FormatNumber renders n as lua5.1 does on Linux, with "%.14g": 0.1+0.2 is
// "0.3", 1e15 is "1e+15", 1/0 is "inf", 0/0 is "-nan" (its sign bit is set
// on x86-64) and -0 is "-0". gopher-lua prints the shortest exact form
// ("0.30000000000000004", "1000000000000000", "+Inf", "NaN").
func FormatNumber(n lua.LNumber) string {
	f := float64(n)
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	case f == math.Trunc(f) && math.Abs(f) < 1e14 && (f != 0 || !math.Signbit(f)):
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', 14, 64)
}

// ParseNumber converts s as lua5.1 converts a string to a number
// (luaO_str2d: C's strtod, then hexadecimal): surrounding whitespace is
// allowed, "010" is 10, "0x10" is 16, "-0x10" is -16, "1e1" is 10, and
// "inf" and "nan" are numbers as glibc reads them. There is no octal and
// no binary: "0b11" is not a number. gopher-lua's own conversion reads
// "010" as 8 and "0b11" as 3.
func ParseNumber(s string) (lua.LNumber, bool) {
	s = strings.TrimRight(strings.TrimLeft(s, cSpace), cSpace)
	if s == "" || strings.ContainsRune(s, '_') {
		return 0, false
	}
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return 0, false
	}
	if len(body) > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') {
		if !strings.ContainsAny(body, "pP") {
			s += "p0"
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return lua.LNumber(f), true
}

// cSpace is what C's isspace accepts.
const cSpace = " \t\n\v\f\r"

// parseBase converts s in base 2..36 as lua5.1's tonumber(s, base) does
// with strtoul: a sign is allowed, and a negative number wraps around as
// an unsigned long.
func parseBase(s string, base int) (lua.LNumber, bool) {
	s = strings.TrimRight(strings.TrimLeft(s, cSpace), cSpace)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" {
		return 0, false
	}
	var n uint64
	overflow := false
	for _, c := range strings.ToLower(s) {
		d := strings.IndexRune("0123456789abcdefghijklmnopqrstuvwxyz", c)
		if d < 0 || d >= base {
			return 0, false
		}
		next := n*uint64(base) + uint64(d)
		if next/uint64(base) != n {
			overflow = true
		}
		n = next
	}
	if overflow {
		return lua.LNumber(math.MaxUint64), true
	}
	if neg {
		n = -n
	}
	return lua.LNumber(n), true
}

// baseToNumber is tonumber(e [, base]).
func baseToNumber(L *lua.LState) int {
	base := L.OptInt(2, 10)
	v := L.CheckAny(1)
	if base == 10 {
		switch v := v.(type) {
		case lua.LNumber:
			L.Push(v)
			return 1
		case lua.LString:
			if n, ok := ParseNumber(string(v)); ok {
				L.Push(n)
				return 1
			}
		}
		L.Push(lua.LNil)
		return 1
	}
	if base < 2 || base > 36 {
		L.ArgError(2, "base out of range")
	}
	if n, ok := parseBase(L.CheckString(1), base); ok {
		L.Push(n)
		return 1
	}
	L.Push(lua.LNil)
	return 1
}

// arithEvents are the metamethods string arithmetic goes through: a string
// operand is converted by ParseNumber, as in lua5.1, instead of by
// gopher-lua's conversion (which reads "010" as octal).
var arithEvents = map[string]func(a, b float64) float64{
	"__add": func(a, b float64) float64 { return a + b },
	"__sub": func(a, b float64) float64 { return a - b },
	"__mul": func(a, b float64) float64 { return a * b },
	"__div": func(a, b float64) float64 { return a / b },
	"__mod": func(a, b float64) float64 { return a - math.Floor(a/b)*b },
	"__pow": math.Pow,
	"__unm": func(a, _ float64) float64 { return -a },
}

// installStringArith sets the arithmetic metamethods of the string type.
func installStringArith(L *lua.LState) {
	mt, ok := L.GetMetatable(lua.LString("")).(*lua.LTable)
	if !ok {
		return
	}
	for event, op := range arithEvents {
		mt.RawSetString(event, L.NewFunction(stringArith(event, op)))
	}
}

func stringArith(event string, op func(a, b float64) float64) lua.LGFunction {
	return func(L *lua.LState) int {
		a, b := L.Get(1), L.Get(2)
		x, okA := toArith(a)
		y, okB := toArith(b)
		if event == "__unm" {
			y, okB = 0, true
		}
		if okA && okB {
			L.Push(lua.LNumber(op(x, y)))
			return 1
		}
		// The other operand may have its own metamethod (lua5.1 looks at
		// the second operand when the first has none).
		other := b
		if okA {
			other = b
		} else if _, isStr := a.(lua.LString); !isStr {
			other = a
		}
		if mm := L.GetMetaField(other, event); mm != lua.LNil {
			if _, isStr := other.(lua.LString); !isStr {
				L.Push(mm)
				L.Push(a)
				L.Push(b)
				L.Call(2, 1)
				return 1
			}
		}
		bad, arg := a, 1
		if okA {
			bad, arg = b, 2
		}
		L.RaiseError("attempt to perform arithmetic on %s", metaOperand(L, arg, bad.Type().String()))
		return 0
	}
}

func toArith(v lua.LValue) (float64, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		return float64(v), true
	case lua.LString:
		n, ok := ParseNumber(string(v))
		return float64(n), ok
	}
	return 0, false
}
