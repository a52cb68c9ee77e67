// Package compat makes gopher-lua mean what PUC-Rio Lua 5.1 means: every
// mend nsh applies to the VM lives here, each noting the upstream issue it
// works around, so that a gopher-lua upgrade is checked in one place.
//
// The mends come in four kinds:
//
//   - VM options (Options): a registry and call stack that grow to lua5.1's
//     limits, and an array-part bound so that t[4194304] = 1 stays small.
//   - Compile-time mends (Compile): the parsed chunk is rewritten before
//     gopher-lua compiles it. A keyed call closing a table constructor is
//     adjusted to one value (the list part got an extra entry), and a
//     multiple assignment goes through temporaries (gopher-lua #440: its
//     register allocation let x, y = y, x read the new x). Chunk names
//     follow lua5.1's conventions ("=name", "@file", [string "..."]) and
//     syntax errors read as lua5.1's ("t.lua:1: unexpected symbol near '='").
//   - Library replacements (Install): pcall and xpcall that close exactly
//     the upvalues of the frames they unwind (gopher-lua #448), print,
//     tostring, io.write and string.format("%s") formatting numbers as
//     "%.14g", tonumber and string arithmetic with lua5.1's conversion,
//     error levels, io.write honouring io.output, the loaders (loadstring,
//     load, loadfile, dofile, require's Lua searcher) through Compile, and
//     coroutine functions that refuse to yield across a Go call; nsh's own
//     io library (lua5.1's results, stdio buffering, io.popen with pclose's
//     wait, files closed by collectgarbage and by Release), string.format
//     and the pattern functions (find, match, gmatch, gsub with %f).
//   - Narrow access to gopher-lua internals where nothing else reaches,
//     each guarded by a canary test (internals.go).
//
// Go functions that call back into Lua (an nsh callback such as ns.with's
// function) mark themselves with NoYield, so that a coroutine.yield inside
// the callback raises "attempt to yield across an nsh call" instead of
// breaking the coroutine.
//
// What cannot be mended this way is listed in docs/lua.md.
package compat
