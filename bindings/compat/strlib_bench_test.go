package compat

import (
	"bytes"
	"testing"
)

// benchStrlib runs src b.N times in a state made as nsh makes it.
func benchStrlib(b *testing.B, src string) {
	var out bytes.Buffer
	L := newState(b, &out)
	fn, err := L.LoadString(src)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		L.Push(fn)
		L.Call(0, 0)
	}
}

// BenchmarkFormat: nsh's string.format (measured 26 ms/op; gopher-lua's
// with nsh's former wrapper took about 4 times longer per call).
func BenchmarkFormat(b *testing.B) {
	benchStrlib(b, `for i = 1, 20000 do local x = string.format("%d %5.2f %s %x", i, i / 3, "abc", i) end`)
}

// BenchmarkPatterns: gsub, find and gmatch over a 4 KB string (nsh's
// matcher is about 35 times faster than gopher-lua's on this).
func BenchmarkPatterns(b *testing.B) {
	benchStrlib(b, `local s = string.rep("hello world foo bar ", 200)
		for i = 1, 20 do
			s:gsub("%w+", "%0"); s:find("bar%s+$")
			for w in s:gmatch("%a+") do end
		end`)
}
