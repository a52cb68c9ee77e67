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
//		Steps: []spawn.Step{{Name: "netns.exec", Arg: "lab"}},
//	})
//	res, err := p.Wait(ctx)           // cancelling ctx kills the child
//	res, err := spawn.Run(ctx, spec)  // Start + Wait, output captured
//
// How a child is made (the thread rules are numbered in package osthread):
//
// The thread that forks decides the namespaces the child starts in, so
// each child is started from a thread prepared for it, and the forking
// thread lives as long as the child (Pdeathsig fires when the creating
// thread dies, osthread rule 9):
//
//   - a child that needs unshares on the thread (mnt to set propagation,
//     uts to set the hostname, time to write offsets before anyone is
//     inside, osthread rule 8) or steps gets a fresh locked goroutine, the
//     spawner, which enters Spec.Base and Spec.Join, unshares, runs Steps,
//     starts the child and reaps it; its thread dies with it (osthread
//     rule 2);
//   - a child that only joins namespaces starts from a pooled joined
//     thread that entered that set once and serves every child asking for
//     it, until it has had no child for 20ms (then it exits locked);
//   - with Spec.FromCaller (nsh's Lua functions set it: Lua runs on a
//     thread locked for good), a child that needs of a thread only to join
//     net, uts, ipc or cgroup namespaces, or a new mnt or uts namespace
//     (propagation, hostname), starts from the caller's own thread, which
//     does that for the fork and goes back to the process's namespaces
//     and its working directory at once through a pidfd of the process
//     (osthread.Visit, osthread rule 11):
//     no thread switch, no thread creation, which is what makes ns.spawn
//     cost what a bare Go program does; with Spec.Here (the caller
//     unshared pid or time, and nothing can open that namespace until a
//     process is in it) every child starts there;
//   - everything else is passed to os/exec in SysProcAttr: user, pid, net,
//     ipc, cgroup (Cloneflags), ID maps, the cgroup fd (clone3), chroot,
//     working directory, Pdeathsig;
//   - only what a multithreaded Go process cannot do goes through a
//     re-executed child (/proc/self/exe with a marker, dispatched by
//     ChildMain): joining a user or an existing time namespace (done by the
//     cgo constructor in package nsenter before the Go runtime starts),
//     mount_proc (the mounter must be inside the new pid namespace),
//     hostname, propagation or steps inside a new user namespace, a child
//     main, and kill_on_exit for a child in a joined pid namespace (os/exec
//     would kill it: getppid() is 0 there). The request travels as JSON on
//     an inherited fd, the reply on another;
//   - a child started from the caller's thread is reaped by Wait on the
//     waiter's own thread when Wait comes within 50ms (no thread switch,
//     as exec.Cmd.Run), else by a reaper goroutine; other children by their
//     spawner or a reaper goroutine, while Wait blocks on the child's
//     pidfd itself (waitid WNOWAIT) when no goroutine copies its streams.
//
// Programs that use this package must start main with
//
//	if spawn.IsChild() { os.Exit(spawn.ChildMain()) }
//	if err := spawn.Prepare(); err != nil { … } // optional: low limits
//
// (bindings.Init does both), so the re-executed child never runs the
// program's own main, and link package nsenter (this package imports it).
// Start refuses (ErrNotInitialized) in a program that never asked IsChild,
// and a re-executed child whose main ran anyway is stopped at its first
// Start with that reason, so re-execution can never recurse.
//
// Under resource limits (Prepare): the runtime's poller is started at
// once; an open file limit below MinFiles or a process limit leaving less
// than MinTasks is refused; under a process limit Start and With return
// EAGAIN before the runtime would have to create a thread it cannot.
// LimitHint says what to do about EMFILE, ENFILE, EAGAIN and ENOMEM.
package spawn
