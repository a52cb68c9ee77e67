package vocab

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteReference writes the Lua reference of the modules in Markdown:
// docs/reference.md is this output (go generate ./bindings).
func (s Set) WriteReference(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# nsh Lua reference\n\n")
	b.WriteString("<!-- Generated from the binding registry by `go generate ./bindings`. Do not edit. -->\n\n")
	b.WriteString("Every module is a global in the shell and can be loaded with `require`. ")
	b.WriteString("Every example below runs as a test.\n\n")
	for _, m := range s.Sorted() {
		fmt.Fprintf(&b, "- [`%s`](#%s) — %s\n", m.Name, m.Name, firstSentence(m.Doc))
	}
	b.WriteString("- [Errors](#errors) — the one error value every function raises.\n")
	b.WriteString("- [Namespaces as arguments](#namespaces-as-arguments) — the forms every namespace argument takes.\n")
	for _, m := range s.Sorted() {
		writeModule(&b, m)
	}
	b.WriteString(errorsSection)
	b.WriteString(targetsSection)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeModule(b *strings.Builder, m *Module) {
	fmt.Fprintf(b, "\n## %s\n\n%s\n", m.Name, m.Doc)
	for _, f := range SortedFuncs(m.Funcs) {
		writeFunc(b, m.Name+"."+f.Name, f)
	}
	classes := append([]Class(nil), m.Classes...)
	sort.Slice(classes, func(i, j int) bool { return classes[i].Name < classes[j].Name })
	for _, c := range classes {
		fmt.Fprintf(b, "\n### %s values\n\n%s\n", c.Name, c.Doc)
		for _, f := range SortedFuncs(c.Methods) {
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
	if f.Opts != nil && len(f.Opts.Opts) > 0 {
		writeOpts(b, f.Opts)
	}
	if f.Example != "" {
		fmt.Fprintf(b, "\n```lua\n%s\n```\n", strings.TrimRight(f.Example, "\n"))
	}
}

// writeOpts renders an options table: name, kind, whether required, the
// variants it applies to, and its doc.
func writeOpts(b *strings.Builder, s *OptSet) {
	b.WriteString("\n| option | type | |\n|---|---|---|\n")
	opts := append([]Opt(nil), s.Opts...)
	sort.Slice(opts, func(i, j int) bool { return opts[i].Name < opts[j].Name })
	for _, o := range opts {
		var notes []string
		if o.Required {
			notes = append(notes, "required")
		}
		if len(o.Only) > 0 {
			notes = append(notes, s.Variant+" "+strings.Join(o.Only, ", ")+" only")
		}
		doc := o.Doc
		if len(notes) > 0 {
			doc = "(" + strings.Join(notes, "; ") + ") " + doc
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", o.Name, o.Kind, strings.ReplaceAll(doc, "|", "\\|"))
	}
	if s.Array != "" {
		fmt.Fprintf(b, "\nThe table's list part holds %s.\n", s.Array)
	}
}

const errorsSection = `
## Errors

Every error an nsh function raises, misuse and kernel failure alike, is one
value. ` + "`tostring(err)`" + ` reads ` + "`function: target: cause (hint)`" + `, for example
` + "`netns.add: ns1: file exists`" + ` or
` + "`link.add: bad argument #1 (option 'peer' does not apply to type \"bridge\" (it is for veth))`" + `.
After ` + "`pcall`" + `, read its fields:

| field | meaning |
|---|---|
| ` + "`op`" + ` | the function that raised, as the reference names it (` + "`\"netns.add\"`, `\"process:wait\"`" + `) |
| ` + "`arg`" + ` | for misuse, the position of the argument at fault; nil for kernel failures |
| ` + "`option`" + ` | for misuse of an options table, the option at fault |
| ` + "`target`" + ` | the object acted on (` + "`\"ns1\"`, `\"pid 42\"`" + `), or nil |
| ` + "`errno`" + ` | the kernel's errno name (` + "`\"EEXIST\"`" + `), or nil when the kernel was not asked |
| ` + "`hint`" + ` | what usually helps (the capability that is missing, the namespace the call acted in), or nil |
| ` + "`message`" + ` | the whole text, as tostring gives it |

` + "```lua" + `
local ok, err = pcall(link.add, {name = "x", type = "bridge", peer = "y"})
assert(not ok and err.op == "link.add" and err.arg == 1 and err.option == "peer")
` + "```" + `
`

const targetsSection = `
## Namespaces as arguments

Every argument or option that names a namespace (` + "`ns=`, `join=`, `peer_ns=`, `move_to=`" + `,
` + "`ns.enter`, `ns.with`, `ns.setns`" + `, topo nodes) takes the same forms:

- a handle (` + "`ns.self(\"net\")`" + `);
- a ` + "`{type = handle}`" + ` table or a list of handles (` + "`p:ns()`" + `, ` + "`ns.of(pid)`" + `);
- a pid: its namespaces (those of the types asked for, or every type that differs from the shell's);
- a netns name, as ` + "`ip netns`" + ` keeps them in ` + "`/run/netns`" + ` (a network namespace);
- a path with a ` + "`/`" + `: a namespace file such as ` + "`/proc/42/ns/uts`" + ` or a pin.

Joining skips a user namespace that already is the caller's, as ` + "`nsenter -a`" + ` does.
`
