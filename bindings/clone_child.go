//go:build linux

package bindings

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/nsh-lua/nsh/bindings/modules/ns"
	lua "github.com/yuin/gopher-lua"
)

// cloneChild is the child main of ns.clone, run in the re-executed child:
// a fresh runtime rebuilds the shipped function and calls it.
func cloneChild(arg json.RawMessage) (json.RawMessage, int) {
	rt, err := New(Options{})
	if err != nil {
		return ns.ShippedError("ns.clone child: "+err.Error(), ""), 1
	}
	defer rt.Close()
	var reply json.RawMessage
	err = rt.Do(context.Background(), func(L *lua.LState) error {
		var err error
		reply, err = ns.RunShipped(L, rt, rt.call, arg)
		return err
	})
	var exit *ExitError
	if errors.As(err, &exit) { // os.exit(n) in fn: the child exits with n
		return ns.ShippedExit(), exit.Code
	}
	if err != nil {
		tb := ""
		if le, ok := err.(*LuaError); ok {
			tb = le.Traceback
		}
		return ns.ShippedError(err.Error(), tb), 1
	}
	return reply, 0
}
