// Package netns manages named network namespaces the way iproute2's
// `ip netns` keeps them: each one is a bind mount of a namespace file on
// /run/netns/NAME, /run/netns itself being a shared mount point, so that
// namespaces made here are seen by `ip netns` and the other way round.
//
//	h, err := netns.Add("lab")      // ip netns add lab
//	list, err := netns.List()       // ip netns list, with ids
//	spec, h, err := netns.ExecSpec("lab", spawn.Spec{Argv: argv}) // ip netns exec lab …
//	old, err := netns.SetSysctl(h, "net.ipv4.ip_forward", "1")
//	err = netns.Del("lab")          // ip netns del lab
//
// Names follow iproute2's rules (ValidateName) and are checked before
// anything is touched.
//
// What nsh touches in /run/netns: only what it proves is a named network
// namespace. Del (and DelAll, per entry, and a topo lab's teardown) first
// proves that /run/netns/NAME is a regular file, not a symlink, with a
// network namespace bind-mounted on it as its only mount, and that the
// name can be unlinked once unmounted; otherwise it refuses, "not a
// network namespace" (or the errno, EROFS on a read-only /run/netns), and
// changes nothing. The unmount goes through the descriptor that was
// checked, not the path again. Reads (Open, Get, ID, SetID, Pids, List,
// Identify) never follow a symlink in /run/netns either: "is a symlink:
// nsh never follows symlinks in /run/netns".
//
// Nothing in this package moves the calling goroutine's thread into another
// namespace: new namespaces are made, and per-namespace sysctls read and
// written, on a kept worker thread that goes back after each job
// (osthread.Worker, osthread rule 12), or, for a caller that left the
// process's mount namespace, on a throwaway thread that dies afterwards.
// Mount work happens in the calling thread's mount namespace. It knows
// nothing of Lua and is usable from Go on its own.
package netns
