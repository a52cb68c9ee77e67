// Package nsh is the glue of the nsh module: the shell itself (version,
// pretty printing, help); lua/nsh.lua completes it.
package nsh
