// Package osthread owns every change of an OS thread's namespaces in nsh.
// Namespaces belong to threads and Go moves goroutines between threads, so
// this package is the only caller of runtime.LockOSThread, setns(2) and
// unshare(2) for namespace work (a test scans the module for any other),
// and it keeps the one registry that answers "has this thread moved"
// (Moved). Other packages say what to enter or create; this package
// decides which thread does it and what becomes of that thread.
//
// The rules, each checked on kernel 6.18 with go1.26; breaking one corrupts
// the process silently. Code comments cite them as "osthread rule N".
//
//  1. The main thread never changes namespaces. The Go runtime never kills
//     it, so a change there would outlive everything. Every goroutine that
//     changes its thread's namespaces starts with Go or Run, which lock it
//     to a thread that is not the main thread (a plain go func() { runtime.
//     LockOSThread() … } can land on the main thread).
//  2. Never unlock a moved thread. A goroutine whose thread's namespaces
//     changed exits still locked, and the runtime kills the thread (after
//     an unlock, 2000 of 2000 later goroutines ran in the wrong netns).
//     Release unlocks only a thread the registry says is unchanged.
//  3. One VM thread. All Lua runs on one goroutine locked to its thread for
//     the runtime's whole life, started with Go, never the main thread. It
//     first gets a private fs struct (PrepareVM), so that a mount-namespace
//     change on it cannot move other threads' root and cwd.
//  4. Scoped work on a fresh thread. ns.with runs its function on a new
//     locked thread that takes on the caller's working directory and the
//     whole current set of namespaces plus the target, and then dies
//     (With). Nesting composes.
//  5. A private fs struct before a mount namespace. setns(CLONE_NEWNS), and
//     setns through a pidfd with CLONE_NEWNS among other flags, happen only
//     on a thread that did unshare(CLONE_FS) first: otherwise the call
//     succeeds and changes the root of every thread. Unshare and Setns do
//     this themselves.
//  6. No user or time joins in-process. A multithreaded process cannot
//     enter a user namespace (EINVAL) or an existing time namespace
//     (EUSERS); nsh does those in a child, in a cgo constructor that runs
//     before the Go runtime starts (package nsenter). Unshare and Setns
//     refuse them (ErrUserThread, ErrTimeThread).
//  7. New pid and time namespaces are per child, made by clone flags, not
//     by unsharing a thread. One spawn runs first from a clean thread:
//     os/exec's one-time probe fork would otherwise become PID 1 of the
//     first new pid namespace and the real spawn fail with ENOMEM.
//  8. Time offsets are written to /proc/TID/timens_offsets before any
//     process is inside: unshare CLONE_NEWTIME on a throwaway locked thread,
//     write the offsets, spawn from that thread.
//  9. Pdeathsig fires when the creating thread dies, not the process: a
//     child is started from a thread that lives as long as it should.
//  10. Netlink in another network namespace uses sockets opened inside it;
//     the socket is opened on a worker thread (a Worker), and the Lua
//     thread never switches for it.
//  11. Switch-and-return for a fork or a named netns, and nothing else.
//     To start a child that only joins net, uts, ipc or cgroup namespaces,
//     or needs a new mnt or uts namespace, the VM thread enters, forks, and
//     goes straight back with one setns through a pidfd of its own process,
//     whose main thread never moves (Visit). No Lua runs in between, and Go
//     makes new threads from its clean template thread while the current
//     one is locked, so nothing inherits the switch. If the way back fails,
//     the child is killed, the thread stays marked moved and the call
//     raises. Never on the main thread, inside ns.with, or once the thread
//     moved. netns.AddFromCaller does the same to make a named network
//     namespace: unshare, bind it on its file, and back.
//  12. Kept workers go home after every job. A Worker is one locked thread
//     kept for short namespace excursions (netns.Add from any goroutine,
//     netlink sockets): after each job it returns with setns to the
//     namespaces it had before the job, through descriptors it opened for
//     the purpose; if that fails it stays marked moved, its goroutine exits
//     locked (the thread dies: rule 2), and the next job starts a new
//     worker.
//  13. A child that must re-execute nsh (to join user or time namespaces in
//     the cgo constructor) does so before it enters the target's mount
//     namespace: the target's root may not hold nsh's loader.
//  14. One registry. A thread's namespaces change only through this
//     package, which records each change before making it (the types it
//     touched) and clears them only when the thread is verifiably back;
//     a thread not in the registry is in the process's namespaces, so
//     nobody needs to stat /proc/thread-self/ns to know it.
package osthread
