//go:build linux

package netconf_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
)

func TestParseRate(t *testing.T) {
	good := map[string]uint64{
		"10mbit": 10_000_000, "1gbit": 1_000_000_000, "100kbit": 100_000, "8bit": 8, "8": 8,
		"1mbps": 8_000_000, "1Mbit": 1_000_000, "10MBit": 10_000_000, "1.5mbit": 1_500_000,
		"1kibit": 1024, "1kbps": 8000, "12bit": 8, "0": 0, "2e6bit": 2_000_000, "1tbit": 1e12,
	}
	for s, want := range good {
		if got, err := netconf.ParseRate(s); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	bad := map[string]string{
		"":          `invalid rate "": empty`,
		"mbit":      `invalid rate "mbit": want a number such as 10mbit`,
		"10mbt":     `invalid rate "10mbt": unknown unit "mbt": want bit, kbit, mbit, gbit, tbit, bps, kbps, mbps, gbps, tbps or a kibit/kibps form`,
		"-1mbit":    `invalid rate "-1mbit": want a number such as 10mbit`,
		"1bit":      `invalid rate "1bit": below 8bit, the least the kernel keeps (1 byte per second)`,
		"10 mbit":   `invalid rate "10 mbit": unknown unit " mbit": want bit, kbit, mbit, gbit, tbit, bps, kbps, mbps, gbps, tbps or a kibit/kibps form`,
		"1e300tbit": `invalid rate "1e300tbit": too large`,
		"inf":       `invalid rate "inf": want a number such as 10mbit`,
		"0x10":      `invalid rate "0x10": unknown unit "x10": want bit, kbit, mbit, gbit, tbit, bps, kbps, mbps, gbps, tbps or a kibit/kibps form`,
	}
	for s, want := range bad {
		if _, err := netconf.ParseRate(s); err == nil || err.Error() != want || !errors.Is(err, netconf.ErrInvalid) {
			t.Errorf("ParseRate(%q) = %v\n want %q", s, err, want)
		}
	}
}

func TestParseTimeSizePercent(t *testing.T) {
	times := map[string]time.Duration{"20ms": 20 * time.Millisecond, "1s": time.Second, "500us": 500 * time.Microsecond,
		"1.5ms": 1500 * time.Microsecond, "250": 250 * time.Microsecond, "2secs": 2 * time.Second, "0.4us": 0}
	for s, want := range times {
		if got, err := netconf.ParseTime(s); err != nil || got != want {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	sizes := map[string]uint32{"1500": 1500, "1500b": 1500, "32kb": 32 << 10, "2k": 2 << 10, "1mb": 1 << 20, "32kbit": 4096}
	for s, want := range sizes {
		if got, err := netconf.ParseSize(s); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	percents := map[string]float64{"1%": 1, "1": 1, "0.5%": 0.5, "100": 100, "0": 0}
	for s, want := range percents {
		if got, err := netconf.ParsePercent(s); err != nil || got != want {
			t.Errorf("ParsePercent(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	bad := []struct {
		parse func(string) error
		in    string
		want  string
	}{
		{timeErr, "20 ms", `invalid time "20 ms": unknown unit " ms": want s, ms or us`},
		{timeErr, "5m", `invalid time "5m": unknown unit "m": want s, ms or us`},
		{timeErr, "300s", `invalid time "300s": longer than 4m34s`},
		{timeErr, "ms", `invalid time "ms": want a number such as 20ms`},
		{sizeErr, "5gb", `invalid size "5gb": larger than 4294967295 bytes`},
		{sizeErr, "1q", `invalid size "1q": unknown unit "q": want b, k, kb, m, mb, g, gb, kbit, mbit or gbit`},
		{percentErr, "101%", `invalid percent "101%": more than 100%`},
		{percentErr, "1%%", `invalid percent "1%%": unknown unit "%%": want % or none`},
		{percentErr, "-1", `invalid percent "-1": want a number such as 1%`},
	}
	for _, c := range bad {
		if err := c.parse(c.in); err == nil || err.Error() != c.want || !errors.Is(err, netconf.ErrInvalid) {
			t.Errorf("parse %q = %v\n want %q", c.in, err, c.want)
		}
	}
}

func timeErr(s string) error    { _, err := netconf.ParseTime(s); return err }
func sizeErr(s string) error    { _, err := netconf.ParseSize(s); return err }
func percentErr(s string) error { _, err := netconf.ParsePercent(s); return err }

// checkParseErr holds for every parser: a refusal wraps ErrInvalid and
// quotes the value.
func checkParseErr(t *testing.T, what, s string, err error) {
	if !errors.Is(err, netconf.ErrInvalid) {
		t.Fatalf("%s(%q) = %v, not ErrInvalid", what, s, err)
	}
	if !strings.Contains(err.Error(), strconv.Quote(s)) {
		t.Fatalf("%s(%q) = %v: the message does not name the value", what, s, err)
	}
}

// FuzzParseRate checks that ParseRate never panics, refuses with
// ErrInvalid, and that what it accepts prints back (FormatRate) to itself.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"10mbit", "1gbit", "100kbit", "8bit", "1mbps", "1500", "1.5Gbit", "1e3kbit", "x", "1bit", ".5mbit", "10mbit "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := netconf.ParseRate(s)
		if err != nil {
			checkParseErr(t, "ParseRate", s, err)
			return
		}
		if v%8 != 0 {
			t.Fatalf("ParseRate(%q) = %d, not whole bytes", s, v)
		}
		if again, err := netconf.ParseRate(netconf.FormatRate(v)); err != nil || again != v {
			t.Fatalf("ParseRate(%q) = %d, prints as %q, reads back as %d, %v", s, v, netconf.FormatRate(v), again, err)
		}
	})
}

// FuzzParseTime checks ParseTime as FuzzParseRate checks ParseRate.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"20ms", "1s", "500us", "250", "1.5sec", "274s", "275s", "1e3ms", "ms", "-1ms"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := netconf.ParseTime(s)
		if err != nil {
			checkParseErr(t, "ParseTime", s, err)
			return
		}
		if v < 0 || v > netconf.MaxTime || v%time.Microsecond != 0 {
			t.Fatalf("ParseTime(%q) = %v", s, v)
		}
		if again, err := netconf.ParseTime(netconf.FormatTime(v)); err != nil || again != v {
			t.Fatalf("ParseTime(%q) = %v, prints as %q, reads back as %v, %v", s, v, netconf.FormatTime(v), again, err)
		}
	})
}

// FuzzParsePercentSize checks ParsePercent and ParseSize on the same input.
func FuzzParsePercentSize(f *testing.F) {
	for _, s := range []string{"1%", "1", "100", "100.0001", "0.001%", "32kb", "1500b", "4gb", "%", "1.%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := netconf.ParsePercent(s); err != nil {
			checkParseErr(t, "ParsePercent", s, err)
		} else if !(p >= 0 && p <= 100) {
			t.Fatalf("ParsePercent(%q) = %v", s, p)
		}
		if _, err := netconf.ParseSize(s); err != nil {
			checkParseErr(t, "ParseSize", s, err)
		}
	})
}

func TestParseShape(t *testing.T) {
	s, err := netconf.ParseShape(map[string]string{"rate": "10mbit", "burst": "32kb", "delay": "20ms",
		"jitter": "1ms", "loss": "1%", "duplicate": "0.5", "reorder": "2%", "limit": "100"})
	want := netconf.Shape{Rate: 10_000_000, Burst: 32 << 10, Delay: 20 * time.Millisecond, Jitter: time.Millisecond,
		Loss: 1, Duplicate: 0.5, Reorder: 2, Limit: 100}
	if err != nil || s != want {
		t.Errorf("ParseShape = %+v, %v", s, err)
	}
	if got := s.String(); got != "rate 10Mbit burst 32768b delay 20ms jitter 1ms loss 1% duplicate 0.5% reorder 2% limit 100" {
		t.Errorf("String() = %q", got)
	}
	for in, msg := range map[string]string{
		"speed": `unknown shape field "speed": want one of rate, burst, delay, jitter, loss, duplicate, reorder, limit`,
		"limit": `limit: invalid limit "x": want a number of packets`,
		"rate":  `rate: invalid rate "x": want a number such as 10mbit`,
	} {
		_, err := netconf.ParseShape(map[string]string{in: "x"})
		if err == nil || err.Error() != msg || !errors.Is(err, netconf.ErrInvalid) {
			t.Errorf("ParseShape(%s=x) = %v\n want %q", in, err, msg)
		}
	}
}

// TestShapeKept checks what Kept predicts the kernel keeps, without a
// kernel: defaults filled in, values in the kernel's units.
func TestShapeKept(t *testing.T) {
	cases := []struct{ in, want netconf.Shape }{
		{netconf.Shape{Rate: 10_000_000}, netconf.Shape{Rate: 10_000_000, Burst: 12500}},
		{netconf.Shape{Rate: 1_000_000}, netconf.Shape{Rate: 1_000_000, Burst: 1514}},
		{netconf.Shape{Delay: 20 * time.Millisecond, Loss: 1}, netconf.Shape{Delay: 20 * time.Millisecond, Loss: 1, Limit: 1000}},
		{netconf.Shape{Delay: time.Microsecond}, netconf.Shape{Delay: 960 * time.Nanosecond, Limit: 1000}}, // 15 ticks of 64 ns
		{netconf.Shape{Rate: 8_000_000, Delay: 5 * time.Millisecond, Jitter: time.Millisecond, Reorder: 25, Duplicate: 0.1, Limit: 50},
			netconf.Shape{Rate: 8_000_000, Burst: 10000, Delay: 5 * time.Millisecond, Jitter: time.Millisecond, Reorder: 25, Duplicate: 0.1, Limit: 50}},
		{netconf.Shape{Limit: 7}, netconf.Shape{Limit: 7}},
	}
	for _, c := range cases {
		if got, err := c.in.Kept(1500); err != nil || got != c.want {
			t.Errorf("Kept(%v) = %+v, %v\n want %+v", c.in, got, err, c.want)
		}
	}
	if _, err := (netconf.Shape{Jitter: 1}).Kept(1500); !errors.Is(err, netconf.ErrInvalid) {
		t.Errorf("Kept of jitter without delay = %v", err)
	}
}
