// Command nsh is a shell for Linux namespaces whose language is Lua.
//
//	nsh [options] [script [args…]]
//
// With no script it opens a REPL when standard input is a terminal and runs
// standard input as a script otherwise, as lua(1) does.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/nsh-lua/nsh/bindings"
	nshmod "github.com/nsh-lua/nsh/bindings/modules/nsh"
	"github.com/nsh-lua/nsh/repl"
	lua "github.com/yuin/gopher-lua"
)

const usage = `usage: nsh [options] [script [args...]]

nsh is a shell for Linux namespaces whose language is Lua. With no script it
opens an interactive prompt (or runs standard input when it is not a terminal).

Options:
  -e code    run code (may be repeated; runs in order)
  -l name    require module name
  -i         enter the interactive prompt after running the script
  --json     print what each -e chunk and the script return as JSON, one
             value a line (nsh --json -e 'return ns.list()' | jq)
  -v         show the version and exit (also --version)
  -h         show this help and exit (also --help)
  --         stop handling options
  -          run standard input as the script

The script sees its arguments in the global table arg (arg[0] is the script,
arg[-1] and below the options before it and nsh) and as ... in its main
chunk. $LUA_INIT, when set, runs first: Lua code, or @file to run a file.
Try: nsh -e 'print(ns.self("net"))'
Exit status: 0, 1 after an error, n after os.exit(n), 2 for a bad option;
os.exit(ns.enter(pid, cmd, ...)) exits as the command did.
Reference: docs/reference.md, or help() at the prompt.
`

// options is the parsed command line.
type options struct {
	actions     []action // -e and -l, in order
	interactive bool
	json        bool // print returned values as JSON
	version     bool
	help        bool
	script      string // "" none, "-" stdin
	args        []string
	before      []string // the options before the script: arg[-n..-1]
}

type action struct {
	kind  byte // 'e' or 'l'
	value string
}

func main() {
	bindings.Init()
	if len(os.Args) > 0 && os.Args[0] != "" {
		progname = os.Args[0]
	}
	os.Exit(run(os.Args[1:]))
}

// parseArgs reads the command line the way lua(1) does.
func parseArgs(argv []string) (options, error) {
	var o options
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "--":
			return o.withScript(argv[:i+1], argv[i+1:]), nil
		case a == "-":
			o.script, o.args, o.before = "-", argv[i+1:], argv[:i]
			return o, nil
		case a == "-e" || a == "-l":
			if i+1 >= len(argv) {
				return o, fmt.Errorf("'%s' needs an argument", a)
			}
			o.actions = append(o.actions, action{a[1], argv[i+1]})
			i++
		case strings.HasPrefix(a, "-e") || strings.HasPrefix(a, "-l"):
			o.actions = append(o.actions, action{a[1], a[2:]})
		case a == "-i":
			o.interactive = true
		case a == "--json":
			o.json = true
		case a == "-v" || a == "--version":
			o.version = true
		case a == "-h" || a == "--help":
			o.help = true
		case strings.HasPrefix(a, "-"):
			return o, fmt.Errorf("unrecognized option '%s'", a)
		default:
			return o.withScript(argv[:i], argv[i:]), nil
		}
	}
	return o, nil
}

func (o options) withScript(before, rest []string) options {
	if len(rest) > 0 {
		o.script, o.args, o.before = rest[0], rest[1:], before
	}
	return o
}

// progname is arg[-n], the interpreter as it was called: os.Args[0].
var progname = "nsh"

// run is the whole CLI; it returns the exit status.
func run(argv []string) int {
	o, err := parseArgs(argv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "nsh: %v\n%s", err, usage)
		return 2
	}
	if o.help {
		fmt.Print(usage)
		return 0
	}
	rt, err := bindings.New(bindings.Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "nsh: %v\n", err)
		return 1
	}
	w := watchSignals()
	code := execute(w, rt, o)
	return w.finish(code, func() { rt.Close() })
}

// execute runs the actions, the script and the REPL in lua(1)'s order; a
// signal w catches stops them.
func execute(w *signalWatch, rt *bindings.Runtime, o options) int {
	ctx := w.ctx
	if code, done := report(runInit(ctx, rt)); done {
		return code
	}
	if o.version {
		fmt.Printf("nsh %s (Lua 5.1 by gopher-lua)\n", bindings.Version)
		if len(o.actions) == 0 && o.script == "" && !o.interactive {
			return 0
		}
	}
	for _, a := range o.actions {
		if code, done := report(o.results(ctx, rt)(runAction(ctx, rt, a))); done {
			return code
		}
	}
	tty := isTerminal(os.Stdin)
	switch {
	case o.script == "-" || o.script == "" && len(o.actions) == 0 && !o.interactive && !tty && !o.version:
		if code, done := report(o.results(ctx, rt)(runStdin(ctx, rt, o))); done {
			return code
		}
	case o.script != "":
		if code, done := report(o.results(ctx, rt)(runFile(ctx, rt, o))); done {
			return code
		}
	}
	if o.interactive || o.script == "" && len(o.actions) == 0 && !o.version && tty {
		w.pause()
		return interactive(rt)
	}
	return 0
}

func runAction(ctx context.Context, rt *bindings.Runtime, a action) ([]lua.LValue, error) {
	if a.kind == 'l' {
		return nil, rt.Require(ctx, a.value)
	}
	return rt.Eval(ctx, a.value, "(command line)")
}

// runStdin runs standard input: as the script "-" (with an arg table), or
// with no script named (without one, as lua5.1 runs it).
func runStdin(ctx context.Context, rt *bindings.Runtime, o options) ([]lua.LValue, error) {
	code, err := io.ReadAll(os.Stdin)
	if err != nil {
		return nil, fmt.Errorf("cannot read stdin: %w", err)
	}
	s := bindings.Script{Name: "stdin", Code: code, Args: o.args, NoArg: o.script == ""}
	if o.script == "-" {
		s.Arg0, s.Options = "-", append([]string{progname}, o.before...)
	}
	return rt.EvalScript(ctx, s)
}

// runFile runs the script with its arg table as lua5.1 sets it: arg[0]
// the script, arg[1..] its arguments, arg[-n..-1] the interpreter and the
// options before the script.
func runFile(ctx context.Context, rt *bindings.Runtime, o options) ([]lua.LValue, error) {
	code, err := os.ReadFile(o.script)
	if err != nil {
		return nil, cannotOpen(o.script, err)
	}
	return rt.EvalScript(ctx, bindings.Script{Name: o.script, Code: code, Args: o.args,
		Options: append([]string{progname}, o.before...)})
}

func cannotOpen(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot open %s: %w", path, err)
}

// runInit runs $LUA_INIT before anything else, as lua5.1 does: the file
// after a leading '@', else the text as the chunk "=LUA_INIT". No arg
// table exists yet.
func runInit(ctx context.Context, rt *bindings.Runtime) error {
	init, ok := os.LookupEnv("LUA_INIT")
	if !ok {
		return nil
	}
	if path, isFile := strings.CutPrefix(init, "@"); isFile {
		code, err := os.ReadFile(path)
		if err != nil {
			return cannotOpen(path, err)
		}
		_, err = rt.EvalScript(ctx, bindings.Script{Name: path, Code: code, NoArg: true})
		return err
	}
	_, err := rt.Eval(ctx, init, "LUA_INIT")
	return err
}

// results returns what to do with the values a chunk returned: print them
// as JSON with --json, as `ip -j` prints its objects; drop them otherwise,
// as lua(1) does.
func (o options) results(ctx context.Context, rt *bindings.Runtime) func([]lua.LValue, error) error {
	return func(vals []lua.LValue, err error) error {
		if err != nil || !o.json || len(vals) == 0 {
			return err
		}
		return rt.Do(ctx, func(L *lua.LState) error {
			text, err := nshmod.JSON(L, vals)
			if err != nil {
				return fmt.Errorf("--json: %w", err)
			}
			_, err = rt.Stdout().Write(text)
			return err
		})
	}
}

// report prints an error the way lua(1) does and says whether to stop, and
// with which status.
func report(err error) (int, bool) {
	if err == nil {
		return 0, false
	}
	var exit *bindings.ExitError
	if errors.As(err, &exit) {
		return exit.Code, true
	}
	var sig *interruption
	if errors.As(err, &sig) {
		return sig.status(), true // finish says so, in one line
	}
	var le *bindings.LuaError
	if errors.As(err, &le) && le.Value == lua.LNil {
		return 1, true // error(nil): lua(1) says nothing
	}
	fmt.Fprintf(os.Stderr, "nsh: %v\n", err)
	if errors.As(err, &le) && le.Traceback != "" {
		fmt.Fprintln(os.Stderr, le.Traceback)
	}
	return 1, true
}

// interactive runs the REPL on the terminal.
func interactive(rt *bindings.Runtime) int {
	fmt.Printf("nsh %s — Lua for Linux namespaces. help() lists the modules; Ctrl-D exits.\n", bindings.Version)
	in, err := repl.NewTerminal(repl.NewCompleter(rt))
	if err != nil {
		fmt.Fprintf(os.Stderr, "nsh: %v\n", err)
		return 1
	}
	defer in.Close()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	err = repl.Run(repl.Config{
		Runtime: rt, In: in, Out: os.Stdout, Err: os.Stderr,
		Interrupts: sigs, History: repl.OpenHistory(repl.DefaultHistoryPath()),
	})
	code, _ := report(err)
	return code
}
