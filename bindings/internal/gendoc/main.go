// Command gendoc writes nsh's documents generated from the binding
// registry: docs/reference.md (Markdown) and docs/nsh.1 (the man page), by
// the output's extension. Run it through `go generate ./bindings`.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/nsh-lua/nsh/bindings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendoc OUTPUT.md | OUTPUT.1")
		os.Exit(2)
	}
	var buf bytes.Buffer
	var err error
	if strings.HasSuffix(os.Args[1], ".1") {
		err = bindings.Modules().WriteManPage(&buf, bindings.Version)
	} else {
		err = bindings.Modules().WriteReference(&buf)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
}
