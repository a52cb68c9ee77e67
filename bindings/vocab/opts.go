package vocab

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Kind is the type of an option's value.
type Kind int

// The kinds of option values.
const (
	String    Kind = iota // any string
	Name                  // a name that reaches the kernel: no NUL, not empty, at most MaxLen bytes
	Int                   // an integer in Min..Max
	Number                // any finite number
	Bool                  // a boolean
	Table                 // a table, read by the function itself
	Strings               // a list of strings
	Namespace             // a namespace, in any form Target accepts
	Any                   // any value, read by the function itself
)

var kindWords = map[Kind]string{
	String: "string", Name: "name", Int: "integer", Number: "number", Bool: "boolean",
	Table: "table", Strings: "list of strings", Namespace: "namespace", Any: "value",
}

// String names the kind as the reference shows it.
func (k Kind) String() string { return kindWords[k] }

// Opt declares one option of a function's options table.
type Opt struct {
	Name     string
	Kind     Kind
	Required bool
	// Min and Max bound an Int; both zero means 0..2^32-1 (a netlink u32).
	Min, Max float64
	// MaxLen bounds a Name in bytes; 0 means no bound but the kernel's
	// PATH_MAX.
	MaxLen int
	// Check, when set, validates a String or Name value with the rule of
	// the core package that owns the concept (an interface name, a netns
	// name); its error is the message.
	Check func(string) error
	// Only lists the variants (values of the set's Variant option) the
	// option applies to; empty means every variant.
	Only []string
	// Doc is one line for the reference and completion.
	Doc string
}

// OptSet is the declaration of one function's options table.
type OptSet struct {
	// Func is the public name errors use, e.g. "link.add".
	Func string
	// Arg is the position of the table among the arguments.
	Arg int
	// Variant names the option whose value picks the variant ("type").
	Variant string
	// Array says what the table's list part holds ("the command and its
	// arguments"); empty means a list part is refused.
	Array string
	// Opts are the named options.
	Opts []Opt
}

// Names returns the option names, sorted.
func (s *OptSet) Names() []string {
	out := make([]string, len(s.Opts))
	for i, o := range s.Opts {
		out[i] = o.Name
	}
	sort.Strings(out)
	return out
}

// Lookup returns the declaration of option name.
func (s *OptSet) Lookup(name string) (Opt, bool) { return s.find(name) }

func (s *OptSet) find(name string) (Opt, bool) {
	for _, o := range s.Opts {
		if o.Name == name {
			return o, true
		}
	}
	return Opt{}, false
}

// Opts is an options table read and checked against its declaration.
type Opts struct {
	L   *lua.LState
	Set *OptSet
	T   *lua.LTable // nil when the argument was omitted
}

// Read checks argument s.Arg against the declaration: unknown options,
// options that do not apply to the chosen variant, values of the wrong
// kind, integers out of range and bad names are refused, naming the option.
// When optional, nil or no argument reads as an empty table.
func (s *OptSet) Read(L *lua.LState, optional bool) *Opts {
	o := &Opts{L: L, Set: s}
	switch v := L.Get(s.Arg).(type) {
	case *lua.LTable:
		o.T = v
	case *lua.LNilType:
		if !optional {
			ArgError(L, s.Func, s.Arg, "options table expected, got no value")
		}
		return o
	default:
		ArgError(L, s.Func, s.Arg, "options table expected, got "+TypeName(v)+tableHint(s, v))
	}
	o.checkKeys()
	for _, d := range s.Opts {
		o.check(d)
	}
	return o
}

// tableHint suggests the table form to a user who passed a string where
// an options table belongs: the required options of a spec table
// (link.add("v0") → {name = …, type = …}), else, for a function that acts
// in a namespace, the ns option (link.list("lab") → {ns = "lab"}).
func tableHint(s *OptSet, v lua.LValue) string {
	if v.Type() != lua.LTString {
		return ""
	}
	var req []string
	for _, o := range s.Opts {
		if o.Required {
			req = append(req, o.Name+" = …")
		}
	}
	if len(req) > 0 {
		return ": " + s.Func + " takes a table, {" + strings.Join(req, ", ") + ", …}"
	}
	if _, ok := s.find("ns"); ok {
		return fmt.Sprintf(": to name the namespace, write {ns = %s}", Quote(v.String()))
	}
	return ""
}

// checkKeys refuses keys that are not declared and list entries the set
// does not take.
func (o *Opts) checkKeys() {
	s := o.Set
	var unknown []string
	list := false
	o.T.ForEach(func(k, _ lua.LValue) {
		switch k := k.(type) {
		case lua.LString:
			if _, ok := s.find(string(k)); !ok {
				unknown = append(unknown, string(k))
			}
		case lua.LNumber:
			list = true
		default:
			unknown = append(unknown, k.String())
		}
	})
	if len(unknown) > 0 {
		sort.Strings(unknown)
		msg := "unknown option '" + Clip(unknown[0]) + "'" + Suggest(unknown[0], s.Names()) + ": valid options are " + strings.Join(s.Names(), ", ")
		e := &Error{Op: s.Func, Arg: s.Arg, Option: Clip(unknown[0]), Err: errors.New(msg)}
		o.L.Error(Value(o.L, e), 1)
	}
	if list && s.Array == "" {
		ArgError(o.L, s.Func, s.Arg, "options table has list entries; it takes only named options")
	}
}

// check refuses a value that does not fit its declaration.
func (o *Opts) check(d Opt) {
	v := o.T.RawGetString(d.Name)
	if v == lua.LNil {
		if d.Required {
			o.Fail(d.Name, "is required")
		}
		return
	}
	o.checkVariant(d)
	switch d.Kind {
	case String:
		o.want(d, v, lua.LTString)
		o.checkRule(d, v)
	case Name:
		o.want(d, v, lua.LTString)
		if msg := BadName(string(v.(lua.LString)), d.MaxLen); msg != "" {
			o.Fail(d.Name, msg)
		}
		o.checkRule(d, v)
	case Int:
		o.want(d, v, lua.LTNumber)
		lo, hi := d.bounds()
		if !IsInteger(float64(v.(lua.LNumber)), lo, hi) {
			o.Fail(d.Name, fmt.Sprintf("must be an integer from %.0f to %.0f, got %s", lo, hi, Clip(v.String())))
		}
	case Number:
		o.want(d, v, lua.LTNumber)
		if f := float64(v.(lua.LNumber)); math.IsNaN(f) || math.IsInf(f, 0) {
			o.Fail(d.Name, "must be a finite number, got "+v.String())
		}
	case Bool:
		o.want(d, v, lua.LTBool)
	case Table:
		o.want(d, v, lua.LTTable)
	case Strings:
		o.want(d, v, lua.LTTable)
		o.checkStrings(d.Name, v.(*lua.LTable))
	}
}

func (o *Opts) checkRule(d Opt, v lua.LValue) {
	if d.Check == nil {
		return
	}
	if err := d.Check(string(v.(lua.LString))); err != nil {
		o.Fail(d.Name, "is not valid: "+err.Error())
	}
}

func (o *Opts) want(d Opt, v lua.LValue, t lua.LValueType) {
	if v.Type() != t {
		o.Fail(d.Name, "must be "+article(d.Kind.String())+", got "+TypeName(v))
	}
}

func (o *Opts) checkStrings(key string, tb *lua.LTable) {
	n := 0
	tb.ForEach(func(k, v lua.LValue) {
		n++
		if _, ok := v.(lua.LString); !ok {
			o.Fail(key, fmt.Sprintf("must be a list of strings, got a %s at [%s]", TypeName(v), Clip(k.String())))
		}
	})
	if n != tb.Len() {
		o.Fail(key, "must be a list of strings, got named entries")
	}
}

// checkVariant refuses an option the chosen variant does not take.
func (o *Opts) checkVariant(d Opt) {
	if len(d.Only) == 0 || o.Set.Variant == "" {
		return
	}
	variant, _ := o.T.RawGetString(o.Set.Variant).(lua.LString)
	for _, v := range d.Only {
		if v == string(variant) {
			return
		}
	}
	o.Fail(d.Name, fmt.Sprintf("does not apply to %s %s (it is for %s)", o.Set.Variant, Quote(string(variant)), strings.Join(d.Only, ", ")))
}

func (d Opt) bounds() (float64, float64) {
	if d.Min == 0 && d.Max == 0 {
		return 0, math.MaxUint32
	}
	return d.Min, d.Max
}

// Fail raises misuse of option key.
func (o *Opts) Fail(key, msg string) {
	OptionError(o.L, o.Set.Func, o.Set.Arg, key, "option '"+key+"' "+msg)
}

// Get returns the raw value of key, LNil when unset.
func (o *Opts) Get(key string) lua.LValue {
	if o.T == nil {
		return lua.LNil
	}
	return o.T.RawGetString(key)
}

// Has reports whether key is set.
func (o *Opts) Has(key string) bool { return o.Get(key) != lua.LNil }

// Str returns a string (or Name) option, "" when unset.
func (o *Opts) Str(key string) string {
	s, _ := o.Get(key).(lua.LString)
	return string(s)
}

// Int returns an integer option, 0 when unset.
func (o *Opts) Int(key string) int {
	n, _ := o.Get(key).(lua.LNumber)
	return int(n)
}

// Num returns a number option, 0 when unset.
func (o *Opts) Num(key string) float64 {
	n, _ := o.Get(key).(lua.LNumber)
	return float64(n)
}

// Bool returns a boolean option, def when unset.
func (o *Opts) Bool(key string, def bool) bool {
	if b, ok := o.Get(key).(lua.LBool); ok {
		return bool(b)
	}
	return def
}

// BoolPtr returns a boolean option, nil when unset.
func (o *Opts) BoolPtr(key string) *bool {
	if b, ok := o.Get(key).(lua.LBool); ok {
		v := bool(b)
		return &v
	}
	return nil
}

// Table returns a table option, nil when unset.
func (o *Opts) Table(key string) *lua.LTable {
	t, _ := o.Get(key).(*lua.LTable)
	return t
}

// List returns a Strings option, nil when unset.
func (o *Opts) List(key string) []string {
	t := o.Table(key)
	if t == nil {
		return nil
	}
	out := make([]string, 0, t.Len())
	for i := 1; i <= t.Len(); i++ {
		out = append(out, t.RawGetInt(i).String())
	}
	return out
}

// IsInteger reports whether f is an integer in lo..hi (NaN and the
// infinities are not).
func IsInteger(f, lo, hi float64) bool {
	return f >= lo && f <= hi && f == math.Trunc(f)
}

// TypeName names a value's type for messages: Lua's type name, or an nsh
// class name ("ns handle") for nsh values.
func TypeName(v lua.LValue) string {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return v.Type().String()
	}
	if mt, ok := ud.Metatable.(*lua.LTable); ok {
		if name, ok := mt.RawGetString("__name").(lua.LString); ok {
			return string(name)
		}
	}
	return "userdata"
}

// article puts "a" or "an" before a word.
func article(w string) string {
	if strings.ContainsRune("aeiou", rune(w[0])) {
		return "an " + w
	}
	return "a " + w
}
