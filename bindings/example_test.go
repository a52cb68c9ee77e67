//go:build linux

package bindings_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/nsh-lua/nsh/bindings"
	lua "github.com/yuin/gopher-lua"
)

// A Go program runs Lua with the nsh modules in a Runtime, which owns the
// VM and the OS thread it runs on. (Its main calls bindings.Init first.)
func ExampleRuntime() {
	rt, err := bindings.New(bindings.Options{Stdout: os.Stdout})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close()
	ctx := context.Background()
	rt.DoString(ctx, `print(#ns.types, ns.types[4])`, "example")
	vals, _ := rt.Eval(ctx, `return ns.self("net"):type(), 6 * 7`, "expr")
	fmt.Println(vals[0], vals[1])
	err = rt.DoString(ctx, `os.exit(3)`, "exit")
	fmt.Println(err)
	// Output:
	// 8	net
	// net 42
	// os.exit(3)
}

// A program that owns its Lua state attaches the nsh modules to it;
// functions that would move the host's thread into other namespaces refuse.
func ExampleAttach() {
	L := lua.NewState()
	defer L.Close()
	if err := bindings.Attach(L); err != nil {
		fmt.Println(err)
		return
	}
	L.DoString(`print(nsh.repr({"a", "b"}))`)
	err := L.DoString(`ns.unshare("uts")`)
	fmt.Println(strings.Contains(bindings.Message(L, err), "refused on a Lua state nsh does not own"))
	// Output:
	// { "a", "b" }
	// true
}
