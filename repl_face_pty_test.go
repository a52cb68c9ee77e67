//go:build linux

package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings"
	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// exited waits for nsh to end and fails unless it exited 0.
func (term *terminal) exited(what string) {
	term.t.Helper()
	select {
	case err := <-term.done:
		term.done <- err // for the cleanup
		if err != nil {
			term.t.Fatalf("nsh exited with %v after %s", err, what)
		}
	case <-time.After(15 * time.Second):
		term.t.Fatalf("nsh did not exit after %s", what)
	}
}

// screen returns everything the terminal showed after mark.
func (term *terminal) screen(mark int) string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()[mark:]
}

// TestREPLLocalsCompletionDidYouMeanExit types at the prompt: a local on
// one line is there on the next, Tab completes an option name inside a
// call's table and a netns name inside a string, a mistyped module
// function says which was meant, and `exit` leaves with status 0.
func TestREPLLocalsCompletionDidYouMeanExit(t *testing.T) {
	testutil.RequireRoot(t)
	name := testutil.Name(t)
	h, err := netns.Add(name)
	if err != nil {
		t.Fatal(err)
	}
	h.Close()
	t.Cleanup(func() { netns.Del(name) })

	term := startTerminal(t, "XDG_STATE_HOME="+testutil.TempDir(t), "TERM=xterm")
	at := term.waitFor(0, "nsh> ")

	term.typeText("local x = 40\r")
	at = term.waitFor(at, "nsh> ")
	term.typeText("local function add2(v) return v + 2 end\r")
	at = term.waitFor(at, "nsh> ")
	term.typeText("add2(x)\r")
	at = term.waitFor(at, "42\r\n")
	at = term.waitFor(at, "nsh> ")

	// An option name from link.list's declaration, then a netns name.
	term.typeText("#link.list{n\t")
	at = term.waitFor(at, "ns = ")
	term.typeText("\"" + name[:len(name)-1] + "\t")
	at = term.waitFor(at, name)
	term.typeText("\"}\r")
	at = term.waitFor(at, "1\r\n") // lo only, in a fresh netns
	at = term.waitFor(at, "nsh> ")
	term.typeText("netns.get(\"" + name[:len(name)-1] + "\t")
	at = term.waitFor(at, name)
	term.typeText("\") == netns.get(\"" + name + "\")\r")
	at = term.waitFor(at, "true\r\n")
	at = term.waitFor(at, "nsh> ")

	term.typeText("netns.ad(\"x\")\r")
	at = term.waitFor(at, "netns.ad: no such function (did you mean netns.add?)")
	at = term.waitFor(at, "nsh> ")
	term.typeText("link.lst{ns = 'x'}\r")
	at = term.waitFor(at, "link.lst: no such function (did you mean link.list?)")
	term.waitFor(at, "nsh> ")

	term.typeText("exit\r")
	term.exited("exit")
}

// TestREPLCtrlDTearsDownLabs builds two labs at the prompt, one kept:
// the lab prints its nodes, links and addresses; Ctrl-D names the lab it
// tears down, not the kept one, and the lab's namespaces are gone.
func TestREPLCtrlDTearsDownLabs(t *testing.T) {
	testutil.RequireRoot(t)
	prefix := testutil.Name(t) + "-"
	kept := testutil.Name(t) + "-"
	t.Cleanup(func() {
		for _, n := range []string{prefix + "a", prefix + "b", kept + "a"} {
			netns.Del(n)
		}
		// the kept lab's ledger and spec, which topo keeps on disk
		for _, f := range []string{kept + ".json", "." + kept + ".lock", "." + kept + ".spec.json"} {
			os.Remove(filepath.Join("/run/nsh/labs", f))
		}
	})
	term := startTerminal(t, "XDG_STATE_HOME="+testutil.TempDir(t), "TERM=xterm")
	at := term.waitFor(0, "nsh> ")
	term.typeText(`local lab = topo.up{prefix = "` + prefix + `", hosts = {"a", "b"}, links = {{"a", "b", ip = {"10.9.0.1/24", "10.9.0.2/24"}}}}` + "\r")
	at = term.waitFor(at, "nsh> ")
	term.typeText("lab\r")
	at = term.waitFor(at, "lab "+prefix+" (up)")
	at = term.waitFor(at, "hosts:    a (netns "+prefix+"a), b (netns "+prefix+"b)")
	at = term.waitFor(at, "a:eth0 10.9.0.1/24 <-> b:eth0 10.9.0.2/24")
	at = term.waitFor(at, "nsh> ")
	term.typeText("lab.hosts.b\r")
	at = term.waitFor(at, "host b (netns "+prefix+"b)\r\n  eth0 10.9.0.2/24 -> a")
	at = term.waitFor(at, "nsh> ")
	term.typeText(`topo.up{prefix = "` + kept + `", keep = true, hosts = {"a"}}` + "\r")
	at = term.waitFor(at, "lab "+kept+" (up, kept)")
	at = term.waitFor(at, "nsh> ")
	term.typeText("\x04")
	at = term.waitFor(at, "nsh: tearing down lab "+prefix+" ("+prefix+"a, "+prefix+"b)")
	term.exited("Ctrl-D")
	if strings.Contains(term.screen(at), kept) {
		t.Errorf("Ctrl-D named the kept lab:\n%s", term.screen(0))
	}
	for _, n := range []string{prefix + "a", prefix + "b"} {
		if _, err := os.Stat("/run/netns/" + n); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("/run/netns/%s after Ctrl-D: %v", n, err)
		}
	}
	if _, err := os.Stat("/run/netns/" + kept + "a"); err != nil {
		t.Errorf("the kept lab's namespace is gone: %v", err)
	}
}

// TestREPLShellCommandAndClear runs !cmd in the shell's namespaces and
// clears the screen.
func TestREPLShellCommandAndClear(t *testing.T) {
	term := startTerminal(t, "XDG_STATE_HOME="+testutil.TempDir(t), "TERM=xterm")
	at := term.waitFor(0, "nsh> ")
	term.typeText("!echo from-sh; exit 3\r")
	at = term.waitFor(at, "from-sh\r\n")
	at = term.waitFor(at, "exit status 3")
	at = term.waitFor(at, "nsh> ")
	term.typeText("clear\r")
	at = term.waitFor(at, "\x1b[H\x1b[2J")
	term.waitFor(at, "nsh> ")
	term.typeText("quit\r")
	term.exited("quit")
}

var tutorialBlock = regexp.MustCompile("(?s)```lua\n(.*?)```")

// TestREPLTutorialPasted types every lua block of docs/tutorial.md at the
// prompt, line by line, as a reader pasting it would, and checks it runs
// as bindings' TestTutorial runs it: no entry fails, and the outputs the
// tutorial shows appear. Its names get this run's prefix, so that it can
// run beside TestTutorial.
func TestREPLTutorialPasted(t *testing.T) {
	testutil.RequireRoot(t)
	doc, err := os.ReadFile("docs/tutorial.md")
	if err != nil {
		t.Fatal(err)
	}
	prefix := testutil.Name(t) + "-"
	text := strings.ReplaceAll(string(doc), `"tut-`, `"`+prefix)
	t.Cleanup(func() {
		for _, n := range []string{"a", "b", "r"} {
			netns.Del(prefix + n)
		}
	})
	blocks := tutorialBlock.FindAllStringSubmatch(text, -1)
	if len(blocks) < 5 {
		t.Fatalf("%d lua blocks in the tutorial", len(blocks))
	}
	check, err := bindings.New(bindings.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()

	term := startTerminal(t, "XDG_STATE_HOME="+testutil.TempDir(t), "TERM=xterm", "COLUMNS=200")
	at := term.waitFor(0, "nsh> ")
	for i, b := range blocks {
		var pending []string
		for _, line := range strings.Split(strings.TrimRight(b[1], "\n"), "\n") {
			pending = append(pending, line)
			chunk := strings.Join(pending, "\n")
			term.typeText(line + "\r")
			if strings.TrimSpace(chunk) == "" {
				pending = nil
				at = term.waitFor(at, "nsh> ")
				continue
			}
			var se *bindings.SyntaxError
			if err := check.Check(chunk); errors.As(err, &se) && se.Incomplete {
				at = term.waitFor(at, ">> ")
				continue
			}
			pending = nil
			at = term.waitFor(at, "nsh> ")
		}
		term.typeText(`print("@@block" .. ` + string(rune('0'+i+1)) + ")\r")
		at = term.waitFor(at, "@@block"+string(rune('0'+i+1))+"\r\n")
		at = term.waitFor(at, "nsh> ")
	}
	// The locals of the first blocks are still there.
	term.typeText("print(mine.net == ns.self('net'), #nets > 0, type(r), inner ~= nil)\r")
	at = term.waitFor(at, "true\ttrue\ttable\ttrue\r\n")
	term.waitFor(at, "nsh> ")
	term.typeText("\x04")
	term.exited("Ctrl-D")
	out := term.screen(0)
	for _, bad := range []string{"stack traceback", "attempt to", "assertion failed", "interrupted"} {
		if strings.Contains(out, bad) {
			t.Fatalf("the tutorial failed at the prompt (%q):\n%s", bad, out)
		}
	}
	for _, want := range []string{"uid inside:", "a reaches b through r", "netns.del\tENOENT", "network namespaces; the first:"} {
		if !strings.Contains(out, want) {
			t.Errorf("the tutorial's output lacks %q:\n%s", want, out)
		}
	}
}
