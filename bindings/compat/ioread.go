package compat

import (
	"bufio"
	"errors"
	"io"
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

func (st *ioState) fRead(L *lua.LState) int {
	return st.read(L, toFile(L, 1), 2)
}

func (st *ioState) ioRead(L *lua.LState) int {
	return st.read(L, st.defaultFile(L, false), 1)
}

// read is lua5.1's g_read: each format in turn ("*l" when none), stopping
// at the first that finds nothing (which gives nil); a read error gives
// nil, message, errno.
func (st *ioState) read(L *lua.LState, lf *luaFile, first int) int {
	if lf.r == nil {
		return pushError(L, syscall.EBADF, "")
	}
	if err := lf.beforeRead(); err != nil {
		return pushError(L, err, "")
	}
	top := L.GetTop()
	if top < first {
		L.Push(lua.LString("*l"))
		top = first
	}
	n := 0
	for i := first; i <= top; i++ {
		v, err := readFormat(L, lf.r, i, i-first+1)
		if err != nil {
			return pushError(L, err, "")
		}
		n++
		if v == lua.LNil {
			L.Push(lua.LNil)
			break
		}
		L.Push(v)
	}
	return n
}

// readFormat reads what argument i asks for; nil when it finds nothing.
// argn is the argument's number in messages.
func readFormat(L *lua.LState, r *bufio.Reader, i, argn int) (lua.LValue, error) {
	switch v := L.Get(i).(type) {
	case lua.LNumber:
		return readChars(r, int(v))
	case lua.LString:
		if len(v) < 1 || v[0] != '*' {
			break
		}
		switch (string(v) + "\x00")[1] {
		case 'n':
			return readNumber(r)
		case 'l':
			return readLine(r)
		case 'a':
			b, err := io.ReadAll(r)
			return lua.LString(b), err
		}
		argError(L, argn, "invalid format")
	}
	argError(L, argn, "invalid option")
	return lua.LNil, nil
}

// readChars reads up to n bytes; nil at end of file. n = 0 tests for it.
func readChars(r *bufio.Reader, n int) (lua.LValue, error) {
	if n <= 0 {
		if _, err := r.Peek(1); err != nil {
			return eofNil(err)
		}
		return lua.LString(""), nil
	}
	buf := make([]byte, n)
	got, err := io.ReadFull(r, buf)
	if got > 0 {
		return lua.LString(buf[:got]), nil
	}
	return eofNil(err)
}

// readLine reads a line without its newline; nil at end of file.
func readLine(r *bufio.Reader) (lua.LValue, error) {
	line, err := r.ReadString('\n')
	if err == nil {
		return lua.LString(line[:len(line)-1]), nil
	}
	if line != "" && errors.Is(err, io.EOF) {
		return lua.LString(line), nil
	}
	return eofNil(err)
}

// eofNil turns end of file into nil and other errors into errors.
func eofNil(err error) (lua.LValue, error) {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return lua.LNil, nil
	}
	return lua.LNil, err
}

// readNumber reads a number as fscanf("%lf") does: blanks, then the
// longest prefix that can be a number (decimal or hexadecimal, inf, nan);
// nil when that is not a number.
func readNumber(r *bufio.Reader) (lua.LValue, error) {
	for {
		b, err := r.Peek(1)
		if err != nil {
			return eofNil(err)
		}
		if !isCSpace(b[0]) {
			break
		}
		r.ReadByte()
	}
	var text []byte
	accept := func(set string) bool {
		b, err := r.Peek(1)
		if err != nil || !containsFold(set, b[0]) {
			return false
		}
		r.ReadByte()
		text = append(text, b[0])
		return true
	}
	accept("+-")
	digits := "0123456789"
	exp := "eE"
	if accept("0") {
		if accept("xX") {
			digits, exp = "0123456789abcdefABCDEF", "pP"
		}
	}
	for accept(digits) {
	}
	if accept(".") {
		for accept(digits) {
		}
	}
	if len(text) == 0 || text[len(text)-1] == '+' || text[len(text)-1] == '-' {
		if !acceptWord(accept, "infinity") {
			acceptWord(accept, "nan")
		}
	} else if accept(exp) {
		accept("+-")
		for accept("0123456789") {
		}
	}
	// What scanf took and cannot use is lost, as in glibc ("1e" gives 1).
	for k := len(text); k > 0; k-- {
		if n, ok := ParseNumber(string(text[:k])); ok {
			return n, nil
		}
	}
	return lua.LNil, nil
}

// acceptWord accepts the letters of word in either case as far as they
// match, and says whether it accepted any.
func acceptWord(accept func(string) bool, word string) bool {
	for i := 0; i < len(word); i++ {
		if !accept(string([]byte{word[i], word[i] - 'a' + 'A'})) {
			return i > 0
		}
	}
	return true
}

func isCSpace(c byte) bool {
	for i := 0; i < len(cSpace); i++ {
		if cSpace[i] == c {
			return true
		}
	}
	return false
}

func containsFold(set string, c byte) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}

// fLines is file:lines(): an iterator that returns nil at end of file and
// leaves the file open.
func (st *ioState) fLines(L *lua.LState) int {
	lf := toFile(L, 1)
	L.Push(st.linesIter(L, lf, false))
	return 1
}

// ioLines is io.lines([name]): over a file it opens and closes at end of
// file, or over the default input.
func (st *ioState) ioLines(L *lua.LState) int {
	if L.Get(1) == lua.LNil {
		L.Push(st.linesIter(L, toFileValue(L, st.input), false))
		return 1
	}
	name := L.CheckString(1)
	ud, err := st.openFile(L, name, "r")
	if err != nil {
		msg, _ := strerror(err)
		argError(L, 1, name+": "+msg)
	}
	L.Push(st.linesIter(L, ud.Value.(*luaFile), true))
	return 1
}

// toFileValue checks that ud's file is open.
func toFileValue(L *lua.LState, ud *lua.LUserData) *luaFile {
	lf := ud.Value.(*luaFile)
	if lf.done {
		L.RaiseError("attempt to use a closed file")
	}
	return lf
}

// linesIter is lua5.1's io_readline: after end of file a file io.lines
// opened is closed, and reading on raises "file is already closed".
func (st *ioState) linesIter(L *lua.LState, lf *luaFile, toClose bool) *lua.LFunction {
	return L.NewFunction(func(L *lua.LState) int {
		if lf.done {
			L.RaiseError("file is already closed")
		}
		if lf.r == nil {
			msg, _ := strerror(syscall.EBADF)
			L.RaiseError("%s", msg)
		}
		if err := lf.beforeRead(); err != nil {
			msg, _ := strerror(err)
			L.RaiseError("%s", msg)
		}
		v, err := readLine(lf.r)
		if err != nil {
			msg, _ := strerror(err)
			L.RaiseError("%s", msg)
		}
		if v != lua.LNil {
			L.Push(v)
			return 1
		}
		if toClose {
			st.closeFile(lf)
		}
		return 0
	})
}
