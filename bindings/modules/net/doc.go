// Package net is the glue of the link, addr, route and net modules:
// network links, addresses, routes and per-namespace sysctls over netlink,
// named as iproute2 names them. A new link type is declared in linkAddOpts
// (its options, with Only naming the type) and built in core/netconf.
package net
