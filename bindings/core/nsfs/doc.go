// Package nsfs knows Linux namespaces as the kernel shows them through the
// nsfs file system: the eight namespace types and their clone flags, handles
// (open namespace files) and the ioctl_nsfs(2) queries on them, pid
// translation between pid namespaces, discovery of every namespace on the
// system the way lsns(8) finds them (and those lsns misses: namespaces held
// only by an open descriptor or a bind mount), and pinning by bind mount.
// It knows nothing of Lua and is usable from Go on its own.
//
// Listing is built for speed: /proc is read with raw, allocation-free
// system calls relative to directory descriptors, one readlink per
// namespace link (cheaper than stat), one stat per process to skip the task
// directory of single-threaded processes, ranges of processes in parallel,
// and one open descriptor per namespace for all its ioctls. Network
// namespace ids are only asked for when the caller's namespace has
// assigned any.
package nsfs
