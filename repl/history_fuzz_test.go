package repl

import "testing"

// FuzzHistoryEscape checks that every entry, whatever its newlines and
// backslashes, survives the history file's one-line-per-entry format.
func FuzzHistoryEscape(f *testing.F) {
	for _, s := range []string{"x = 1", "for i = 1, 2 do\nend", `a = "\\n"`, "\\", "\n\n", `\n`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := escape(s)
		for _, c := range e {
			if c == '\n' {
				t.Fatalf("escape(%q) = %q holds a newline", s, e)
			}
		}
		if got := unescape(e); got != s {
			t.Fatalf("unescape(escape(%q)) = %q", s, got)
		}
	})
}
