package cache

// lru evicts the least recently used object.
type lru struct {
	cap   int64
	idx   index
	nodes []node
	list  dlist // head = most recent
}

func init() { registerPolicy("lru", func(c Config) Policy { return newLRU(c.Capacity) }) }

func newLRU(capacity int64) *lru { return &lru{cap: capacity, list: newDlist()} }

func (c *lru) Name() string              { return "lru" }
func (c *lru) Used() int64               { return c.list.bytes }
func (c *lru) Capacity() int64           { return c.cap }
func (c *lru) Len() int                  { return c.list.n }
func (c *lru) Contains(id ObjectID) bool { return c.idx.get(id) >= 0 }

func (c *lru) Lookup(r Request) bool {
	e := c.idx.get(r.ID)
	if e < 0 {
		return false
	}
	c.list.moveToFront(c.nodes, e)
	return true
}

func (c *lru) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.cap {
		return victims, false
	}
	for c.list.bytes+r.Size > c.cap {
		v := c.list.tail
		victims = append(victims, c.idx.ids[v])
		c.list.unlink(c.nodes, v)
		c.idx.remove(c.idx.ids[v])
	}
	e := c.idx.insert(r.ID)
	c.nodes = setNode(c.nodes, e, node{size: r.Size})
	c.list.pushFront(c.nodes, e)
	return victims, true
}

func (c *lru) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	c.list.unlink(c.nodes, e)
	c.idx.remove(id)
	return true
}

// Victim is the least recently used object.
func (c *lru) Victim() (ObjectID, bool) {
	if c.list.tail < 0 {
		return 0, false
	}
	return c.idx.ids[c.list.tail], true
}

// state lists cached IDs from most to least recent, for table tests.
func (c *lru) state() string { return listState(&c.idx, c.nodes, c.list) }
