package compat

import lua "github.com/yuin/gopher-lua"

// Limits of the VM Options gives, chosen to match lua5.1's where gopher-lua
// has a matching knob.
const (
	// CallDepth is the deepest chain of Lua calls, lua5.1's LUAI_MAXCALLS
	// (20000): a recursion of 16000 levels runs, an endless one raises
	// "stack overflow". gopher-lua's default is 256.
	CallDepth = 20000
	// RegistryStart is the value stack a state starts with (slots of 16
	// bytes): gopher-lua's default, 5120 (80 KiB), so coroutines stay cheap.
	RegistryStart = 256 * 20
	// RegistryGrowStep is how much the value stack grows past what a call
	// needs, in slots.
	RegistryGrowStep = 1 << 14
	// RegistryMax bounds the value stack: 1 Mi slots, 16 MiB. gopher-lua's
	// default never grows, so table.concat of 2,550 items or string.byte of
	// 5,100 characters failed with "registry overflow".
	RegistryMax = 1 << 20
	// ArrayIndexLimit is the first integer key that goes to a table's hash
	// part even when the array part could take it. gopher-lua pads the
	// array part with nils up to any key below its limit (64 Mi), so
	// t[4194304] = 1 (a pid as a key) allocated 245 MB; with 1 Mi the worst
	// single key costs about 16 MB and a list still keeps its length (#t)
	// right up to a million items.
	ArrayIndexLimit = 1 << 20
)

// Options returns the VM options nsh creates states with: a call stack that
// grows on demand up to CallDepth frames and a value stack that grows from
// RegistryStart to RegistryMax. It also sets gopher-lua's process-wide
// array-index limit (lua.MaxArrayIndex) to ArrayIndexLimit.
func Options() lua.Options {
	lua.MaxArrayIndex = ArrayIndexLimit
	return lua.Options{
		CallStackSize:       CallDepth,
		MinimizeStackMemory: true,
		RegistrySize:        RegistryStart,
		RegistryMaxSize:     RegistryMax,
		RegistryGrowStep:    RegistryGrowStep,
	}
}
