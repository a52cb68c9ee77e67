// Package netns manages named network namespaces the way iproute2's
// `ip netns` keeps them: each one is a bind mount of a namespace file on
// /run/netns/NAME, /run/netns itself being a shared mount point, so that
// namespaces made here are seen by `ip netns` and the other way round.
//
// Nothing in this package moves the calling goroutine's thread into another
// namespace: new namespaces are made, and per-namespace work is done, on
// throwaway locked threads that die afterwards. It knows nothing of Lua and
// is usable from Go on its own.
package netns
