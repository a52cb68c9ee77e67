// Command gendoc writes docs/reference.md from nsh's binding registry.
// Run it through `go generate ./bindings`.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/nsh-lua/nsh/bindings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendoc OUTPUT.md")
		os.Exit(2)
	}
	var buf bytes.Buffer
	if err := bindings.Modules().WriteReference(&buf); err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
}
