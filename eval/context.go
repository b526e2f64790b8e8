package eval

import (
	"sort"
	"strings"
)

// Context is a request context: condition keys and their values. Key names
// are case-insensitive. A key is either absent, present with values, or
// present with no values (the "null data set" of the IAM User Guide), and
// the three are different.
//
// A Context is a base map plus a short list of overrides, so that searches
// over many variants of one context do not copy maps.
type Context struct {
	base map[string][]string
	over []override
	// opens counts the open overrides, so that contexts outside a search
	// skip looking for them.
	opens int
	// layered: base is shared with another context and never written;
	// keys set here are overrides.
	layered bool
}

// Layer returns a context that reads c's keys and sets its own on top of
// them, leaving c unchanged: cheap to make for many variants of one
// context. c must not change while the layer is in use.
func (c *Context) Layer() *Context {
	over := make([]override, len(c.over), len(c.over)+8)
	copy(over, c.over)
	return &Context{base: c.base, over: over, opens: c.opens, layered: true}
}

type override struct {
	key    string
	absent bool
	// open marks a key a search has yet to choose: conditions on it are
	// pending.
	open bool
	vals []string
}

// NewContext returns an empty context.
func NewContext() *Context { return &Context{} }

// Set makes key present with values; with no values it is present and
// empty.
func (c *Context) Set(key string, values ...string) { c.setLower(lowerKey(key), values) }

// setLower is Set for a key already in lower case.
func (c *Context) setLower(lower string, values []string) {
	if values == nil {
		values = []string{}
	}
	if c.layered {
		c.push(lower, false, values)
		return
	}
	if c.base == nil {
		// A request's context holds a dozen or two keys: room for them
		// at once spares the map's growing.
		c.base = make(map[string][]string, 24)
	}
	c.base[lower] = values
}

// snapshot returns an independent copy of c's current keys: a layer over
// the same base when the base is shared and never written (cheap), else a
// Clone.
func (c *Context) snapshot() *Context {
	if !c.layered {
		return c.Clone()
	}
	over := make([]override, 0, len(c.over))
	for _, o := range c.over {
		if o.open {
			continue // superseded by what the search chose, or absent
		}
		over = append(over, o)
	}
	// A key left open was never chosen: it is absent in the request.
	for _, o := range c.over {
		if o.open {
			if _, _, open := c.lookup(o.key); open {
				over = append(over, override{key: o.key, absent: true})
			}
		}
	}
	return &Context{base: c.base, over: over, layered: true}
}

// Merge sets every key of o in c (o's overrides included).
func (c *Context) Merge(o *Context) {
	if c.layered {
		for k, v := range o.base {
			c.push(k, false, v)
		}
		c.over = append(c.over, o.over...)
		return
	}
	if c.base == nil {
		c.base = make(map[string][]string, len(o.base))
	}
	for k, v := range o.base {
		c.base[k] = v
	}
	for _, ov := range o.over {
		if ov.absent || ov.open {
			delete(c.base, ov.key)
		} else {
			c.base[ov.key] = ov.vals
		}
	}
}

// Delete makes key absent.
func (c *Context) Delete(key string) {
	if c.layered {
		c.push(strings.ToLower(key), true, nil)
		return
	}
	delete(c.base, strings.ToLower(key))
}

// Has reports whether key is present (with or without values).
func (c *Context) Has(key string) bool {
	_, ok := c.get(strings.ToLower(key))
	return ok
}

// Get returns key's values and whether it is present.
func (c *Context) Get(key string) ([]string, bool) { return c.get(strings.ToLower(key)) }

// get looks up an already lower-cased key; an open key reads as absent.
func (c *Context) get(lower string) ([]string, bool) {
	v, ok, _ := c.lookup(lower)
	return v, ok
}

// lookup is get that also says whether the key is open (not chosen yet by
// a search).
func (c *Context) lookup(lower string) (vals []string, present, open bool) {
	for i := len(c.over) - 1; i >= 0; i-- {
		if o := &c.over[i]; o.key == lower {
			if o.absent || o.open {
				return nil, false, o.open
			}
			return o.vals, true, false
		}
	}
	v, ok := c.base[lower]
	return v, ok, false
}

// anyOpen reports whether one of the keys is open.
func (c *Context) anyOpen(keys []string) bool {
	if c.opens == 0 {
		return false
	}
	for _, k := range keys {
		if _, _, open := c.lookup(k); open {
			return true
		}
	}
	return false
}

// Clone returns an independent copy with overrides folded in.
func (c *Context) Clone() *Context {
	out := NewContext()
	out.Merge(c)
	return out
}

// Keys returns the present keys, lower-cased and sorted.
func (c *Context) Keys() []string {
	seen := map[string]bool{}
	for k := range c.base {
		seen[k] = true
	}
	for _, o := range c.over {
		seen[o.key] = !o.absent && !o.open
	}
	out := make([]string, 0, len(seen))
	for k, present := range seen {
		if present {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// push adds an override (key already lower-cased) and returns a mark for pop.
func (c *Context) push(key string, absent bool, vals []string) int {
	c.over = append(c.over, override{key: key, absent: absent, vals: vals})
	return len(c.over) - 1
}

// open adds an open override: the key is to be chosen by a search.
func (c *Context) openKey(key string) {
	c.over = append(c.over, override{key: key, open: true})
	c.opens++
}

func (c *Context) truncate(n int) {
	for _, o := range c.over[n:] {
		if o.open {
			c.opens--
		}
	}
	c.over = c.over[:n]
}
