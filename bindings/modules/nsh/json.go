package nsh

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nsh-lua/nsh/bindings/vocab"
	lua "github.com/yuin/gopher-lua"
)

// jsonFuncs are nsh.json.encode and nsh.json.decode.
func jsonFuncs() []vocab.Func {
	return []vocab.Func{
		{Name: "json.encode", Args: "(v)", Returns: "string", Fn: jsonEncode,
			Doc: "Returns v as JSON text (one line, keys sorted): a table whose keys are 1..n is an array (an empty table too), any other table an object; " +
				"a namespace handle becomes its text (\"net:[4026531840]\"), an error value an object of its fields; functions and cycles are refused.",
			Equiv:   "ip -j …; lsns -J",
			Example: `assert(nsh.json.encode({name = "lab", ids = {1, 2}}) == '{"ids":[1,2],"name":"lab"}')` + "\n" + `print(nsh.json.encode(ns.list("net")))`},
		{Name: "json.decode", Args: "(text)", Returns: "value", Fn: jsonDecode,
			Doc:     "Returns the value JSON text holds: objects and arrays become tables, null becomes nil; invalid text raises an error that names the line and column.",
			Equiv:   "jq .",
			Example: `local v = nsh.json.decode('{"name": "lab", "ids": [1, 2]}')` + "\n" + `assert(v.name == "lab" and v.ids[2] == 2)` + "\n" + `local ok, e = pcall(nsh.json.decode, '{"a": }')` + "\n" + `assert(not ok and tostring(e):find("line 1, column 7", 1, true))`},
	}
}

// JSON returns vals as JSON text, one line per value: what `nsh --json`
// prints for the values a chunk returns. It must run on L's thread.
func JSON(L *lua.LState, vals []lua.LValue) ([]byte, error) {
	var b bytes.Buffer
	for _, v := range vals {
		text, err := EncodeJSON(L, v)
		if err != nil {
			return nil, err
		}
		b.Write(text)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// EncodeJSON converts a Lua value to JSON text, as nsh.json.encode does.
func EncodeJSON(L *lua.LState, v lua.LValue) ([]byte, error) {
	g, err := toGo(L, v, map[*lua.LTable]bool{}, "value")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(g); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func jsonEncode(L *lua.LState) int {
	L.CheckAny(1)
	text, err := EncodeJSON(L, L.Get(1))
	if err != nil {
		return vocab.ArgError(L, "nsh.json.encode", 1, err.Error())
	}
	L.Push(lua.LString(text))
	return 1
}

func jsonDecode(L *lua.LState) int {
	text := L.CheckString(1)
	var g any
	if err := json.Unmarshal([]byte(text), &g); err != nil {
		return vocab.ArgError(L, "nsh.json.decode", 1, "invalid JSON "+where(text, err))
	}
	L.Push(toLua(L, g))
	return 1
}

// where renders a decoding error with its position as line and column
// (both from 1, the column in bytes), from the byte offset encoding/json
// gives.
func where(text string, err error) string {
	if strings.TrimSpace(text) == "" {
		return "(the text is empty)"
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if int(se.Offset) >= len(text) && strings.Contains(se.Error(), "unexpected end") {
			return "at " + position(text, len(text)+1) + ": the text ends inside a value"
		}
		return "at " + position(text, int(se.Offset)) + ": " + se.Error()
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "near " + position(text, int(te.Offset)) + ": " + te.Value + " is out of range"
	}
	return ": " + err.Error()
}

// position names the byte at offset (1-based: the last byte read).
func position(text string, offset int) string {
	if offset > len(text) {
		return "the end of the input (line " + lineCol(text, len(text)) + ")"
	}
	if offset < 1 {
		offset = 1
	}
	return "line " + lineCol(text, offset-1)
}

func lineCol(text string, i int) string {
	line, col := 1, 1
	for _, c := range []byte(text[:i]) {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return strconv.Itoa(line) + ", column " + strconv.Itoa(col)
}

// toGo converts a Lua value to what encoding/json writes; path names the
// value in messages ("value.links[2]").
func toGo(L *lua.LState, v lua.LValue, seen map[*lua.LTable]bool, path string) (any, error) {
	switch v := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LBool:
		return bool(v), nil
	case lua.LNumber:
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%s: %v has no JSON form", path, f)
		}
		return json.Number(lua.LVAsString(v)), nil
	case lua.LString:
		return string(v), nil
	case *lua.LTable:
		return tableToGo(L, v, seen, path)
	case *lua.LUserData:
		return userdataToGo(L, v, path)
	default:
		return nil, fmt.Errorf("%s: a %s has no JSON form", path, v.Type())
	}
}

func tableToGo(L *lua.LState, t *lua.LTable, seen map[*lua.LTable]bool, path string) (any, error) {
	if seen[t] {
		return nil, fmt.Errorf("%s: the table contains itself", path)
	}
	seen[t] = true
	defer delete(seen, t)
	n, count := t.Len(), 0
	t.ForEach(func(_, _ lua.LValue) { count++ })
	if count == n {
		list := make([]any, n)
		for i := 1; i <= n; i++ {
			g, err := toGo(L, t.RawGetInt(i), seen, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			list[i-1] = g
		}
		return list, nil
	}
	obj := map[string]any{}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		var key string
		switch k := k.(type) {
		case lua.LString:
			key = string(k)
		case lua.LNumber:
			key = lua.LVAsString(k)
		default:
			err = fmt.Errorf("%s: a %s key has no JSON form (keys are strings or numbers)", path, k.Type())
			return
		}
		obj[key], err = toGo(L, v, seen, path+"."+key)
	})
	return obj, err
}

// userdataToGo gives an error value as its fields and any other nsh value
// (a namespace handle, a process) as its text.
func userdataToGo(L *lua.LState, u *lua.LUserData, path string) (any, error) {
	if e, ok := vocab.AsError(u); ok {
		obj := map[string]any{"op": e.Op, "message": e.Error()}
		for k, s := range map[string]string{"option": e.Option, "target": e.Target, "errno": e.Errno(), "hint": e.Hint} {
			if s != "" {
				obj[k] = s
			}
		}
		if e.Arg > 0 {
			obj["arg"] = e.Arg
		}
		return obj, nil
	}
	if L.GetMetaField(u, "__tostring") != lua.LNil {
		return L.ToStringMeta(u).String(), nil
	}
	return nil, fmt.Errorf("%s: a %s has no JSON form", path, vocab.TypeName(u))
}

// toLua converts what encoding/json decoded into Lua values.
func toLua(L *lua.LState, g any) lua.LValue {
	switch g := g.(type) {
	case bool:
		return lua.LBool(g)
	case float64:
		return lua.LNumber(g)
	case string:
		return lua.LString(g)
	case []any:
		t := L.CreateTable(len(g), 0)
		for i, x := range g {
			t.RawSetInt(i+1, toLua(L, x))
		}
		return t
	case map[string]any:
		t := L.CreateTable(0, len(g))
		for k, x := range g {
			t.RawSetString(k, toLua(L, x))
		}
		return t
	}
	return lua.LNil
}
