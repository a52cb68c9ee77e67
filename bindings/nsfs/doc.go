// Package nsfs knows Linux namespaces as the kernel shows them through the
// nsfs file system: the eight namespace types and their clone flags, handles
// (open namespace files) and the ioctl_nsfs(2) queries on them. It knows
// nothing of Lua and is usable from Go on its own.
package nsfs
