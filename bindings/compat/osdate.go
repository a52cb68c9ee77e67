package compat

import (
	"fmt"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// osDate is os.date([format [, time]]) as lua5.1 on Linux in the C locale:
// "!" for UTC, "*t" for a table, else strftime's conversions (%c is
// "Thu Jan  1 00:00:00 1970", %x "01/01/70", %j the day of the year).
func osDate(L *lua.LState) int {
	format := L.OptString(1, "%c")
	t := time.Now()
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		t = time.Unix(int64(L.CheckNumber(2)), 0)
	}
	if strings.HasPrefix(format, "!") {
		format, t = format[1:], t.UTC()
	} else {
		t = t.Local()
	}
	if strings.HasPrefix(format, "*t") {
		L.Push(dateTable(L, t))
		return 1
	}
	L.Push(lua.LString(strftime(format, t)))
	return 1
}

func dateTable(L *lua.LState, t time.Time) *lua.LTable {
	tb := L.NewTable()
	for k, v := range map[string]int{
		"year": t.Year(), "month": int(t.Month()), "day": t.Day(),
		"hour": t.Hour(), "min": t.Minute(), "sec": t.Second(),
		"wday": int(t.Weekday()) + 1, "yday": t.YearDay(),
	} {
		tb.RawSetString(k, lua.LNumber(v))
	}
	tb.RawSetString("isdst", lua.LBool(t.IsDST()))
	return tb
}

// strftime formats t as C's strftime does in the C locale.
func strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		b.WriteString(conversion(format[i], t))
	}
	return b.String()
}

func conversion(c byte, t time.Time) string {
	year, week := t.ISOWeek()
	switch c {
	case 'a':
		return t.Format("Mon")
	case 'A':
		return t.Format("Monday")
	case 'b', 'h':
		return t.Format("Jan")
	case 'B':
		return t.Format("January")
	case 'c':
		return strftime("%a %b %e %H:%M:%S %Y", t)
	case 'C':
		return fmt.Sprintf("%02d", t.Year()/100)
	case 'd':
		return fmt.Sprintf("%02d", t.Day())
	case 'D', 'x':
		return strftime("%m/%d/%y", t)
	case 'e':
		return fmt.Sprintf("%2d", t.Day())
	case 'F':
		return strftime("%Y-%m-%d", t)
	case 'g':
		return fmt.Sprintf("%02d", year%100)
	case 'G':
		return fmt.Sprint(year)
	case 'H':
		return fmt.Sprintf("%02d", t.Hour())
	case 'I':
		return fmt.Sprintf("%02d", (t.Hour()+11)%12+1)
	case 'j':
		return fmt.Sprintf("%03d", t.YearDay())
	case 'k':
		return fmt.Sprintf("%2d", t.Hour())
	case 'l':
		return fmt.Sprintf("%2d", (t.Hour()+11)%12+1)
	case 'm':
		return fmt.Sprintf("%02d", int(t.Month()))
	case 'M':
		return fmt.Sprintf("%02d", t.Minute())
	case 'n':
		return "\n"
	case 'p':
		return t.Format("PM")
	case 'r':
		return strftime("%I:%M:%S %p", t)
	case 'R':
		return strftime("%H:%M", t)
	case 's':
		return fmt.Sprint(t.Unix())
	case 'S':
		return fmt.Sprintf("%02d", t.Second())
	case 't':
		return "\t"
	case 'T', 'X':
		return strftime("%H:%M:%S", t)
	case 'u':
		return fmt.Sprint((int(t.Weekday())+6)%7 + 1)
	case 'U':
		return fmt.Sprintf("%02d", (t.YearDay()+6-int(t.Weekday()))/7)
	case 'V':
		return fmt.Sprintf("%02d", week)
	case 'w':
		return fmt.Sprint(int(t.Weekday()))
	case 'W':
		return fmt.Sprintf("%02d", (t.YearDay()+6-(int(t.Weekday())+6)%7)/7)
	case 'y':
		return fmt.Sprintf("%02d", t.Year()%100)
	case 'Y':
		return fmt.Sprint(t.Year())
	case 'z':
		return t.Format("-0700")
	case 'Z':
		return t.Format("MST")
	case '%':
		return "%"
	}
	return "%" + string(c)
}
