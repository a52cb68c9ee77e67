package vocab

import (
	"fmt"
	"io"
	"strings"
)

// WriteManPage writes nsh(1) in roff from the registry, the same entries
// docs/reference.md is written from: docs/nsh.1 is this output (go
// generate ./bindings). version goes in the page's footer.
func (s Set) WriteManPage(w io.Writer, version string) error {
	var b strings.Builder
	b.WriteString(`.\" Generated from the binding registry by go generate ./bindings. Do not edit.` + "\n")
	fmt.Fprintf(&b, ".TH NSH 1 \"\" \"nsh %s\" \"User Commands\"\n", version)
	b.WriteString(manHead)
	b.WriteString(".SH MODULES\n")
	b.WriteString("Every module is a global in the shell and can be loaded with \\fBrequire\\fR. ")
	b.WriteString("At the prompt, \\fBhelp(\"\\fIname\\fB\")\\fR shows the same text.\n")
	for _, m := range s.Sorted() {
		manModule(&b, m)
	}
	b.WriteString(manTail)
	_, err := io.WriteString(w, b.String())
	return err
}

func manModule(b *strings.Builder, m *Module) {
	fmt.Fprintf(b, ".SS %s\n%s\n", roff(m.Name), roff(strings.ReplaceAll(m.Doc, "`", "")))
	for _, f := range SortedFuncs(m.Funcs) {
		manFunc(b, m.Name+"."+f.Name, f)
	}
	for _, c := range m.Classes {
		fmt.Fprintf(b, ".PP\n\\fI%s\\fR values: %s\n", roff(c.Name), roff(strings.ReplaceAll(c.Doc, "`", "")))
		for _, f := range SortedFuncs(c.Methods) {
			manFunc(b, c.Name+":"+f.Name, f)
		}
	}
}

func manFunc(b *strings.Builder, qualified string, f Func) {
	head := "\\fB" + roff(qualified) + "\\fR" + roff(f.Args)
	if f.Returns != "" {
		head += " \\(-> " + roff(f.Returns)
	}
	fmt.Fprintf(b, ".TP\n%s\n%s\n", head, roff(strings.ReplaceAll(f.Doc, "`", "")))
	if f.Equiv != "" {
		fmt.Fprintf(b, "Equivalent to: \\fB%s\\fR.\n", roff(f.Equiv))
	}
	if f.Opts != nil && len(f.Opts.Opts) > 0 {
		var names []string
		for _, o := range f.Opts.Opts {
			names = append(names, o.Name)
		}
		fmt.Fprintf(b, "Options: %s.\n", roff(strings.Join(names, ", ")))
	}
}

// roff escapes text for a roff line: backslashes, hyphens, characters
// beyond ASCII, and a dot or quote that would start a request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	var u strings.Builder
	for _, r := range s {
		if r > 127 {
			fmt.Fprintf(&u, `\[u%04X]`, r) // plain ASCII input, as groff wants it
			continue
		}
		u.WriteRune(r)
	}
	lines := strings.Split(u.String(), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

const manHead = `.SH NAME
nsh \- a shell for Linux namespaces whose language is Lua
.SH SYNOPSIS
.B nsh
[\fIoptions\fR] [\fIscript\fR [\fIargs\fR...]]
.SH DESCRIPTION
nsh creates, enters, inspects and wires up Linux namespaces from Lua 5.1.
The kernel's namespace primitives (clone(2), unshare(2), setns(2), the
ioctl_nsfs(2) queries, /proc/PID/ns, pinning by bind mount) and the network
plumbing around them (named network namespaces kept as \fBip netns\fR keeps
them, links, addresses and routes over netlink) are Lua functions.
With no script, nsh opens an interactive prompt when standard input is a
terminal and runs standard input as a script otherwise, as \fBlua\fR(1) does.
Commands started by \fBns.run\fR, \fBns.enter\fR and \fBnetns.exec\fR share
the shell's standard input, output and error unless asked to capture them.
.SH OPTIONS
.TP
\fB\-e\fR \fIcode\fR
Run \fIcode\fR; may be repeated, and runs in order.
.TP
\fB\-l\fR \fIname\fR
Require module \fIname\fR.
.TP
\fB\-i\fR
Enter the interactive prompt after running the script.
.TP
\fB\-\-json\fR
Print the values each \fB\-e\fR chunk and the script return as JSON, one value a line:
\fBnsh \-\-json \-e 'return link.list{ns = "lab"}' | jq\fR works as \fBip \-j\fR does.
.TP
\fB\-v\fR, \fB\-\-version\fR
Show the version and exit.
.TP
\fB\-h\fR, \fB\-\-help\fR
Show the usage and exit.
.TP
\fB\-\-\fR
Stop handling options.
.TP
\fB\-\fR
Run standard input as the script.
.PP
The script sees its arguments in the global table \fBarg\fR (\fBarg[0]\fR is
the script) and as \fB...\fR in its main chunk.
A script starting with \fB#!/usr/bin/env nsh\fR runs when made executable.
.SH EXIT STATUS
0 on success; 1 after an uncaught error (message and traceback on standard
error); \fIn\fR after \fBos.exit(\fIn\fB)\fR; 2 for a bad option.
\fBos.exit(ns.enter(\fIpid\fB, \fIcmd\fB, ...))\fR exits as the command did
(128+\fIn\fR when signal \fIn\fR killed it).
`

const manTail = `.SH ERRORS
Every function raises one error value for misuse and kernel failures alike:
\fBtostring\fR reads \fIop\fR: \fItarget\fR: \fIcause\fR (\fIhint\fR), and the
fields op, arg, option, target, errno, hint and message are readable after
\fBpcall\fR.
.SH FILES
.TP
\fI$XDG_STATE_HOME/nsh/history\fR
The prompt's history (default \fI~/.local/state/nsh/history\fR).
.TP
\fI/run/netns\fR
Named network namespaces, shared with \fBip netns\fR.
.SH EXAMPLES
.nf
sudo nsh \-e 'ns.run{new = {"user", "pid", "mnt"}, map_root = true, mount_proc = true, "ps"}'
sudo nsh \-\-json \-e 'return ns.list{pid = 1}' | jq '.[].type'
sudo nsh \-e 'nsh.table(ns.list(), {{"inode", "NS"}, "type", "nprocs", "pid", "user", "command"})'
sudo nsh \-e 'os.exit(ns.enter(1234, "sh", "\-c", "exit 5"))'; echo $?
.fi
.SH SEE ALSO
\fBlua\fR(1), \fBip\-netns\fR(8), \fBlsns\fR(8), \fBnsenter\fR(1), \fBunshare\fR(1),
\fBnamespaces\fR(7).
The reference with examples: docs/reference.md; the tutorial: docs/tutorial.md.
`
