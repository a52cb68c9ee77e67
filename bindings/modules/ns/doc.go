// Package ns is the glue of the ns module: namespace handles, the
// ioctl_nsfs(2) queries, discovery like lsns, pinning, and entering and
// creating namespaces (ns.spawn, ns.run, ns.clone, ns.with, ns.enter).
// A new spawn option is declared once in SpawnOpts (ns_spawn_opts.go) and
// read in readSpawn; the core does the rest (bindings/core/spawn).
package ns
