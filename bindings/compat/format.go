package compat

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// formatFlags are the flags C's printf takes; lua5.1 allows five at most.
const formatFlags = "-+ #0"

// stringFormat is lua5.1's string.format(fmt, ...), directive by directive
// as its str_format gives them to C's sprintf: %d %i %c %o %u %x %X as C
// converts a double to an integer, %e %E %f %g %G as glibc prints them
// (inf, -nan), %s of strings and numbers only (up to a NUL, as sprintf
// stops there), %q quoted; its messages for an unknown directive, too
// many flags, a width or precision over two digits, a missing argument.
func stringFormat(L *lua.LState) int {
	f := L.CheckString(1)
	top := L.GetTop()
	var b strings.Builder
	arg := 1
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		if i+1 < len(f) && f[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		arg++
		if arg > top {
			argError(L, arg, "no value")
		}
		spec, next := scanFormat(L, f, i+1)
		i = next
		conv := byte(0)
		if i < len(f) {
			conv = f[i]
		}
		formatOne(L, &b, spec, conv, arg)
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// fspec is one directive's flags, width and precision.
type fspec struct {
	flags string
	width int // -1 when absent
	prec  int // -1 when absent
}

func (s fspec) has(flag byte) bool { return strings.IndexByte(s.flags, flag) >= 0 }

// scanFormat reads flags, width and precision from f at i as lua5.1's
// scanformat does, and returns where the conversion letter is.
func scanFormat(L *lua.LState, f string, i int) (fspec, int) {
	start := i
	for i < len(f) && strings.IndexByte(formatFlags, f[i]) >= 0 {
		i++
	}
	if i-start > len(formatFlags) {
		L.RaiseError("invalid format (repeated flags)")
	}
	s := fspec{flags: f[start:i], width: -1, prec: -1}
	s.width, i = twoDigits(f, i)
	if i < len(f) && f[i] == '.' {
		s.prec, i = twoDigits(f, i+1)
		if s.prec < 0 {
			s.prec = 0
		}
	}
	if i < len(f) && isDigit(f[i]) {
		L.RaiseError("invalid format (width or precision too long)")
	}
	return s, i
}

// twoDigits reads at most two digits at i; -1 when there are none.
func twoDigits(f string, i int) (int, int) {
	n := -1
	for k := 0; k < 2 && i < len(f) && isDigit(f[i]); k++ {
		if n < 0 {
			n = 0
		}
		n = n*10 + int(f[i]-'0')
		i++
	}
	return n, i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// formatOne renders argument arg by directive conv.
func formatOne(L *lua.LState, b *strings.Builder, s fspec, conv byte, arg int) {
	switch conv {
	case 'c':
		c := byte(cInt32(checkNumber(L, arg)))
		b.WriteString(cString(pad(s, string([]byte{c}), false)))
	case 'd', 'i':
		b.WriteString(goInt(s, 'd', cInt64(checkNumber(L, arg))))
	case 'o', 'u', 'x', 'X':
		b.WriteString(formatUnsigned(s, conv, cUint64(checkNumber(L, arg))))
	case 'e', 'E', 'f', 'g', 'G':
		b.WriteString(formatFloat(s, conv, float64(checkNumber(L, arg))))
	case 'q':
		b.WriteString(Quote(checkString(L, arg)))
	case 's':
		str := checkString(L, arg)
		if s.prec < 0 && len(str) >= 100 {
			b.WriteString(str) // lua5.1 keeps a long string whole
			return
		}
		str = cString(str)
		if s.prec >= 0 && len(str) > s.prec {
			str = str[:s.prec]
		}
		b.WriteString(pad(s, str, false))
	default:
		L.RaiseError("invalid option '%%%s' to 'format'", cString(string([]byte{conv})))
	}
}

// checkNumber is luaL_checknumber: a number, or a string that converts.
func checkNumber(L *lua.LState, n int) lua.LNumber {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		return v
	case lua.LString:
		if x, ok := ParseNumber(string(v)); ok {
			return x
		}
	}
	typeError(L, n, "number")
	return 0
}

// checkString is luaL_checklstring: a string, or a number as %.14g.
func checkString(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return FormatNumber(v)
	}
	typeError(L, n, "string")
	return ""
}

// cString is s up to its first NUL, as C sees it.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// pad pads s to the width with spaces (zeros when the flag asks and
// zeroOK), on the right with '-'.
func pad(s fspec, str string, zeroOK bool) string {
	if len(str) >= s.width {
		return str
	}
	fill := strings.Repeat(" ", s.width-len(str))
	switch {
	case s.has('-'):
		return str + fill
	case zeroOK && s.has('0'):
		return strings.Repeat("0", s.width-len(str)) + str
	}
	return fill + str
}

// The integer conversions of a double as x86-64 does them (cvttsd2si):
// a value out of range, or NaN, gives the "integer indefinite" value.
const indefinite = math.MinInt64

func cInt64(n lua.LNumber) int64 {
	f := float64(n)
	if math.IsNaN(f) || f >= 1<<63 || f < -(1<<63) {
		return indefinite
	}
	return int64(f)
}

func cInt32(n lua.LNumber) int32 {
	f := float64(n)
	if math.IsNaN(f) || f >= 1<<31 || f < -(1<<31) {
		return math.MinInt32
	}
	return int32(f)
}

// cUint64 is gcc's double to unsigned long on x86-64: below 2^63 (and
// NaN) through the signed conversion, above it offset by 2^63.
func cUint64(n lua.LNumber) uint64 {
	f := float64(n)
	if !(f >= 1<<63) {
		return uint64(cInt64(n))
	}
	return uint64(cInt64(lua.LNumber(f-(1<<63)))) ^ (1 << 63)
}

// goInt renders an integer with Go's fmt, whose flags, width and precision
// mean what C's mean for %d.
func goInt(s fspec, verb byte, v any) string {
	if s.flags == "" && s.width < 0 {
		if str, ok := plain(s, verb, v); ok {
			return str
		}
	}
	spec := "%" + s.flags
	if s.width >= 0 {
		spec += strconv.Itoa(s.width)
	}
	if s.prec >= 0 {
		spec += "." + strconv.Itoa(s.prec)
	}
	return fmt.Sprintf(spec+string(verb), v)
}

// plain is the common directive without flags or width, through strconv.
func plain(s fspec, verb byte, v any) (string, bool) {
	switch x := v.(type) {
	case int64:
		if s.prec < 0 {
			return strconv.FormatInt(x, 10), true
		}
	case uint64:
		if s.prec >= 0 {
			return "", false
		}
		switch verb {
		case 'd':
			return strconv.FormatUint(x, 10), true
		case 'x':
			return strconv.FormatUint(x, 16), true
		case 'X':
			return strings.ToUpper(strconv.FormatUint(x, 16)), true
		case 'o':
			return strconv.FormatUint(x, 8), true
		}
	case float64:
		return strconv.FormatFloat(x, verb, s.prec, 64), true
	}
	return "", false
}

// formatUnsigned is %o %u %x %X: C ignores '+' and ' ' there, and '#'
// adds no prefix to zero.
func formatUnsigned(s fspec, conv byte, v uint64) string {
	if s.flags != "" {
		s.flags = strings.Map(func(r rune) rune {
			if r == '+' || r == ' ' || (r == '#' && v == 0 && conv != 'o') {
				return -1
			}
			return r
		}, s.flags)
	}
	if conv == 'u' {
		conv = 'd'
	}
	return goInt(s, conv, v)
}

// formatFloat is %e %E %f %g %G: Go's fmt for finite values (precision 6
// by default, as in C), glibc's inf and nan (with their sign, no zero
// padding) otherwise.
func formatFloat(s fspec, conv byte, f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		str := "inf"
		if math.IsNaN(f) {
			str = "nan"
		}
		switch {
		case math.Signbit(f):
			str = "-" + str
		case s.has('+'):
			str = "+" + str
		case s.has(' '):
			str = " " + str
		}
		if conv == 'E' || conv == 'G' {
			str = strings.ToUpper(str)
		}
		return pad(s, str, false)
	}
	if s.prec < 0 {
		s.prec = 6
	}
	return goInt(s, conv, f)
}
