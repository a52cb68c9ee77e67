package compat

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// luaFile is a FILE* of nsh's io library: a file, a standard stream or the
// parent's end of an io.popen pipe, buffered as C's stdio buffers it
// (fully by default, setvbuf("no"/"line"/"full")).
type luaFile struct {
	*fileCore
	sink  io.Writer     // where writes go once buffered: f, or the host's writer
	r     *bufio.Reader // nil when the file is not readable
	line  bool          // line buffered: flush after a write holding '\n'
	write bool          // writable
	std   bool          // a standard file: close refuses
}

// fileCore is what closing a file needs: the io library keeps it, and
// closes it when the script drops the file (collectgarbage, Release), as
// lua5.1's __gc does.
type fileCore struct {
	f    *os.File      // nil for a standard output that is the host's writer
	bw   *bufio.Writer // nil when writes are not buffered
	proc *exec.Cmd     // the child of an io.popen handle
	done bool          // closed
}

// errInval is fopen's and popen's answer to a mode they do not know.
var errInval error = syscall.EINVAL

// errStdClose is what closing a standard file gives, as lua5.1 says it.
var errStdClose = errors.New("cannot close standard file")

// newLuaFile wraps f; writes are fully buffered when buffered is true.
func newLuaFile(f *os.File, readable, writable, buffered bool) *luaFile {
	lf := &luaFile{fileCore: &fileCore{f: f}, sink: f, write: writable}
	if readable {
		lf.r = bufio.NewReader(f)
	}
	if writable && buffered {
		lf.bw = bufio.NewWriter(f)
	}
	return lf
}

// name is what tostring shows.
func (lf *luaFile) name() string {
	if lf.done {
		return "file (closed)"
	}
	return fmt.Sprintf("file (%p)", unsafe.Pointer(lf))
}

// beforeRead flushes pending writes, so a read sees them.
func (lf *luaFile) beforeRead() error {
	if lf.bw != nil && lf.bw.Buffered() > 0 {
		return lf.bw.Flush()
	}
	return nil
}

// beforeWrite gives back what the reader read ahead, so a write lands where
// the script's reads stopped.
func (lf *luaFile) beforeWrite() error {
	if lf.r == nil || lf.r.Buffered() == 0 || lf.f == nil {
		return nil
	}
	_, err := lf.f.Seek(int64(-lf.r.Buffered()), io.SeekCurrent)
	lf.r.Reset(lf.f)
	return err
}

// writeString writes s through the buffer the file has.
func (lf *luaFile) writeString(s string) error {
	if !lf.write {
		return syscall.EBADF
	}
	if err := lf.beforeWrite(); err != nil {
		return err
	}
	if lf.bw == nil {
		_, err := io.WriteString(lf.sink, s)
		return err
	}
	if _, err := lf.bw.WriteString(s); err != nil {
		return err
	}
	if lf.line && containsNewline(s) {
		return lf.bw.Flush()
	}
	return nil
}

func containsNewline(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return true
		}
	}
	return false
}

// flush writes out the buffer.
func (lf *fileCore) flush() error {
	if lf.bw == nil {
		return nil
	}
	return lf.bw.Flush()
}

// seek moves the position as fseek does and returns the new one.
func (lf *luaFile) seek(offset int64, whence int) (int64, error) {
	if lf.f == nil {
		return 0, syscall.ESPIPE
	}
	if err := lf.flush(); err != nil {
		return 0, err
	}
	if whence == io.SeekCurrent && lf.r != nil {
		offset -= int64(lf.r.Buffered())
	}
	pos, err := lf.f.Seek(offset, whence)
	if err != nil {
		return 0, err
	}
	if lf.r != nil {
		lf.r.Reset(lf.f)
	}
	return pos, nil
}

// setvbuf changes the buffering of writes: "no", "full" or "line".
func (lf *luaFile) setvbuf(mode string, size int) error {
	if err := lf.flush(); err != nil {
		return err
	}
	if !lf.write || lf.std {
		// Reads are buffered alike; the standard files stay unbuffered, as
		// print writes to standard output beside them.
		return nil
	}
	if size <= 0 {
		size = 4096
	}
	lf.bw, lf.line = nil, false
	if mode != "no" {
		lf.bw, lf.line = bufio.NewWriterSize(lf.f, size), mode == "line"
	}
	return nil
}

// close flushes and closes the file and, for a popen handle, waits for
// the child as pclose does. A standard file refuses.
func (lf *luaFile) close() error {
	if lf.std {
		return errStdClose
	}
	return lf.fileCore.close()
}

// close flushes and closes the file and waits for a popen child.
func (lf *fileCore) close() error {
	lf.done = true
	err := lf.flush()
	if cerr := lf.f.Close(); err == nil {
		err = cerr
	}
	if lf.proc != nil {
		var exit *exec.ExitError
		if werr := lf.proc.Wait(); err == nil && werr != nil && !errors.As(werr, &exit) {
			err = werr
		}
	}
	return err
}

// pushResult pushes what lua5.1's pushresult gives: true, or nil, the
// message (prefixed by name when given) and the errno.
func pushResult(L *lua.LState, err error, name string) int {
	if err == nil {
		L.Push(lua.LTrue)
		return 1
	}
	return pushError(L, err, name)
}

// pushError pushes nil, the message and the errno.
func pushError(L *lua.LState, err error, name string) int {
	msg, errno := strerror(err)
	if name != "" {
		msg = name + ": " + msg
	}
	L.Push(lua.LNil)
	L.Push(lua.LString(msg))
	if err == errStdClose {
		return 2
	}
	L.Push(lua.LNumber(errno))
	return 3
}

// strerror renders err as C's strerror renders its errno ("No such file
// or directory") and returns the errno, 0 when it has none.
func strerror(err error) (string, int) {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error(), 0
	}
	msg := errno.Error()
	if msg != "" && msg[0] >= 'a' && msg[0] <= 'z' {
		msg = string(msg[0]-'a'+'A') + msg[1:]
	}
	return msg, int(errno)
}
