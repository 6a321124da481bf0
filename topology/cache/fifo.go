package cache

// fifo evicts the object inserted longest ago; hits change nothing.
// Matches libCacheSim's FIFO: insert at the head, evict from the tail.
type fifo struct {
	cap   int64
	idx   index
	nodes []node
	list  dlist // head = newest
}

func init() { registerPolicy("fifo", func(c Config) Policy { return newFIFO(c.Capacity) }) }

func newFIFO(capacity int64) *fifo { return &fifo{cap: capacity, list: newDlist()} }

func (c *fifo) Name() string              { return "fifo" }
func (c *fifo) Used() int64               { return c.list.bytes }
func (c *fifo) Capacity() int64           { return c.cap }
func (c *fifo) Len() int                  { return c.list.n }
func (c *fifo) Contains(id ObjectID) bool { return c.idx.get(id) >= 0 }
func (c *fifo) Lookup(r Request) bool     { return c.idx.get(r.ID) >= 0 }

func (c *fifo) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
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

func (c *fifo) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	c.list.unlink(c.nodes, e)
	c.idx.remove(id)
	return true
}

// Victim is the oldest object.
func (c *fifo) Victim() (ObjectID, bool) {
	if c.list.tail < 0 {
		return 0, false
	}
	return c.idx.ids[c.list.tail], true
}

// state lists cached IDs from newest to oldest, for table tests.
func (c *fifo) state() string { return listState(&c.idx, c.nodes, c.list) }

// memBytes is the policy's memory, for the B/object benchmark metric.
func (c *fifo) memBytes() int64 { return c.idx.bytes() + int64(cap(c.nodes))*nodeBytes }
