package ns

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nsh-lua/nsh/bindings/vocab"
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
// tables that contain themselves and tables nested deeper than
// maxWireDepth. what names v in the error, e.g. "upvalue 'h'".
func toWire(v lua.LValue, what string) (wireValue, error) {
	w := &wirer{what: what, seen: map[*lua.LTable]bool{}}
	return w.value(v)
}

// maxWireDepth bounds how deeply tables may nest in a copied value: far
// more than plain data needs, and well inside what encoding/json decodes.
const maxWireDepth = 200

// wirer walks one value; path holds the keys leading to the current one,
// turned into text ("upvalue 't'[a][1]") only for an error, so a deep
// table costs no quadratic string building.
type wirer struct {
	what string
	path []string
	seen map[*lua.LTable]bool
}

func (w *wirer) name() string {
	return w.what + strings.Join(w.path, "")
}

func (w *wirer) value(v lua.LValue) (wireValue, error) {
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
		return w.table(x)
	}
	return wireValue{}, fmt.Errorf("%s is a %s: only nil, booleans, numbers, strings and tables of those can be copied into the child", w.name(), vocab.TypeName(v))
}

func (w *wirer) table(t *lua.LTable) (wireValue, error) {
	if w.seen[t] {
		return wireValue{}, fmt.Errorf("%s contains itself: tables with cycles cannot be copied", w.name())
	}
	if t.Metatable != lua.LNil {
		return wireValue{}, fmt.Errorf("%s has a metatable: only plain tables can be copied", w.name())
	}
	if len(w.path) >= maxWireDepth {
		return wireValue{}, fmt.Errorf("%s nests tables deeper than %d levels: it cannot be copied", w.what, maxWireDepth)
	}
	w.seen[t] = true
	defer delete(w.seen, t)
	out := wireValue{T: "t"}
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		var wk, wv wireValue
		w.path = append(w.path, " key")
		wk, err = w.value(k)
		w.path = w.path[:len(w.path)-1]
		if err != nil {
			return
		}
		w.path = append(w.path, "["+k.String()+"]")
		wv, err = w.value(v)
		w.path = w.path[:len(w.path)-1]
		if err != nil {
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
