// Package spawn starts child processes in new or joined Linux namespaces:
// what unshare(1), nsenter(1) and `ip netns exec` do, from Go, without ever
// moving a thread that runs anything else. It knows nothing of Lua.
//
// The API (stable; other packages build on it):
//
//	p, err := spawn.Start(ctx, spawn.Spec{
//		Argv: []string{"ip", "link"},
//		New:  []nsfs.Type{nsfs.Net, nsfs.UTS}, // like unshare -n -u
//		Join: []*nsfs.Handle{h},               // like nsenter --net=…
//		Hostname: "lab",
//		Steps: []spawn.Step{{Name: "netns.etc", Arg: "lab"}},
//	})
//	res, err := p.Wait(ctx)           // cancelling ctx kills the child
//	res, err := spawn.Run(ctx, spec)  // Start + Wait, output captured
//
// How a child is made (see DESIGN.md, "Threads and namespaces"):
//
//   - Every child is started from its own fresh locked goroutine, the
//     spawner, which lives as long as the child does (Pdeathsig fires when
//     the creating thread dies, rule 8) and reaps it.
//   - The spawner first enters Spec.Base (the caller's current namespaces
//     when they differ from the process's) and Spec.Join, then unshares on
//     its own thread what needs child-side setup that os/exec cannot do:
//     mnt (to set propagation), uts (to set the hostname), time (to write
//     offsets before anyone is inside, rule 7); then it runs Steps; then it
//     starts the command with os/exec, passing everything else (user, pid,
//     net, ipc, cgroup, ID maps, cgroup fd, chroot, dir) in SysProcAttr. A
//     spawner whose thread changed namespaces exits locked, so the thread
//     dies with it (rule 2).
//   - Only what a multithreaded Go process cannot do goes through a
//     re-executed child (/proc/self/exe with a marker, dispatched by
//     ChildMain): joining a user or an existing time namespace (done by the
//     cgo constructor in package nsenter before the Go runtime starts),
//     mount_proc (the mounter must be inside the new pid namespace), and
//     hostname, propagation or steps inside a new user namespace. The
//     request travels as JSON on an inherited fd, the reply on another.
//
// Programs that use this package must call ChildMain-dispatch first thing in
// main (bindings.Init does), so the re-executed child never runs the
// program's own main.
package spawn
