package nsh

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// column is one column of nsh.table: the record field and its heading.
type column struct {
	field, head string
	numeric     bool // every value is a number: align right, as lsns does
}

// nshTable is nsh.table(records [, columns]).
func nshTable(L *lua.LState) int {
	recs := L.CheckTable(1)
	rows := records(L, recs)
	cols := columns(L, 2, rows)
	writeOut(L, renderTable(L, rows, cols))
	return 0
}

// records returns the list part of t, each entry a table.
func records(L *lua.LState, t *lua.LTable) []*lua.LTable {
	out := make([]*lua.LTable, 0, t.Len())
	for i := 1; i <= t.Len(); i++ {
		rec, ok := t.RawGetInt(i).(*lua.LTable)
		if !ok {
			vocab.ArgError(L, "nsh.table", 1, fmt.Sprintf("records[%d]: table expected, got %s", i, vocab.TypeName(t.RawGetInt(i))))
		}
		out = append(out, rec)
	}
	return out
}

// columns reads argument n: a list of field names or {field, heading}
// pairs; without it, every field whose values are plain (strings, numbers,
// booleans, handles) in the records, sorted by name.
func columns(L *lua.LState, n int, rows []*lua.LTable) []column {
	var cols []column
	switch spec := L.Get(n).(type) {
	case *lua.LNilType:
		for _, f := range plainFields(rows) {
			cols = append(cols, column{field: f, head: strings.ToUpper(f)})
		}
	case *lua.LTable:
		for i := 1; i <= spec.Len(); i++ {
			cols = append(cols, columnOf(L, n, i, spec.RawGetInt(i)))
		}
		if len(cols) == 0 {
			vocab.ArgError(L, "nsh.table", n, "no columns given")
		}
	default:
		vocab.ArgError(L, "nsh.table", n, "list of columns expected, got "+vocab.TypeName(spec))
	}
	for i := range cols {
		cols[i].numeric = numeric(rows, cols[i].field)
	}
	return cols
}

func columnOf(L *lua.LState, n, i int, v lua.LValue) column {
	switch v := v.(type) {
	case lua.LString:
		return column{field: string(v), head: strings.ToUpper(string(v))}
	case *lua.LTable:
		f, ok1 := v.RawGetInt(1).(lua.LString)
		h, ok2 := v.RawGetInt(2).(lua.LString)
		if ok1 && ok2 {
			return column{field: string(f), head: string(h)}
		}
	}
	vocab.ArgError(L, "nsh.table", n, fmt.Sprintf("columns[%d]: a field name or {field, heading} expected", i))
	return column{}
}

// plainFields lists the string keys whose values print on one line.
func plainFields(rows []*lua.LTable) []string {
	seen := map[string]bool{}
	for _, r := range rows {
		r.ForEach(func(k, v lua.LValue) {
			if ks, ok := k.(lua.LString); ok && v.Type() != lua.LTTable && v.Type() != lua.LTFunction {
				seen[string(ks)] = true
			}
		})
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

func numeric(rows []*lua.LTable, field string) bool {
	some := false
	for _, r := range rows {
		switch r.RawGetString(field).(type) {
		case lua.LNumber:
			some = true
		case *lua.LNilType:
		default:
			return false
		}
	}
	return some
}

// renderTable lays the rows out in columns one space apart, as lsns
// does; numbers align right, and the last column is not padded.
func renderTable(L *lua.LState, rows []*lua.LTable, cols []column) string {
	cells := make([][]string, len(rows)+1)
	width := make([]int, len(cols))
	cells[0] = make([]string, len(cols))
	for j, c := range cols {
		cells[0][j] = c.head
		width[j] = utf8.RuneCountInString(c.head)
	}
	for i, r := range rows {
		cells[i+1] = make([]string, len(cols))
		for j, c := range cols {
			s := cell(L, r.RawGetString(c.field))
			cells[i+1][j] = s
			width[j] = max(width[j], utf8.RuneCountInString(s))
		}
	}
	var b strings.Builder
	for _, line := range cells {
		var l strings.Builder
		for j, s := range line {
			if j > 0 {
				l.WriteString(" ")
			}
			pad := strings.Repeat(" ", width[j]-utf8.RuneCountInString(s))
			switch {
			case cols[j].numeric:
				l.WriteString(pad + s)
			case j < len(line)-1:
				l.WriteString(s + pad)
			default:
				l.WriteString(s)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// cell renders one value: lists of plain values joined by commas, other
// tables as {…}, every control character escaped.
func cell(L *lua.LState, v lua.LValue) string {
	switch v := v.(type) {
	case *lua.LNilType:
		return ""
	case *lua.LTable:
		var parts []string
		for i := 1; i <= v.Len(); i++ {
			e := v.RawGetInt(i)
			if e.Type() == lua.LTTable {
				return "{…}"
			}
			parts = append(parts, cell(L, e))
		}
		if len(parts) == 0 && v.Len() == 0 {
			if k, _ := v.Next(lua.LNil); k != lua.LNil {
				return "{…}"
			}
		}
		return strings.Join(parts, ",")
	}
	return vocab.Printable(L.ToStringMeta(v).String())
}
