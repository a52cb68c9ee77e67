package compat

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// installPatterns replaces string.find, match, gmatch (and its 5.1 alias
// gfind) and gsub with nsh's, which match as lua5.1 does (pattern.go).
func installPatterns(L *lua.LState, str *lua.LTable) {
	str.RawSetString("find", L.NewFunction(func(L *lua.LState) int { return strFind(L, true) }))
	str.RawSetString("match", L.NewFunction(func(L *lua.LState) int { return strFind(L, false) }))
	gmatch := L.NewFunction(strGmatch)
	str.RawSetString("gmatch", gmatch)
	str.RawSetString("gfind", gmatch)
	str.RawSetString("gsub", L.NewFunction(strGsub))
}

// newMatcher makes a matcher of pat (up to its first NUL) against src.
func newMatcher(L *lua.LState, src, pat string) *matcher {
	return &matcher{L: L, src: src, pat: cString(pat)}
}

// strFind is string.find (find) and string.match: lua5.1's str_find_aux.
func strFind(L *lua.LState, find bool) int {
	s, p := checkString(L, 1), checkString(L, 2)
	init := L.OptInt(3, 1)
	if init < 0 {
		init += len(s) + 1
	}
	init--
	if init < 0 {
		init = 0
	} else if init > len(s) {
		init = len(s)
	}
	if find && (lua.LVAsBool(L.Get(4)) || !strings.ContainsAny(cString(p), patternSpecial)) {
		if i := strings.Index(s[init:], p); i >= 0 {
			L.Push(lua.LNumber(init + i + 1))
			L.Push(lua.LNumber(init + i + len(p)))
			return 2
		}
		L.Push(lua.LNil)
		return 1
	}
	m := newMatcher(L, s, p)
	anchor := strings.HasPrefix(m.pat, "^")
	if anchor {
		m.pat = m.pat[1:]
	}
	for s1 := init; ; s1++ {
		m.level = 0
		if e := m.match(s1, 0); e != -1 {
			if find {
				L.Push(lua.LNumber(s1 + 1))
				L.Push(lua.LNumber(e))
				return m.pushCaptures(-1, 0, false) + 2
			}
			return m.pushCaptures(s1, e, true)
		}
		if s1 >= len(s) || anchor {
			break
		}
	}
	L.Push(lua.LNil)
	return 1
}

// strGmatch is string.gmatch(s, pattern): an iterator over the matches;
// an empty match moves on by one, and '^' is an ordinary character.
func strGmatch(L *lua.LState) int {
	s, p := checkString(L, 1), checkString(L, 2)
	pos := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		m := newMatcher(L, s, p)
		for src := pos; src <= len(s); src++ {
			m.level = 0
			if e := m.match(src, 0); e != -1 {
				pos = e
				if e == src {
					pos++
				}
				return m.pushCaptures(src, e, true)
			}
		}
		pos = len(s) + 1
		return 0
	}))
	return 1
}

// strGsub is string.gsub(s, pattern, repl [, n]).
func strGsub(L *lua.LState) int {
	src, p := checkString(L, 1), checkString(L, 2)
	repl := L.Get(3)
	switch repl.Type() {
	case lua.LTNumber, lua.LTString, lua.LTTable, lua.LTFunction:
	default:
		argError(L, 3, "string/function/table expected")
	}
	maxN := L.OptInt(4, len(src)+1)
	m := newMatcher(L, src, p)
	anchor := strings.HasPrefix(m.pat, "^")
	if anchor {
		m.pat = m.pat[1:]
	}
	var b strings.Builder
	n, s := 0, 0
	for n < maxN {
		m.level = 0
		e := m.match(s, 0)
		if e != -1 {
			n++
			m.addValue(&b, s, e, repl)
		}
		switch {
		case e != -1 && e > s:
			s = e
		case s < len(src):
			b.WriteByte(src[s])
			s++
		default:
			goto done
		}
		if anchor {
			break
		}
	}
done:
	b.WriteString(src[s:])
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(n))
	return 2
}

// addValue appends the replacement of the match s..e.
func (m *matcher) addValue(b *strings.Builder, s, e int, repl lua.LValue) {
	L := m.L
	var v lua.LValue
	switch r := repl.(type) {
	case lua.LString, lua.LNumber:
		m.addString(b, s, e, lua.LVAsString(r))
		return
	case *lua.LFunction:
		L.Push(r)
		n := m.pushCaptures(s, e, true)
		L.Call(n, 1)
		v = L.Get(-1)
		L.Pop(1)
	case *lua.LTable:
		v = L.GetTable(r, m.capture(0, s, e))
	}
	switch x := v.(type) {
	case lua.LString:
		b.WriteString(string(x))
	case lua.LNumber:
		b.WriteString(FormatNumber(x))
	default:
		if !lua.LVAsBool(v) {
			b.WriteString(m.src[s:e]) // keep the original
			return
		}
		L.RaiseError("invalid replacement value (a %s)", v.Type().String())
	}
}

// addString appends a replacement string: %0 the match, %1-%9 captures,
// '%' before anything else that thing (a trailing '%' a NUL, as in C).
func (m *matcher) addString(b *strings.Builder, s, e int, repl string) {
	for i := 0; i < len(repl); i++ {
		if repl[i] != '%' {
			b.WriteByte(repl[i])
			continue
		}
		i++
		var c byte
		if i < len(repl) {
			c = repl[i]
		}
		switch {
		case c < '0' || c > '9':
			b.WriteByte(c)
		case c == '0':
			b.WriteString(m.src[s:e])
		default:
			switch v := m.capture(int(c-'1'), s, e).(type) {
			case lua.LNumber:
				b.WriteString(FormatNumber(v))
			default:
				b.WriteString(lua.LVAsString(v))
			}
		}
	}
}
