package bindings

import (
	"fmt"
	"strings"
)

// helpIndex lists the modules with their one-line docs.
func helpIndex() string {
	var b strings.Builder
	b.WriteString("nsh modules (help(\"name\") for one):\n")
	for _, m := range Modules() {
		fmt.Fprintf(&b, "  %-8s %s\n", m.Name, firstSentence(m.Doc))
	}
	return b.String()
}

// helpFor renders the help text of "module", "module.func" or
// "module.class:method"; "" when there is no such entry.
func helpFor(name string) string {
	modName, rest, _ := strings.Cut(name, ".")
	m, ok := Lookup(modName)
	if !ok {
		return ""
	}
	if rest == "" {
		return moduleHelp(m)
	}
	class, method, isMethod := strings.Cut(rest, ":")
	if !isMethod {
		for _, f := range m.Funcs {
			if f.Name == rest {
				return funcHelp(m.Name+"."+f.Name, f)
			}
		}
		return ""
	}
	for _, c := range m.Classes {
		for _, f := range c.Methods {
			if c.Name == class && f.Name == method {
				return funcHelp(c.Name+":"+f.Name, f)
			}
		}
	}
	return ""
}

func moduleHelp(m *Module) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n\n", m.Name, m.Doc)
	for _, f := range sortedFuncs(m.Funcs) {
		fmt.Fprintf(&b, "  %s.%s%s\n      %s\n", m.Name, f.Name, f.Args, f.Doc)
	}
	for _, c := range m.Classes {
		fmt.Fprintf(&b, "\n  %s: %s\n", c.Name, c.Doc)
		for _, f := range sortedFuncs(c.Methods) {
			fmt.Fprintf(&b, "  %s:%s%s\n      %s\n", c.Name, f.Name, f.Args, f.Doc)
		}
	}
	return b.String()
}

func funcHelp(qualified string, f Func) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s", qualified, f.Args)
	if f.Returns != "" {
		fmt.Fprintf(&b, " → %s", f.Returns)
	}
	fmt.Fprintf(&b, "\n  %s\n", f.Doc)
	if f.Equiv != "" {
		fmt.Fprintf(&b, "  Equivalent to: %s\n", f.Equiv)
	}
	if f.Example != "" {
		b.WriteString("  Example:\n")
		for _, line := range strings.Split(strings.TrimRight(f.Example, "\n"), "\n") {
			fmt.Fprintf(&b, "    %s\n", line)
		}
	}
	return b.String()
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}
