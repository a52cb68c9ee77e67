//go:build linux

package vocab

import (
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Width returns the width help text wraps to when written to w: the
// terminal's columns when w is a terminal, else $COLUMNS, else 80.
func Width(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
			return int(ws.Col)
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}
