// Package topo is the glue of the topo module: declarative network labs.
// lua/topo.lua plans a lab; the ledger here (over bindings/core/netconf)
// records what was made and tears it down.
package topo
