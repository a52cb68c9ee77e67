package vocab

import (
	"fmt"
	"strings"
)

// Search finds word, ignoring case, in the reference: the names, docs and
// "Equivalent to" lines of every function and method, and the names and
// docs of their options. It returns one entry per match, the name and
// the doc on the next line ("link.add{peer=}\n    the peer's name"), in
// reference order.
func (s Set) Search(word string) []string {
	w := strings.ToLower(word)
	if w == "" {
		return nil
	}
	has := func(texts ...string) bool {
		for _, t := range texts {
			if strings.Contains(strings.ToLower(t), w) {
				return true
			}
		}
		return false
	}
	var out []string
	add := func(qualified string, f Func) {
		if has(qualified, f.Doc, f.Equiv) {
			out = append(out, fmt.Sprintf("%s%s\n    %s", qualified, f.Args, f.Doc))
		}
		if f.Opts == nil {
			return
		}
		for _, o := range f.Opts.Opts {
			if has(o.Name, o.Doc, strings.Join(o.Only, " ")) {
				out = append(out, fmt.Sprintf("%s{%s=}\n    %s", qualified, o.Name, o.Doc))
			}
		}
	}
	for _, m := range s.Sorted() {
		for _, f := range SortedFuncs(m.Funcs) {
			add(m.Name+"."+f.Name, f)
		}
		for _, c := range m.Classes {
			for _, f := range SortedFuncs(c.Methods) {
				add(c.Name+":"+f.Name, f)
			}
		}
	}
	return out
}

// WrapText breaks the lines of text longer than width at spaces. A broken
// line continues under its text: under the column after the line's last
// gap of two or more spaces that leaves 20 columns (the doc column
// of an option row), else under its indentation. width < 20 leaves text as it is.
func WrapText(text string, width int) string {
	if width < 20 {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = wrapLine(l, width)
	}
	return strings.Join(lines, "\n")
}

func wrapLine(line string, width int) string {
	if len([]rune(line)) <= width {
		return line
	}
	hang := strings.Repeat(" ", hangOf(line, width))
	var b strings.Builder
	cur := ""
	for _, word := range strings.SplitAfter(line, " ") {
		if strings.TrimSpace(cur) != "" && len([]rune(cur+strings.TrimRight(word, " "))) > width {
			b.WriteString(strings.TrimRight(cur, " "))
			b.WriteByte('\n')
			cur = hang
		}
		cur += word
	}
	b.WriteString(cur)
	return b.String()
}

// hangOf picks the continuation indent of a long line.
func hangOf(line string, width int) int {
	indent := len(line) - len(strings.TrimLeft(line, " "))
	hang := indent
	limit := width - 20 // leave the text at least 20 columns
	for i := indent; i+2 < len(line) && i < limit; i++ {
		if line[i] == ' ' && line[i+1] == ' ' && line[i+2] != ' ' {
			hang = i + 2
		}
	}
	return hang
}
