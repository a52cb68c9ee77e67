// Package repl is nsh's interactive loop: it reads chunks of Lua with a
// line editor, keeps reading with a ">> " prompt while a chunk is
// incomplete, prints the values of expressions, cancels a running chunk on
// Ctrl-C, and keeps history. The line editor sits behind LineReader so the
// loop runs the same with scripted input in tests.
package repl
