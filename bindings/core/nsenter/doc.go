// Package nsenter holds the cgo constructor that joins namespaces a running
// Go process cannot join: a user namespace (setns fails with EINVAL once a
// process has threads) and an existing time namespace (EUSERS). Like runc's
// nsexec, a C function marked __attribute__((constructor)) runs in every
// process that links this package, before the Go runtime starts its
// threads; it acts only when EnvVar is set (with spawn's child marker),
// which package spawn does for the re-executed children that need it. It then enters the listed namespace
// fds in order (after a user namespace: setgroups(0), gid and uid 0, as
// nsenter(1) does), unshares the requested flags, and lets Go start.
//
// EnvVar's value is "REPLYFD FLAGS FD:NSTYPE FD:NSTYPE…" (decimal). On a
// failure the constructor writes {"op":"setns user","errno":N} to REPLYFD
// and exits with status 126.
//
// Built without cgo, Linked reports false and package spawn refuses those
// joins with "needs nsh built with cgo".
package nsenter

// EnvVar is the environment variable the constructor reads.
const EnvVar = "_NSH_NSENTER"

// MinTasks is how many processes and threads of its user the process limit
// (RLIMIT_NPROC, ulimit -u) must leave room for nsh to run: the Go
// runtime's threads, the shell's thread, a spawner thread and a child with
// its reaper. Below it the runtime dies creating a thread ("pthread_create
// failed"), so the constructor refuses at start-up, before any thread
// exists, with one line on stderr and exit status 1.
const MinTasks = 16
