//go:build !linux

package vocab

import (
	"io"
	"os"
	"strconv"
)

// Width returns the width help text wraps to: $COLUMNS, else 80.
func Width(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}
