// Package netns is the glue of the netns module: named network namespaces
// kept as `ip netns` keeps them, over bindings/core/netns.
package netns
