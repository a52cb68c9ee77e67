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
)

// Options returns the VM options nsh creates states with: a call stack that
// grows on demand up to CallDepth frames and a value stack that grows from
// RegistryStart to RegistryMax.
//
// gopher-lua's array-part limit (lua.MaxArrayIndex, 64 Mi) stays: lowering
// it would make t[4194304] = 1 cheap, but a list built past the limit with
// t[#t+1] = v would then stop growing, since # counts only the array part.
// docs/lua.md lists the cost.
func Options() lua.Options {
	return lua.Options{
		CallStackSize:       CallDepth,
		MinimizeStackMemory: true,
		RegistrySize:        RegistryStart,
		RegistryMaxSize:     RegistryMax,
		RegistryGrowStep:    RegistryGrowStep,
	}
}
