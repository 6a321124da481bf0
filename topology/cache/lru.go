package cache

// lru evicts the least recently used object.
type lru struct{ listPolicy }

func init() {
	registerPolicy("lru", func(c Config) Policy { return &lru{newListPolicy(c.Capacity)} })
}

func newLRU(capacity int64) *lru { return &lru{newListPolicy(capacity)} }

func (c *lru) Name() string { return "lru" }

func (c *lru) Lookup(r Request) bool { return c.lookupEntry(r) >= 0 }

func (c *lru) lookupEntry(r Request) int32 {
	e := c.idx.get(r.ID)
	if e >= 0 {
		c.list.moveToFront(c.nodes, e)
	}
	return e
}
