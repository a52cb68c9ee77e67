//go:build linux

package bindings

import (
	"context"
	"os"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

func TestZZW2Probe(t *testing.T) {
	rt := newTestRuntime(t, nil)
	code, _ := os.ReadFile("/tmp/w2/w2phase.lua")
	var marks []time.Time
	rt.Do(context.Background(), func(L *lua.LState) error {
		L.SetGlobal("mark", L.NewFunction(func(L *lua.LState) int { marks = append(marks, time.Now()); return 0 }))
		return nil
	})
	if err := rt.DoString(context.Background(), string(code), "w2"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(marks); i++ {
		t.Logf("phase %d: %v", i, marks[i].Sub(marks[i-1]))
	}
}
