package repl

import "github.com/nsh-lua/nsh/bindings"

// NewCompleter completes from the runtime's live state: globals, module
// fields and methods (see Runtime.Complete).
func NewCompleter(rt *bindings.Runtime) Completer { return rt.Complete }
