// Package repl is nsh's interactive loop: it reads chunks of Lua with a
// line editor, keeps reading with a ">> " prompt while a chunk is
// incomplete, prints the values of expressions, cancels a running chunk on
// Ctrl-C, and keeps history. Top-level locals stay from one entry to the
// next (the runtime keeps them, see bindings.Runtime.EvalInteractive).
// Shell habits work at a fresh prompt: `exit` or `quit` alone leave,
// `clear` clears the screen, `!cmd` runs cmd with /bin/sh in the shell's
// namespaces. Leaving names the labs the runtime tears down. The line
// editor sits behind LineReader so the loop runs the same with scripted
// input in tests.
package repl
