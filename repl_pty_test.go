//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

// terminal is nsh running on a pseudo-terminal, as a person at a keyboard
// runs it: readline in raw mode, Ctrl-C from the tty driver.
type terminal struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
	done   chan error
}

// openPTY returns the master side and the path of the slave.
func openPTY(t *testing.T) (*os.File, string) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	return m, fmt.Sprintf("/dev/pts/%d", n)
}

// startTerminal runs nsh on a new pty in its own session.
func startTerminal(t *testing.T, env ...string) *terminal {
	t.Helper()
	master, slavePath := openPTY(t)
	slave, err := os.OpenFile(slavePath, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 120})
	cmd := exec.Command(nshBinary(t))
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	term := &terminal{t: t, master: master, cmd: cmd, done: make(chan error, 1)}
	go term.read()
	go func() { term.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-term.done
		master.Close()
	})
	return term
}

func (term *terminal) read() {
	buf := make([]byte, 4096)
	for {
		n, err := term.master.Read(buf)
		term.mu.Lock()
		term.out.Write(buf[:n])
		term.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// typeText sends keystrokes.
func (term *terminal) typeText(s string) {
	term.t.Helper()
	if _, err := term.master.WriteString(s); err != nil {
		term.t.Fatalf("type %q: %v", s, err)
	}
}

// waitFor waits until the screen output holds want after the mark.
func (term *terminal) waitFor(mark int, want string) int {
	term.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		term.mu.Lock()
		out := term.out.String()
		term.mu.Unlock()
		if i := strings.Index(out[mark:], want); i >= 0 {
			return mark + i + len(want)
		}
		time.Sleep(10 * time.Millisecond)
	}
	term.mu.Lock()
	defer term.mu.Unlock()
	term.t.Fatalf("terminal never showed %q; it shows:\n%s", want, term.out.String()[mark:])
	return 0
}

// TestREPLOnTerminal drives the real REPL on a pseudo-terminal: values
// print, a multi-line chunk continues on ">> ", Tab completes a module
// field, Ctrl-C stops a running loop and the REPL stays, Ctrl-D exits 0,
// and the history file holds what was typed.
func TestREPLOnTerminal(t *testing.T) {
	state := testutil.TempDir(t)
	term := startTerminal(t, "XDG_STATE_HOME="+state, "TERM=xterm")
	at := term.waitFor(0, "nsh> ")

	term.typeText("1 + 41\r")
	at = term.waitFor(at, "42")
	at = term.waitFor(at, "nsh> ")

	term.typeText("for i = 1, 2 do\r")
	at = term.waitFor(at, ">> ")
	term.typeText("print('line', i)\r")
	at = term.waitFor(at, ">> ")
	term.typeText("end\r")
	at = term.waitFor(at, "line\t2")
	at = term.waitFor(at, "nsh> ")

	term.typeText("nsh.vers\t")
	at = term.waitFor(at, "nsh.version")
	term.typeText("\r")
	at = term.waitFor(at, `"0.1.0"`)
	at = term.waitFor(at, "nsh> ")

	// Ctrl-C must reach a running chunk: wait until it runs (readline has
	// handed the terminal back, so the tty driver turns ^C into SIGINT).
	term.typeText("print('looping') while true do end\r")
	at = term.waitFor(at, "looping\r\n")
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	term.typeText("\x03")
	at = term.waitFor(at, "interrupted")
	if d := time.Since(start); d > time.Second {
		t.Errorf("Ctrl-C took %v to stop the loop", d)
	}
	at = term.waitFor(at, "nsh> ")
	term.typeText("print('still here')\r")
	at = term.waitFor(at, "still here\r\n")
	term.waitFor(at, "nsh> ")

	term.typeText("\x04")
	select {
	case err := <-term.done:
		term.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("nsh exited with %v after Ctrl-D", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nsh did not exit on Ctrl-D")
	}
	hist, err := os.ReadFile(filepath.Join(state, "nsh", "history"))
	if err != nil {
		t.Fatal(err)
	}
	want := "1 + 41\nfor i = 1, 2 do\\nprint('line', i)\\nend\nnsh.version\nprint('looping') while true do end\nprint('still here')\n"
	if string(hist) != want {
		t.Fatalf("history file:\n%q\nwant:\n%q", hist, want)
	}
}
