package bindings

import "strings"

// cursor is what the text before the cursor is inside of: an unfinished
// string, and the brackets still open around it.
type cursor struct {
	line     string
	inString bool
	strStart int // the opening quote, when inString
	comment  bool
	open     []bracket // innermost last
}

// bracket is an open (, { or [ and the commas seen inside it so far.
type bracket struct {
	ch     byte
	pos    int
	commas int
}

// scanCursor reads line as far as the cursor, tracking strings and
// brackets; long strings and long comments are not tracked.
func scanCursor(line string) cursor {
	c := cursor{line: line}
	var quote byte
	for i := 0; i < len(line); i++ {
		ch := line[i]
		if c.inString {
			switch ch {
			case '\\':
				i++
			case quote:
				c.inString = false
			}
			continue
		}
		switch ch {
		case '"', '\'':
			c.inString, quote, c.strStart = true, ch, i
		case '-':
			if strings.HasPrefix(line[i:], "--") {
				c.comment = true
				return c
			}
		case '(', '{', '[':
			c.open = append(c.open, bracket{ch: ch, pos: i})
		case ')', '}', ']':
			if len(c.open) > 0 {
				c.open = c.open[:len(c.open)-1]
			}
		case ',', ';':
			if len(c.open) > 0 {
				c.open[len(c.open)-1].commas++
			}
		}
	}
	return c
}

// innermost returns the innermost open bracket and its index, -1 when
// none is open.
func (c cursor) innermost() (bracket, int) {
	if len(c.open) == 0 {
		return bracket{}, -1
	}
	return c.open[len(c.open)-1], len(c.open) - 1
}

// before returns line[:i] without trailing blanks.
func (c cursor) before(i int) string { return strings.TrimRight(c.line[:i], " \t") }

// callOf names the function called with the bracket at index k of the
// open list, and the position of the argument that bracket is: "link.list"
// and 1 for `link.list{`, "addr.add" and 3 for `addr.add(d, c, {`. It
// returns "" when the bracket is not an argument of a named function.
func (c cursor) callOf(k int) (string, int) {
	b := c.open[k]
	text := c.before(b.pos)
	if b.ch == '{' && endsWithWord(text) {
		return LastWord(text), 1
	}
	if b.ch == '(' {
		return LastWord(text), 0 // the bracket holds the arguments
	}
	if b.ch == '{' && k > 0 && c.open[k-1].ch == '(' && (strings.HasSuffix(text, "(") || strings.HasSuffix(text, ",")) {
		name, _ := c.callOf(k - 1)
		return name, c.open[k-1].commas + 1
	}
	return "", 0
}

// argSlot names the function and argument position the text at pos (the
// start of a string or a word) fills when it is a plain argument: `f(` or
// `f(x, ` before it, or `f` for a string call.
func (c cursor) argSlot(pos int) (string, int) {
	text := c.before(pos)
	b, k := c.innermost()
	if k >= 0 && b.ch == '(' && (strings.HasSuffix(text, "(") || strings.HasSuffix(text, ",")) {
		name, _ := c.callOf(k)
		return name, b.commas + 1
	}
	if c.inString && endsWithWord(text) && !strings.HasSuffix(text, "=") {
		return LastWord(text), 1
	}
	return "", 0
}

// tableKey returns the key whose value starts at pos in the innermost
// table (`ns = ` before it), with the function and argument position the
// table is; key is "" when pos does not follow `key =` in a table.
func (c cursor) tableKey(pos int) (key, fn string, arg int) {
	text := c.before(pos)
	b, k := c.innermost()
	if k < 0 || b.ch != '{' || !strings.HasSuffix(text, "=") || strings.HasSuffix(text, "==") {
		return "", "", 0
	}
	key = LastWord(strings.TrimRight(text[:len(text)-1], " \t"))
	if key == "" || strings.ContainsAny(key, ".:") {
		return "", "", 0
	}
	fn, arg = c.callOf(k)
	return key, fn, arg
}

// keySlot reports whether a word at pos starts a key of the innermost
// table (after `{`, `,` or `;`), with the function and argument position
// the table is.
func (c cursor) keySlot(pos int) (fn string, arg int, ok bool) {
	text := c.before(pos)
	b, k := c.innermost()
	if k < 0 || b.ch != '{' || !(strings.HasSuffix(text, "{") || strings.HasSuffix(text, ",") || strings.HasSuffix(text, ";")) {
		return "", 0, false
	}
	fn, arg = c.callOf(k)
	return fn, arg, fn != ""
}

func endsWithWord(s string) bool {
	if s == "" {
		return false
	}
	ch := s[len(s)-1]
	return ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
}
