package vocab

import (
	"fmt"
	"strings"
)

// HelpIndex lists the modules with their one-line docs.
func (s Set) HelpIndex() string {
	var b strings.Builder
	b.WriteString("nsh modules (help(\"name\") for one):\n")
	for _, m := range s.Sorted() {
		fmt.Fprintf(&b, "  %-8s %s\n", m.Name, firstSentence(m.Doc))
	}
	return b.String()
}

// Help renders the help text of "module", "module.func" or
// "class:method"; "" when there is no such entry.
func (s Set) Help(name string) string {
	modName, rest, _ := strings.Cut(name, ".")
	if m, ok := s.Lookup(modName); ok && rest == "" {
		return moduleHelp(m)
	}
	if f, ok := s.Func(name); ok {
		return funcHelp(name, f)
	}
	return ""
}

func moduleHelp(m *Module) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n\n", m.Name, m.Doc)
	for _, f := range SortedFuncs(m.Funcs) {
		fmt.Fprintf(&b, "  %s.%s%s\n      %s\n", m.Name, f.Name, f.Args, f.Doc)
	}
	for _, c := range m.Classes {
		fmt.Fprintf(&b, "\n  %s: %s\n", c.Name, c.Doc)
		for _, f := range SortedFuncs(c.Methods) {
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
	if f.Opts != nil && len(f.Opts.Opts) > 0 {
		b.WriteString("  Options:\n")
		for _, o := range f.Opts.Opts {
			fmt.Fprintf(&b, "    %-12s %-9s  %s\n", o.Name, o.Kind, o.Doc)
		}
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
