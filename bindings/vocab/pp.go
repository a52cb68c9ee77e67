package vocab

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Repr renders a Lua value the way the REPL shows it: strings quoted,
// tables expanded with sorted keys and indentation, a table met again
// inside itself shown as <cycle>, userdata through __tostring.
func Repr(L *lua.LState, v lua.LValue) string {
	p := printer{L: L, seen: map[*lua.LTable]bool{}}
	p.value(v, 0)
	return p.b.String()
}

type printer struct {
	L    *lua.LState
	b    strings.Builder
	seen map[*lua.LTable]bool
}

const maxDepth = 16

func (p *printer) value(v lua.LValue, depth int) {
	switch v := v.(type) {
	case lua.LString:
		p.b.WriteString(strconv.Quote(string(v)))
	case *lua.LTable:
		p.table(v, depth)
	default:
		p.b.WriteString(p.L.ToStringMeta(v).String())
	}
}

func (p *printer) table(t *lua.LTable, depth int) {
	if p.seen[t] {
		p.b.WriteString("<cycle>")
		return
	}
	if text, ok := p.hook(t); ok {
		p.b.WriteString(strings.ReplaceAll(text, "\n", "\n"+strings.Repeat("  ", depth)))
		return
	}
	if mt, ok := p.L.GetMetaField(t, "__tostring").(*lua.LFunction); ok && mt != nil {
		p.b.WriteString(p.L.ToStringMeta(t).String())
		return
	}
	if depth >= maxDepth {
		p.b.WriteString("{…}")
		return
	}
	p.seen[t] = true
	defer delete(p.seen, t)
	keys, n := tableKeys(t)
	if len(keys) == 0 {
		p.b.WriteString("{}")
		return
	}
	if n == len(keys) && p.flat(t, n) {
		p.inline(t, n, depth)
		return
	}
	p.block(t, keys, n, depth)
}

// hook calls the value's __nsh_repr metamethod, which returns the text the
// REPL shows for it (a topo lab shows its nodes, links and addresses
// instead of its internals); ok is false when it has none or it fails.
func (p *printer) hook(t *lua.LTable) (string, bool) {
	fn, ok := p.L.GetMetaField(t, "__nsh_repr").(*lua.LFunction)
	if !ok {
		return "", false
	}
	err := p.L.CallByParam(lua.P{Fn: fn, NRet: 1, Protect: true}, t)
	if err != nil {
		return "", false
	}
	s, ok := p.L.Get(-1).(lua.LString)
	p.L.Pop(1)
	return string(s), ok
}

// flat reports whether an array of scalars fits on one line.
func (p *printer) flat(t *lua.LTable, n int) bool {
	width := 0
	for i := 1; i <= n; i++ {
		v := t.RawGetInt(i)
		if _, isTable := v.(*lua.LTable); isTable && p.L.GetMetaField(v, "__tostring") == lua.LNil {
			return false
		}
		width += len(p.L.ToStringMeta(v).String()) + 2
	}
	return width <= 72
}

func (p *printer) inline(t *lua.LTable, n, depth int) {
	p.b.WriteString("{ ")
	for i := 1; i <= n; i++ {
		if i > 1 {
			p.b.WriteString(", ")
		}
		p.value(t.RawGetInt(i), depth+1)
	}
	p.b.WriteString(" }")
}

func (p *printer) block(t *lua.LTable, keys []lua.LValue, n, depth int) {
	indent := strings.Repeat("  ", depth+1)
	p.b.WriteString("{\n")
	for i, k := range keys {
		p.b.WriteString(indent)
		if i >= n {
			p.key(k)
			p.b.WriteString(" = ")
		}
		p.value(t.RawGet(k), depth+1)
		p.b.WriteString(",\n")
	}
	p.b.WriteString(strings.Repeat("  ", depth))
	p.b.WriteString("}")
}

func (p *printer) key(k lua.LValue) {
	if s, ok := k.(lua.LString); ok && isIdent(string(s)) {
		p.b.WriteString(string(s))
		return
	}
	p.b.WriteString("[")
	p.value(k, maxDepth)
	p.b.WriteString("]")
}

// tableKeys returns the array part 1..n first, then the other keys sorted:
// numbers, then strings, then the rest by their text.
func tableKeys(t *lua.LTable) ([]lua.LValue, int) {
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	keys := make([]lua.LValue, 0, n)
	for i := 1; i <= n; i++ {
		keys = append(keys, lua.LNumber(i))
	}
	var rest []lua.LValue
	t.ForEach(func(k, _ lua.LValue) {
		if num, ok := k.(lua.LNumber); ok && float64(num) == float64(int(num)) && int(num) >= 1 && int(num) <= n {
			return
		}
		rest = append(rest, k)
	})
	sort.Slice(rest, func(i, j int) bool { return keyLess(rest[i], rest[j]) })
	return append(keys, rest...), n
}

func keyLess(a, b lua.LValue) bool {
	ra, rb := keyRank(a), keyRank(b)
	if ra != rb {
		return ra < rb
	}
	if na, ok := a.(lua.LNumber); ok {
		return na < b.(lua.LNumber)
	}
	return fmt.Sprint(a) < fmt.Sprint(b)
}

func keyRank(v lua.LValue) int {
	switch v.(type) {
	case lua.LNumber:
		return 0
	case lua.LString:
		return 1
	default:
		return 2
	}
}

var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "if": true, "in": true, "local": true,
	"nil": true, "not": true, "or": true, "repeat": true, "return": true, "then": true,
	"true": true, "until": true, "while": true,
}

func isIdent(s string) bool {
	if s == "" || luaKeywords[s] {
		return false
	}
	for i, c := range s {
		letter := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
