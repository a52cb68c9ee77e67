//go:build linux

package netconf

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The parsers below read values as tc(8) writes them. They are stricter
// than tc's strtod: a plain decimal number (with an optional exponent) and
// a unit, nothing else; no sign, hex, "inf" or white space.

// rateUnits maps tc's rate units (case-insensitive) to bits per second.
// "bps" is bytes per second, as in tc.
var rateUnits = map[string]float64{
	"": 1, "bit": 1,
	"kbit": 1e3, "mbit": 1e6, "gbit": 1e9, "tbit": 1e12,
	"kibit": 1 << 10, "mibit": 1 << 20, "gibit": 1 << 30, "tibit": 1 << 40,
	"bps": 8, "kbps": 8e3, "mbps": 8e6, "gbps": 8e9, "tbps": 8e12,
	"kibps": 8 << 10, "mibps": 8 << 20, "gibps": 8 << 30, "tibps": 8 << 40,
}

// ParseRate reads a rate as tc writes one — "10mbit", "1gbit", "100kbit",
// "8bit", "1mbps" (bytes per second), or a plain number of bits per second —
// and returns bits per second. The kernel keeps whole bytes per second, so
// the result is rounded down to a multiple of 8; a rate that rounds to 0
// but is not 0 is refused.
func ParseRate(s string) (uint64, error) {
	v, unit, err := splitNumber("rate", s)
	if err != nil {
		return 0, err
	}
	scale, ok := rateUnits[strings.ToLower(unit)]
	if !ok {
		return 0, badValue("rate", s, "unknown unit %q: want bit, kbit, mbit, gbit, tbit, bps, kbps, mbps, gbps, tbps or a kibit/kibps form", unit)
	}
	bytes := math.Floor(v * scale / 8)
	if bytes >= 1<<61 {
		return 0, badValue("rate", s, "too large")
	}
	if bytes == 0 && v != 0 {
		return 0, badValue("rate", s, "below 8bit, the least the kernel keeps (1 byte per second)")
	}
	return uint64(bytes) * 8, nil
}

// sizeUnits maps tc's size units (case-insensitive) to bytes.
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "g": 1 << 30, "gb": 1 << 30,
	"kbit": 1 << 7, "mbit": 1 << 17, "gbit": 1 << 27,
}

// ParseSize reads a size as tc writes one — "1500", "1500b", "32kb", "2k",
// "1mb", "32kbit" — and returns bytes (at most 2^32-1, the kernel's field).
func ParseSize(s string) (uint32, error) {
	v, unit, err := splitNumber("size", s)
	if err != nil {
		return 0, err
	}
	scale, ok := sizeUnits[strings.ToLower(unit)]
	if !ok {
		return 0, badValue("size", s, "unknown unit %q: want b, k, kb, m, mb, g, gb, kbit, mbit or gbit", unit)
	}
	n := math.Floor(v * scale)
	if n > math.MaxUint32 {
		return 0, badValue("size", s, "larger than 4294967295 bytes")
	}
	return uint32(n), nil
}

// timeUnits maps tc's time units (case-insensitive) to microseconds; a
// plain number is microseconds, as in tc.
var timeUnits = map[string]float64{
	"": 1, "us": 1, "usec": 1, "usecs": 1,
	"ms": 1e3, "msec": 1e3, "msecs": 1e3,
	"s": 1e6, "sec": 1e6, "secs": 1e6,
}

// MaxTime bounds times: the kernel's netem takes delays as 32-bit counts of
// 64 ns ticks.
const MaxTime = 274 * time.Second

// ParseTime reads a time as tc writes one — "20ms", "1s", "500us", or a
// plain number of microseconds — and returns it rounded down to whole
// microseconds (tc's and the kernel's unit), at most MaxTime.
func ParseTime(s string) (time.Duration, error) {
	v, unit, err := splitNumber("time", s)
	if err != nil {
		return 0, err
	}
	scale, ok := timeUnits[strings.ToLower(unit)]
	if !ok {
		return 0, badValue("time", s, "unknown unit %q: want s, ms or us", unit)
	}
	us := math.Floor(v * scale)
	if us > float64(MaxTime/time.Microsecond) {
		return 0, badValue("time", s, "longer than %v", MaxTime)
	}
	return time.Duration(us) * time.Microsecond, nil
}

// ParsePercent reads a percentage as tc writes one, "1%" or "1", and
// returns it as a number from 0 to 100.
func ParsePercent(s string) (float64, error) {
	v, unit, err := splitNumber("percent", s)
	if err != nil {
		return 0, err
	}
	if unit != "" && unit != "%" {
		return 0, badValue("percent", s, "unknown unit %q: want %% or none", unit)
	}
	if v > 100 {
		return 0, badValue("percent", s, "more than 100%%")
	}
	return v, nil
}

// splitNumber splits s into a non-negative decimal number and the unit
// that follows it.
func splitNumber(what, s string) (float64, string, error) {
	i := numberEnd(s)
	if i == 0 {
		if s == "" {
			return 0, "", badValue(what, s, "empty")
		}
		return 0, "", badValue(what, s, "want a number such as %s", example[what])
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, "", badValue(what, s, "number out of range")
	}
	return v, s[i:], nil
}

var example = map[string]string{"rate": "10mbit", "size": "32kb", "time": "20ms", "percent": "1%"}

// numberEnd returns the length of the decimal number s starts with: digits
// with an optional fraction and exponent; 0 when there is none.
func numberEnd(s string) int {
	i := digits(s, 0)
	if i < len(s) && s[i] == '.' {
		j := digits(s, i+1)
		if j == i+1 && i == 0 {
			return 0 // "." alone
		}
		i = j
	}
	if i == 0 {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if k := digits(s, j); k > j {
			i = k
		}
	}
	return i
}

func digits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func badValue(what, s, format string, args ...any) error {
	return &detailErr{fmt.Sprintf("invalid %s %q: ", what, s) + fmt.Sprintf(format, args...), ErrInvalid}
}

// FormatRate writes bits per second as tc writes a rate: in the largest of
// Tbit, Gbit, Mbit, Kbit that divides it, else in bit. ParseRate reads it
// back exactly.
func FormatRate(bits uint64) string {
	for _, u := range []struct {
		div  uint64
		name string
	}{{1e12, "Tbit"}, {1e9, "Gbit"}, {1e6, "Mbit"}, {1e3, "Kbit"}} {
		if bits >= u.div && bits%u.div == 0 {
			return strconv.FormatUint(bits/u.div, 10) + u.name
		}
	}
	return strconv.FormatUint(bits, 10) + "bit"
}

// FormatTime writes a duration as tc writes a time: in the largest of s, ms,
// us that divides it. ParseTime reads it back exactly (to the microsecond).
func FormatTime(d time.Duration) string {
	us := int64(d / time.Microsecond)
	switch {
	case us >= 1e6 && us%1e6 == 0:
		return strconv.FormatInt(us/1e6, 10) + "s"
	case us >= 1e3 && us%1e3 == 0:
		return strconv.FormatInt(us/1e3, 10) + "ms"
	}
	return strconv.FormatInt(us, 10) + "us"
}
