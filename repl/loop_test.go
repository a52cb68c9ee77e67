//go:build linux

package repl

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/testutil"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	os.Exit(testutil.Main(m))
}

// script is a LineReader fed from a list of inputs: a string is a typed
// line, ErrInterrupt a Ctrl-C at the prompt. It records the prompts shown.
type script struct {
	mu      sync.Mutex
	inputs  []any
	prompt  string
	prompts []string
	history []string
}

func (s *script) Readline() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prompts = append(s.prompts, s.prompt)
	if len(s.inputs) == 0 {
		return "", io.EOF
	}
	in := s.inputs[0]
	s.inputs = s.inputs[1:]
	if err, ok := in.(error); ok {
		return "", err
	}
	return in.(string), nil
}

func (s *script) SetPrompt(p string)  { s.mu.Lock(); s.prompt = p; s.mu.Unlock() }
func (s *script) AddHistory(e string) { s.mu.Lock(); s.history = append(s.history, e); s.mu.Unlock() }
func (s *script) Close() error        { return nil }

type session struct {
	out, err bytes.Buffer
	in       *script
	rt       *bindings.Runtime
}

// runSession runs the loop over inputs and returns what it printed.
func runSession(t *testing.T, hist *History, interrupts chan os.Signal, inputs ...any) *session {
	t.Helper()
	s := &session{in: &script{inputs: inputs}}
	rt, err := bindings.New(bindings.Options{Stdout: &s.out, Stderr: &s.err})
	if err != nil {
		t.Fatal(err)
	}
	s.rt = rt
	t.Cleanup(func() { rt.Close() })
	err = Run(Config{Runtime: rt, In: s.in, Out: &s.out, Err: &s.err, Interrupts: interrupts, History: hist})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return s
}

func TestExpressionsPrint(t *testing.T) {
	s := runSession(t, nil, nil,
		"1 + 1",
		`"a" .. "b"`,
		"x = 5",
		"x, x * 2",
		"{b = {1, 2}, a = true}",
		"t = {} t.self = t",
		"t",
		"nil",
	)
	want := "2\n\"ab\"\n5\t10\n{\n  a = true,\n  b = { 1, 2 },\n}\n{\n  self = <cycle>,\n}\nnil\n"
	if s.out.String() != want {
		t.Fatalf("output:\n%s\nwant:\n%s", s.out.String(), want)
	}
	if s.err.Len() != 0 {
		t.Fatalf("stderr: %s", s.err.String())
	}
}

func TestContinuationOrSyntaxError(t *testing.T) {
	cases := []struct {
		name   string
		lines  []string
		out    string // stdout after the last line
		errOut string // substring of stderr, "" for none
		cont   int    // how many ">> " prompts were shown
	}{
		{"if block", []string{"if true then", "print('yes')", "end"}, "yes\n", "", 2},
		{"open call", []string{"print(", "42)"}, "42\n", "", 1},
		{"open table", []string{"{", "1, 2 }"}, "{ 1, 2 }\n", "", 1},
		{"long string", []string{"[[a", "b]]"}, "\"a\\nb\"\n", "", 1},
		{"function", []string{"function f(x)", "return x * 3", "end", "f(2)"}, "6\n", "", 2},
		{"real error", []string{"x = = 2"}, "", "stdin#1:1: unexpected symbol near '='", 0},
		{"error in second line", []string{"if true then", "x = = 2"}, "", ":2: unexpected symbol near '='", 1},
		{"unfinished short string", []string{"x = 'abc"}, "", "unterminated string", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := make([]any, len(c.lines))
			for i, l := range c.lines {
				in[i] = l
			}
			s := runSession(t, nil, nil, in...)
			if s.out.String() != c.out {
				t.Errorf("stdout %q, want %q", s.out.String(), c.out)
			}
			if c.errOut == "" && s.err.Len() > 0 || !strings.Contains(s.err.String(), c.errOut) {
				t.Errorf("stderr %q, want it to contain %q", s.err.String(), c.errOut)
			}
			if n := strings.Count(strings.Join(s.in.prompts, "|"), contPrompt); n != c.cont {
				t.Errorf("prompts %q: %d continuation prompts, want %d", s.in.prompts, n, c.cont)
			}
		})
	}
}

func TestCtrlCAtPromptDropsPendingInput(t *testing.T) {
	s := runSession(t, nil, nil, "if true then", ErrInterrupt, "print('fresh')")
	if s.out.String() != "fresh\n" || s.err.Len() != 0 {
		t.Fatalf("stdout %q stderr %q", s.out.String(), s.err.String())
	}
}

func TestCtrlCCancelsRunningChunk(t *testing.T) {
	interrupts := make(chan os.Signal, 1)
	var sent time.Time
	go func() {
		time.Sleep(300 * time.Millisecond)
		sent = time.Now()
		interrupts <- os.Interrupt
	}()
	start := time.Now()
	s := runSession(t, nil, interrupts, "while true do end", "print('alive')")
	if !strings.Contains(s.err.String(), "interrupted") {
		t.Fatalf("stderr %q: want interrupted", s.err.String())
	}
	if s.out.String() != "alive\n" {
		t.Fatalf("the REPL did not go on after Ctrl-C: stdout %q", s.out.String())
	}
	if d := time.Since(sent); sent.IsZero() || d > time.Second {
		t.Fatalf("loop stopped %v after Ctrl-C (total %v), want < 1s", d, time.Since(start))
	}
}

func TestHistoryWritten(t *testing.T) {
	path := filepath.Join(testutil.TempDir(t), "state", "nsh", "history")
	hist := OpenHistory(path)
	runSession(t, hist, nil, "x = 1", "for i = 1, 2 do", "x = x + i", "end", "  ")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "x = 1\nfor i = 1, 2 do\\nx = x + i\\nend\n"
	if string(data) != want {
		t.Fatalf("history file %q, want %q", data, want)
	}
	// A second session loads both entries, the multi-line one intact.
	s := runSession(t, hist, nil)
	if len(s.in.history) != 2 || s.in.history[1] != "for i = 1, 2 do\nx = x + i\nend" {
		t.Fatalf("reloaded history %q", s.in.history)
	}
}

func TestDefaultHistoryPath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if got := DefaultHistoryPath(); got != "/x/state/nsh/history" {
		t.Fatalf("got %q", got)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if got := DefaultHistoryPath(); got != "/home/u/.local/state/nsh/history" {
		t.Fatalf("got %q", got)
	}
}

func TestOsExitEndsLoop(t *testing.T) {
	rt, err := bindings.New(bindings.Options{Stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	in := &script{inputs: []any{"os.exit(7)", "print('not reached')"}}
	err = Run(Config{Runtime: rt, In: in, Out: io.Discard, Err: io.Discard})
	var exit *bindings.ExitError
	if !errors.As(err, &exit) || exit.Code != 7 {
		t.Fatalf("Run = %v, want exit 7", err)
	}
}

func TestCompletion(t *testing.T) {
	rt, err := bindings.New(bindings.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	complete := NewCompleter(rt)
	cases := map[string][]string{
		"x = nsh.p":   {"nsh.pp(", "nsh.printf("},
		"strin":       {"string"},
		"string.up":   {"string.upper("},
		"nope.x":      nil,
		"nsh.version": {"nsh.version"},
	}
	for line, want := range cases {
		if got, _ := complete(line); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("complete(%q) = %q, want %q", line, got, want)
		}
	}
	// Methods come from the value's metatable.
	if err := rt.DoString(t.Context(), `h = setmetatable({}, {__index = {close = function() end}})`, "t"); err != nil {
		t.Fatal(err)
	}
	if got, _ := complete("h:cl"); len(got) != 1 || got[0] != "h:close(" {
		t.Errorf("complete(h:cl) = %q", got)
	}
	// readline gets the suffixes.
	suffixes, n := readlineCompleter{complete}.Do([]rune("nsh.ve"), 6)
	if n != 6 || len(suffixes) != 1 || string(suffixes[0]) != "rsion" {
		t.Errorf("readline completion %q %d", suffixes, n)
	}
}

func TestPromptShowsMovedNamespaces(t *testing.T) {
	testutil.RequireRoot(t)
	rt, err := bindings.New(bindings.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close() // the VM thread dies with the runtime: it never rejoins
	if p := promptFor(rt, false); p != prompt {
		t.Fatalf("prompt before = %q", p)
	}
	var netns string
	err = rt.Do(t.Context(), func(L *lua.LState) error {
		if err := osthread.Unshare(unix.CLONE_NEWNET); err != nil {
			return err
		}
		netns, err = os.Readlink("/proc/thread-self/ns/net")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "nsh[" + strings.NewReplacer("[", "", "]", "").Replace(netns) + "]> "
	if p := promptFor(rt, false); p != want {
		t.Fatalf("prompt after unshare = %q, want %q", p, want)
	}
	if p := promptFor(rt, true); p != contPrompt {
		t.Fatalf("continuation prompt = %q", p)
	}
}

// TestShellWords checks that exit and quit leave only when typed alone,
// clear clears, and !cmd runs a command: exit() and a variable named
// quit are still Lua.
func TestShellWords(t *testing.T) {
	s := runSession(t, nil, nil, "quit = 5", "quit + 1", "clear", "print('after clear')", "exit", "print('not reached')")
	if !strings.Contains(s.out.String(), "6\n") || !strings.Contains(s.out.String(), "\x1b[H\x1b[2J") ||
		!strings.Contains(s.out.String(), "after clear\n") || strings.Contains(s.out.String(), "not reached") {
		t.Fatalf("stdout %q stderr %q", s.out.String(), s.err.String())
	}
}
