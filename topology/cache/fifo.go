package cache

// fifo evicts the object inserted longest ago; hits change nothing.
// Matches libCacheSim's FIFO: insert at the head, evict from the tail.
type fifo struct{ listPolicy }

func init() {
	registerPolicy("fifo", func(c Config) Policy { return &fifo{newListPolicy(c.Capacity)} })
}

func (c *fifo) Name() string                { return "fifo" }
func (c *fifo) Lookup(r Request) bool       { return c.idx.get(r.ID) >= 0 }
func (c *fifo) lookupEntry(r Request) int32 { return c.idx.get(r.ID) }
