// Package bindings is nsh's Lua layer: the Runtime that owns a Lua VM and
// the OS thread it runs on, the registry of nsh's Lua modules (which drives
// their registration, docs/reference.md and REPL completion), and the glue
// from Lua to the plain-Go packages below it (nsfs, spawn, netns, netconf).
//
// # Embedding
//
// A Go program that embeds nsh calls Init first thing in main: the child
// processes nsh starts are the program itself, re-executed, and Init runs
// their work. Then it creates a Runtime, runs Lua with it, and closes it:
//
//	func main() {
//		bindings.Init()
//		rt, err := bindings.New(bindings.Options{})
//		...
//		defer rt.Close()
//		err = rt.DoString(ctx, `print(ns.self("net"))`, "main")
//	}
//
// A program that already owns a *lua.LState may add the nsh modules to it
// with Attach instead; functions that would move the host's thread between
// namespaces then refuse with an error.
package bindings

//go:generate go run ./internal/gendoc ../docs/reference.md
//go:generate go run ./internal/gendoc ../docs/nsh.1
