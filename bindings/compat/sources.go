package compat

import "sync"

// SourceCache keeps the text of recently loaded chunks by their shown name
// (a proto's SourceName), bounded in entries and bytes: a script that calls
// loadstring in a loop makes it forget old chunks instead of growing. The
// zero value is not usable; make one with NewSourceCache. It is safe for use
// by several goroutines.
type SourceCache struct {
	mu       sync.Mutex
	max      int // entries
	maxBytes int
	bytes    int
	order    []string // oldest first
	text     map[string]string
}

// NewSourceCache returns a cache of at most entries chunks and maxBytes of
// text; a chunk larger than maxBytes is not kept.
func NewSourceCache(entries, maxBytes int) *SourceCache {
	return &SourceCache{max: entries, maxBytes: maxBytes, text: map[string]string{}}
}

// Put remembers src as the text of chunk name, forgetting the oldest
// chunks when the cache is full. Putting a name again replaces its text.
func (c *SourceCache) Put(name, src string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.text[name]; ok {
		c.bytes -= len(old)
		delete(c.text, name)
		c.drop(name)
	}
	if len(src) > c.maxBytes {
		return
	}
	for len(c.order) > 0 && (len(c.order) >= c.max || c.bytes+len(src) > c.maxBytes) {
		oldest := c.order[0]
		c.order = c.order[1:]
		c.bytes -= len(c.text[oldest])
		delete(c.text, oldest)
	}
	c.text[name] = src
	c.order = append(c.order, name)
	c.bytes += len(src)
}

func (c *SourceCache) drop(name string) {
	for i, n := range c.order {
		if n == name {
			c.order = append(c.order[:i], c.order[i+1:]...)
			return
		}
	}
}

// Get returns the text of chunk name, if it is still kept.
func (c *SourceCache) Get(name string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.text[name]
	return s, ok
}

// Len returns the number of chunks kept and their total size in bytes.
func (c *SourceCache) Len() (chunks, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.text), c.bytes
}

// chunkNames maps a shown chunk name back to the name it was loaded with,
// for debug.getinfo's source field ("@t.lua", "=stdin", or the string of a
// loadstring chunk). Bounded like the sources: old names fall out.
var chunkNames = NewSourceCache(512, 1<<20)

func rememberSource(short, chunkname string) {
	if short != chunkname {
		chunkNames.Put(short, chunkname)
	}
}

// sourceOf is debug.getinfo's source for a proto named short.
func sourceOf(short string) string {
	if s, ok := chunkNames.Get(short); ok {
		return s
	}
	return "=" + short
}
