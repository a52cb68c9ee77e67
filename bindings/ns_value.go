package bindings

import (
	"fmt"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// wireValue is a plain Lua value (nil, boolean, number, string, or a table
// of those) in a form that survives JSON exactly: strings as bytes
// (base64), numbers as their shortest exact text, tables as key/value
// pairs so integer and string keys stay apart.
type wireValue struct {
	T string      `json:"t"`           // "nil", "b", "n", "s", "t"
	B bool        `json:"b,omitempty"` // boolean
	N string      `json:"n,omitempty"` // number
	S []byte      `json:"s,omitempty"` // string
	K []wireValue `json:"k,omitempty"` // table keys
	V []wireValue `json:"v,omitempty"` // table values, same order
}

// toWire converts v, refusing functions, userdata, threads and channels,
// and tables that contain themselves. what names v in the error, e.g.
// "upvalue 'h'".
func toWire(v lua.LValue, what string) (wireValue, error) {
	return toWireSeen(v, what, map[*lua.LTable]bool{})
}

func toWireSeen(v lua.LValue, what string, seen map[*lua.LTable]bool) (wireValue, error) {
	switch x := v.(type) {
	case *lua.LNilType:
		return wireValue{T: "nil"}, nil
	case lua.LBool:
		return wireValue{T: "b", B: bool(x)}, nil
	case lua.LNumber:
		return wireValue{T: "n", N: strconv.FormatFloat(float64(x), 'g', -1, 64)}, nil
	case lua.LString:
		return wireValue{T: "s", S: []byte(x)}, nil
	case *lua.LTable:
		return tableToWire(x, what, seen)
	}
	return wireValue{}, fmt.Errorf("%s is a %s: only nil, booleans, numbers, strings and tables of those can be copied into the child", what, wireTypeName(v))
}

func wireTypeName(v lua.LValue) string {
	if ud, ok := v.(*lua.LUserData); ok {
		return fmt.Sprintf("userdata (%T)", ud.Value)
	}
	return v.Type().String()
}

func tableToWire(t *lua.LTable, what string, seen map[*lua.LTable]bool) (wireValue, error) {
	if seen[t] {
		return wireValue{}, fmt.Errorf("%s contains itself: tables with cycles cannot be copied", what)
	}
	if t.Metatable != lua.LNil {
		return wireValue{}, fmt.Errorf("%s has a metatable: only plain tables can be copied", what)
	}
	seen[t] = true
	defer delete(seen, t)
	out := wireValue{T: "t"}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		var wk, wv wireValue
		if wk, err = toWireSeen(k, what+" key", seen); err != nil {
			return
		}
		if wv, err = toWireSeen(v, fmt.Sprintf("%s[%s]", what, k), seen); err != nil {
			return
		}
		out.K, out.V = append(out.K, wk), append(out.V, wv)
	})
	return out, err
}

// fromWire rebuilds the Lua value in L.
func fromWire(L *lua.LState, w wireValue) (lua.LValue, error) {
	switch w.T {
	case "nil":
		return lua.LNil, nil
	case "b":
		return lua.LBool(w.B), nil
	case "n":
		f, err := strconv.ParseFloat(w.N, 64)
		if err != nil && !math.IsInf(f, 0) {
			return nil, fmt.Errorf("bad number %q", w.N)
		}
		return lua.LNumber(f), nil
	case "s":
		return lua.LString(w.S), nil
	case "t":
		if len(w.K) != len(w.V) {
			return nil, fmt.Errorf("table with %d keys and %d values", len(w.K), len(w.V))
		}
		t := L.NewTable()
		for i := range w.K {
			k, err := fromWire(L, w.K[i])
			if err != nil {
				return nil, err
			}
			v, err := fromWire(L, w.V[i])
			if err != nil {
				return nil, err
			}
			t.RawSet(k, v)
		}
		return t, nil
	}
	return nil, fmt.Errorf("unknown value tag %q", w.T)
}
