package compat

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bigConstructor is a chunk returning a table of n keyed fields and n list
// items, each with its own constants, as verybig.lua writes them.
func bigConstructor(n int) string {
	var b strings.Builder
	b.WriteString("return {\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "a%d = %d.5, \"s%d\",\n", i, i, i)
	}
	b.WriteString("}\n")
	return b.String()
}

// TestBigConstructorCompilesFast: a constructor of 80,000 fields (160,000
// constants) compiles in seconds; gopher-lua alone takes minutes, since it
// looks every constant up by a linear scan.
func TestBigConstructorCompilesFast(t *testing.T) {
	src := bigConstructor(40000)
	start := time.Now()
	out, errText := runChunk(t, src+"-- end", "=big")
	if errText != "" {
		t.Fatal(errText)
	}
	_ = out
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("compiling and running 80,000 fields took %v", d)
	}
	out, errText = runChunk(t, "local t = (function() "+src+" end)(); print(t.a0, t.a39999, t[1], t[40000], #t)", "=big")
	if errText != "" || out != "0.5\t39999.5\ts0\ts39999\t40000\n" {
		t.Errorf("got %q, %q", out, errText)
	}
}

// BenchmarkCompile compiles the recorded lua5.1 test chunks: the cost of
// the compile-time mends on ordinary code.
func BenchmarkCompile(b *testing.B) {
	files, _ := filepath.Glob("testdata/lua51/*.lua")
	var srcs []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, string(src))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, src := range srcs {
			if _, err := Compile(strings.NewReader(src), "=bench"); err != nil {
				b.Fatal(err)
			}
		}
	}
}
