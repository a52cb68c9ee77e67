package bindings

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// sortedFuncs returns fs sorted by name.
func sortedFuncs(fs []Func) []Func {
	out := append([]Func(nil), fs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// WriteReference writes the Lua reference in Markdown, generated from the
// registry: docs/reference.md is this output (go generate ./bindings).
func WriteReference(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# nsh Lua reference\n\n")
	b.WriteString("<!-- Generated from the binding registry by `go generate ./bindings`. Do not edit. -->\n\n")
	b.WriteString("Every module is a global in the shell and can be loaded with `require`. ")
	b.WriteString("Every example below runs as a test.\n\n")
	for _, m := range Modules() {
		fmt.Fprintf(&b, "- [`%s`](#%s) — %s\n", m.Name, m.Name, firstSentence(m.Doc))
	}
	for _, m := range Modules() {
		writeModule(&b, m)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeModule(b *strings.Builder, m *Module) {
	fmt.Fprintf(b, "\n## %s\n\n%s\n", m.Name, m.Doc)
	for _, f := range sortedFuncs(m.Funcs) {
		writeFunc(b, m.Name+"."+f.Name, f)
	}
	classes := append([]Class(nil), m.Classes...)
	sort.Slice(classes, func(i, j int) bool { return classes[i].Name < classes[j].Name })
	for _, c := range classes {
		fmt.Fprintf(b, "\n### %s values\n\n%s\n", c.Name, c.Doc)
		for _, f := range sortedFuncs(c.Methods) {
			writeFunc(b, c.Name+":"+f.Name, f)
		}
	}
}

func writeFunc(b *strings.Builder, qualified string, f Func) {
	fmt.Fprintf(b, "\n#### `%s%s`", qualified, f.Args)
	if f.Returns != "" {
		fmt.Fprintf(b, " → %s", f.Returns)
	}
	fmt.Fprintf(b, "\n\n%s\n", f.Doc)
	if f.Equiv != "" {
		fmt.Fprintf(b, "\nEquivalent to: `%s`\n", f.Equiv)
	}
	if f.Example != "" {
		fmt.Fprintf(b, "\n```lua\n%s\n```\n", strings.TrimRight(f.Example, "\n"))
	}
}
