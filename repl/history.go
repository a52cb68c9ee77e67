package repl

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// History is the REPL's history file: one entry a line, a multi-line chunk
// kept as one entry with its newlines escaped.
type History struct{ path string }

// DefaultHistoryPath is $XDG_STATE_HOME/nsh/history, or
// ~/.local/state/nsh/history when XDG_STATE_HOME is unset.
func DefaultHistoryPath() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "nsh", "history")
}

// OpenHistory uses the history file at path; "" keeps no history.
func OpenHistory(path string) *History { return &History{path: path} }

// Load returns the saved entries, oldest first; a missing file is empty.
func (h *History) Load() []string {
	if h == nil || h.path == "" {
		return nil
	}
	f, err := os.Open(h.path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		out = append(out, unescape(sc.Text()))
	}
	return out
}

// Append saves one entry at the end of the file, creating it and its
// directory on first use.
func (h *History) Append(entry string) error {
	if h == nil || h.path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(escape(entry) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

var (
	escaper   = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	unescaper = strings.NewReplacer(`\\`, `\`, `\n`, "\n")
)

func escape(s string) string   { return escaper.Replace(s) }
func unescape(s string) string { return unescaper.Replace(s) }
