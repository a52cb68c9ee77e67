package repl

import (
	"errors"
	"io"

	"strings"

	"github.com/chzyer/readline"
)

// ErrInterrupt is what a LineReader returns when the user pressed Ctrl-C
// while typing: the loop drops the pending input and prompts again.
var ErrInterrupt = errors.New("interrupt")

// LineReader is the line editor the loop reads from: readline on a
// terminal, a script in tests.
type LineReader interface {
	// Readline returns one line without its newline; io.EOF on Ctrl-D at
	// an empty line, ErrInterrupt on Ctrl-C.
	Readline() (string, error)
	// SetPrompt sets the prompt shown for the next line.
	SetPrompt(prompt string)
	// AddHistory adds an entry to the in-memory history.
	AddHistory(entry string)
	// Close releases the terminal.
	Close() error
}

// Completer proposes completions for the text before the cursor, and says
// how many bytes at its end they replace.
type Completer func(line string) (candidates []string, replace int)

// terminal is the readline-backed LineReader.
type terminal struct{ rl *readline.Instance }

// NewTerminal opens readline on the process's terminal, with tab
// completion from complete.
func NewTerminal(complete Completer) (LineReader, error) {
	rl, err := readline.NewEx(&readline.Config{
		Prompt:                 "nsh> ",
		AutoComplete:           readlineCompleter{complete},
		DisableAutoSaveHistory: true,
		HistoryLimit:           10000,
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
	})
	if err != nil {
		return nil, err
	}
	return &terminal{rl: rl}, nil
}

func (t *terminal) Readline() (string, error) {
	line, err := t.rl.Readline()
	switch {
	case errors.Is(err, readline.ErrInterrupt):
		return "", ErrInterrupt
	case errors.Is(err, io.EOF):
		return "", io.EOF
	}
	return line, err
}

func (t *terminal) SetPrompt(p string)  { t.rl.SetPrompt(p) }
func (t *terminal) AddHistory(e string) { t.rl.SaveHistory(e) }
func (t *terminal) Close() error        { return t.rl.Close() }

// readlineCompleter adapts a Completer to readline's AutoCompleter: it
// returns the suffixes that complete the word before the cursor.
type readlineCompleter struct{ complete Completer }

func (c readlineCompleter) Do(line []rune, pos int) ([][]rune, int) {
	before := string(line[:pos])
	cands, n := c.complete(before)
	word := before[len(before)-n:]
	var out [][]rune
	for _, cand := range cands {
		if strings.HasPrefix(cand, word) {
			out = append(out, []rune(cand[len(word):]))
		}
	}
	return out, len([]rune(word))
}
