package vocab

import "testing"

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"sleep 60":            "sleep 60",
		"a\nb\tc\rd":          `a\nb\tc\rd`,
		"evil\x1b[2Jcleared":  `evil\x1b[2Jcleared`,
		"bad\xffutf8":         `bad\xffutf8`,
		"naïve ünïcode":       "naïve ünïcode",
		"del\x7f and \u0085.": `del\x7f and \x85.`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}
