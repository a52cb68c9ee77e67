//go:build linux

package nsfs

import (
	"os/exec"
	"testing"
)

// BenchmarkList times one full List, every type and every column. Run it
// on a host with many namespaces (scripts/bench/ns_list.sh makes them and
// compares with lsns).
func BenchmarkList(b *testing.B) {
	for b.Loop() {
		if _, err := List(ListOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListNet times a List of network namespaces only.
func BenchmarkListNet(b *testing.B) {
	for b.Loop() {
		if _, err := List(ListOptions{Types: []Type{Net}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLsns times one `lsns -J` run, process start included, for the
// ratio against BenchmarkList.
func BenchmarkLsns(b *testing.B) {
	if _, err := exec.LookPath("lsns"); err != nil {
		b.Skip("lsns is not installed")
	}
	for b.Loop() {
		if err := exec.Command("lsns", "-J").Run(); err != nil {
			b.Fatal(err)
		}
	}
}
