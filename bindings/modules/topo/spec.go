//go:build linux

package topo

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// A lab's spec is kept beside its ledger, as .PREFIX.spec.json (a hidden
// name, which netconf.ListLedgers skips), so that another nsh process can
// attach to the lab, show it, and compare it with a new spec. Lua tables
// become JSON objects; an integer key k is written "#k", and a string key
// that starts with '#' gets another '#'.

func specPath(dir, prefix string) string {
	return filepath.Join(dir, "."+prefix+".spec.json")
}

// saveSpec writes the spec file atomically (a temporary file renamed over
// it).
func saveSpec(dir, prefix string, spec lua.LValue) error {
	v, err := toJSON(spec, 0)
	if err != nil {
		return fmt.Errorf("lab spec: %w", err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("lab spec: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+prefix+".spec.*.tmp")
	if err != nil {
		return fmt.Errorf("lab spec: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), specPath(dir, prefix))
	}
	if err != nil {
		return fmt.Errorf("lab spec: %w", err)
	}
	return nil
}

// loadSpec reads the spec file back; a missing one is (LNil, nil).
func loadSpec(L *lua.LState, dir, prefix string) (lua.LValue, error) {
	data, err := os.ReadFile(specPath(dir, prefix))
	if errors.Is(err, os.ErrNotExist) {
		return lua.LNil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lab spec: %w", err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("lab spec: %s: %w", specPath(dir, prefix), err)
	}
	return fromJSON(L, v), nil
}

// toJSON turns plain Lua data into values encoding/json writes.
func toJSON(v lua.LValue, depth int) (any, error) {
	if depth > 50 {
		return nil, errors.New("nested too deeply")
	}
	switch v := v.(type) {
	case lua.LString:
		return string(v), nil
	case lua.LNumber:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("number %v cannot be kept", v)
		}
		return float64(v), nil
	case lua.LBool:
		return bool(v), nil
	case *lua.LTable:
		out := map[string]any{}
		var err error
		v.ForEach(func(k, val lua.LValue) {
			if err != nil {
				return
			}
			var key string
			switch k := k.(type) {
			case lua.LNumber:
				key = "#" + strconv.FormatFloat(float64(k), 'f', -1, 64)
			case lua.LString:
				key = string(k)
				if strings.HasPrefix(key, "#") {
					key = "#" + key
				}
			default:
				err = fmt.Errorf("a %s key cannot be kept", k.Type())
				return
			}
			out[key], err = toJSON(val, depth+1)
		})
		return out, err
	}
	return nil, fmt.Errorf("a %s value cannot be kept", v.Type())
}

// fromJSON turns what toJSON wrote back into Lua values.
func fromJSON(L *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case string:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case bool:
		return lua.LBool(v)
	case map[string]any:
		t := L.NewTable()
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keyLess(keys[i], keys[j]) })
		for _, k := range keys {
			val := fromJSON(L, v[k])
			switch {
			case strings.HasPrefix(k, "##"):
				t.RawSetString(k[1:], val)
			case strings.HasPrefix(k, "#"):
				n, _ := strconv.ParseFloat(k[1:], 64)
				t.RawSet(lua.LNumber(n), val)
			default:
				t.RawSetString(k, val)
			}
		}
		return t
	}
	return lua.LNil
}

// keyLess orders integer keys ("#2" before "#10") first, so a list is
// rebuilt in order, then the rest by name.
func keyLess(a, b string) bool {
	na, ea := listKey(a)
	nb, eb := listKey(b)
	switch {
	case ea == nil && eb == nil:
		return na < nb
	case ea == nil || eb == nil:
		return ea == nil
	}
	return a < b
}

func listKey(k string) (float64, error) {
	if !strings.HasPrefix(k, "#") || strings.HasPrefix(k, "##") {
		return 0, errors.New("not a list key")
	}
	return strconv.ParseFloat(k[1:], 64)
}
