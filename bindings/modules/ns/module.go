//go:build linux

package ns

import "github.com/nsh-lua/nsh/bindings/vocab"

// Module is the ns module, assembled from its parts: handles and the
// inspection functions, spawning, entering, and clone.
func Module() *vocab.Module {
	m := &vocab.Module{}
	for _, part := range []*vocab.Module{inspectPart(), handlePart(), spawnPart(), enterPart(), clonePart()} {
		m.Funcs = append(m.Funcs, part.Funcs...)
		m.Classes = append(m.Classes, part.Classes...)
		if part.Name != "" {
			m.Name = part.Name
		}
		if part.Doc != "" {
			m.Doc = part.Doc
		}
		if part.Fields != nil {
			m.Fields = part.Fields
		}
		if part.Lua != "" {
			m.Lua = part.Lua
		}
	}
	return m
}
