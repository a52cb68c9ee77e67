package vocab

import (
	"strings"
	"testing"
)

func TestWrapText(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  string
	}{
		{"short", 40, "short"},
		{"  one two three four five six", 20, "  one two three four\n  five six"},
		{"    ns           namespace  the network namespace to act in", 48,
			"    ns           namespace  the network\n                            namespace to act in"},
		{"a\nb", 20, "a\nb"},
		{"averyveryverylongwordthatcannotbreak x", 20, "averyveryverylongwordthatcannotbreak\nx"},
		{"unchanged when narrow", 5, "unchanged when narrow"},
	}
	for _, c := range cases {
		if got := WrapText(c.in, c.width); got != c.want {
			t.Errorf("WrapText(%q, %d) =\n%q\nwant\n%q", c.in, c.width, got, c.want)
		}
	}
}

func TestSearch(t *testing.T) {
	set := Set{{Name: "link", Funcs: []Func{
		{Name: "add", Args: "{…}", Doc: "Creates a link.", Opts: &OptSet{Opts: []Opt{
			{Name: "peer", Doc: "the peer's name (veth only)"}, {Name: "mtu", Doc: "the MTU"}}}},
		{Name: "del", Args: "(name)", Doc: "Deletes a link; both ends of a VETH pair."},
		{Name: "get", Args: "(name)", Doc: "Returns a link."},
	}}}
	got := strings.Join(set.Search("veth"), "\n")
	want := "link.add{peer=}\n    the peer's name (veth only)\nlink.del(name)\n    Deletes a link; both ends of a VETH pair."
	if got != want {
		t.Errorf("Search(veth) =\n%s\nwant\n%s", got, want)
	}
	if got := set.Search("nothing-like-it"); len(got) != 0 {
		t.Errorf("Search found %q", got)
	}
}
