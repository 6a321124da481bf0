package cache

// listPolicy is a cache kept in one list, evicting from the tail: LRU and
// FIFO differ only in whether a hit moves the object to the head, so they
// share everything else here.
type listPolicy struct {
	cap   int64
	idx   index
	nodes []node
	list  dlist // head = newest (FIFO) or most recent (LRU)
}

// newListPolicy starts with empty tables, which grow by doubling with the
// objects inserted.
func newListPolicy(capacity int64) listPolicy {
	return listPolicy{cap: capacity, list: newDlist()}
}

func (c *listPolicy) Used() int64               { return c.list.bytes }
func (c *listPolicy) Capacity() int64           { return c.cap }
func (c *listPolicy) Len() int                  { return c.list.n }
func (c *listPolicy) Contains(id ObjectID) bool { return c.idx.get(id) >= 0 }
func (c *listPolicy) entries() *index           { return &c.idx }

func (c *listPolicy) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.cap {
		return victims, false
	}
	evicted := len(victims)
	for r.Size > c.cap-c.list.bytes {
		v := c.list.tail
		victims = append(victims, c.idx.id(v))
		c.list.unlink(c.nodes, v)
		c.idx.removeEntry(v)
	}
	e := c.idx.insert(r.ID)
	c.nodes = setNode(c.nodes, e, node{size: r.Size})
	c.list.pushFront(c.nodes, e)
	if len(victims) > evicted && len(c.idx.slots) >= warmVictimsSlots {
		// A full cache, too large for the CPU's caches: the next admission
		// will evict too, and its victim's lines are likely cold.
		c.warmVictims()
	}
	return victims, true
}

func (c *listPolicy) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	c.list.unlink(c.nodes, e)
	c.idx.remove(id)
	return true
}

// Victim is the object at the tail: the next to go.
func (c *listPolicy) Victim() (ObjectID, bool) {
	if c.list.tail < 0 {
		return 0, false
	}
	return c.idx.id(c.list.tail), true
}

// state lists cached IDs from head to tail, for table tests.
func (c *listPolicy) state() string { return listState(&c.idx, c.nodes, c.list) }

// memBytes is the policy's memory, for the B/object benchmark metric.
func (c *listPolicy) memBytes() int64 { return c.idx.bytes() + int64(cap(c.nodes))*nodeBytes }
