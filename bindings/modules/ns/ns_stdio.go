//go:build linux

package ns

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// Stream modes of ns.spawn's stdin, stdout and stderr options; a value that
// is none of these is a file path. "capture" is what ns.run makes of
// capture = true or "pipe" (still accepted as written, for old scripts).
const (
	ModeInherit = "inherit"
	ModePipe    = "pipe"
	ModeNull    = "null"
	ModeCapture = "capture"
)

var streamNames = [3]string{"stdin", "stdout", "stderr"}

// stdioModes reads the stream options for a caller of the given use: every
// stream is inherited by default, as os.execute and ip netns exec do; in
// ns.run, capture = true and "pipe" mean the output is collected.
func stdioModes(o *vocab.Opts, use int) [3]string {
	var m [3]string
	capture := o.Bool("capture", false)
	if o.Has("capture") && use != Run {
		o.Fail("capture", "is for ns.run and netns.exec, which wait for the command; here use stdout = \"pipe\" and read p.stdout")
	}
	for i, key := range streamNames {
		m[i] = o.Str(key)
		if m[i] == "" {
			m[i] = ModeInherit
			if capture && i > 0 {
				m[i] = ModeCapture
			}
		}
		if use != Run && m[i] == ModeCapture {
			o.Fail(key, "\"capture\" is for ns.run's stdout and stderr; use \"pipe\"")
		}
		if use == Run && m[i] == ModePipe {
			if i == 0 {
				o.Fail(key, "\"pipe\" needs a process to write it: use ns.spawn, or a file path")
			}
			m[i] = ModeCapture
		}
		if use == Run && i == 0 && m[i] == ModeCapture {
			o.Fail(key, "\"capture\" is for stdout and stderr")
		}
	}
	return m
}

// openStdio connects the spec's streams as modes say.
func openStdio(L *lua.LState, req *SpawnReq, modes [3]string) error {
	s := &req.Spec
	rt := vocab.HostOf(L)
	inherit := [3]any{os.Stdin, os.Stdout, os.Stderr}
	if rt != nil {
		inherit[1], inherit[2] = plainWriter(rt.Stdout()), plainWriter(rt.Stderr())
	}
	for i, mode := range modes {
		var v any
		switch mode {
		case ModeInherit:
			v = inherit[i]
		case ModeNull:
		case ModeCapture:
			req.capture[i] = true
		case ModePipe:
			switch i {
			case 0:
				s.PipeStdin = true
			case 1:
				s.PipeStdout = true
			case 2:
				s.PipeStderr = true
			}
		default:
			f, err := openStreamFile(luaContext(L), mode, i == 0)
			if err != nil {
				return fmt.Errorf("%s: %w", streamNames[i], err)
			}
			req.files = append(req.files, f)
			v = f
		}
		switch i {
		case 0:
			if r, ok := v.(io.Reader); ok {
				s.Stdin = r
			}
		case 1:
			if w, ok := v.(io.Writer); ok {
				s.Stdout = w
			}
		case 2:
			if w, ok := v.(io.Writer); ok {
				s.Stderr = w
			}
		}
	}
	return nil
}

// openStreamFile opens a stream's file. Opening a FIFO blocks until its
// other end is opened too, as a shell's redirection does; that wait ends
// when ctx does (Ctrl-C), by opening the other end ourselves.
func openStreamFile(ctx context.Context, path string, read bool) (*os.File, error) {
	open := func() (*os.File, error) {
		if read {
			return os.Open(path)
		}
		return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	}
	if st, err := os.Stat(path); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		return open()
	}
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := open()
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		return o.f, o.err
	case <-ctx.Done():
		// O_RDWR on a FIFO never blocks (fifo(7)) and completes the open.
		if u, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
			defer u.Close()
		}
		if o := <-ch; o.f != nil {
			o.f.Close()
		}
		return nil, fmt.Errorf("open %s: %w", path, context.Cause(ctx))
	}
}

// plainWriter passes an *os.File as it is (the child gets the descriptor);
// any other writer is wrapped so that os/exec's copier calls only Write:
// io.Copy into a bytes.Buffer would otherwise use ReadFrom, which holds the
// buffer's length across the blocking read and drops what print wrote
// meanwhile.
func plainWriter(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok {
		return f
	}
	return struct{ io.Writer }{w}
}
