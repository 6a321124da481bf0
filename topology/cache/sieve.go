package cache

// sieve is SIEVE (Zhang et al., NSDI '24) as libCacheSim's Sieve: a FIFO
// queue with a visited bit per object. New objects enter at the head with
// the bit clear and a hit sets it; nothing moves on a hit. The hand walks
// from the tail toward the head, clearing visited bits, and evicts the first
// unvisited object; it then rests on that object's neighbour toward the
// head, wrapping to the tail when it falls off the head.
//
// The queue (head = newest), index and counters are listPolicy's; eviction
// and Remove (which must move the hand off a removed object) are sieve's.
type sieve struct {
	listPolicy
	visited []bool
	hand    int32 // next object to examine; -1 means start at the tail
}

func init() { registerPolicy("sieve", func(c Config) Policy { return newSieve(c.Capacity) }) }

func newSieve(capacity int64) *sieve {
	return &sieve{listPolicy: newListPolicy(capacity), hand: -1}
}

func (c *sieve) Name() string { return "sieve" }

func (c *sieve) Lookup(r Request) bool {
	e := c.idx.get(r.ID)
	if e < 0 {
		return false
	}
	c.visited[e] = true
	return true
}

func (c *sieve) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.cap {
		return victims, false
	}
	for r.Size > c.cap-c.list.bytes {
		v := c.hand
		if v < 0 {
			v = c.list.tail
		}
		for c.visited[v] {
			c.visited[v] = false
			if v = c.nodes[v].prev; v < 0 {
				v = c.list.tail
			}
		}
		c.hand = c.nodes[v].prev
		victims = append(victims, c.idx.id(v))
		c.list.unlink(c.nodes, v)
		c.idx.removeEntry(v)
	}
	e := c.idx.insert(r.ID)
	c.nodes = setNode(c.nodes, e, node{size: r.Size})
	if int(e) == len(c.visited) {
		c.visited = append(c.visited, false)
	}
	c.visited[e] = false
	c.list.pushFront(c.nodes, e)
	return victims, true
}

func (c *sieve) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	if e == c.hand {
		c.hand = c.nodes[e].prev
	}
	c.list.unlink(c.nodes, e)
	c.idx.remove(id)
	return true
}

// Victim is the object the hand would evict next, found without clearing
// any bits: the first unvisited object from the hand toward the head, then
// from the tail; if every object is visited, the sweep clears them all and
// comes back to the hand's own object.
func (c *sieve) Victim() (ObjectID, bool) {
	if c.list.tail < 0 {
		return 0, false
	}
	start := c.hand
	if start < 0 {
		start = c.list.tail
	}
	for e := start; e >= 0; e = c.nodes[e].prev {
		if !c.visited[e] {
			return c.idx.id(e), true
		}
	}
	for e := c.list.tail; e != start; e = c.nodes[e].prev {
		if !c.visited[e] {
			return c.idx.id(e), true
		}
	}
	return c.idx.id(start), true
}

// state lists cached IDs head (newest) first, "*" marking a visited object
// and ">" the hand (absent when the hand is at the tail's "start over").
func (c *sieve) state() string {
	return markedListState(&c.idx, c.nodes, c.list, c.hand, func(e int32) string { return star(c.visited[e]) })
}

// memBytes is the policy's memory, for the B/object benchmark metric.
func (c *sieve) memBytes() int64 {
	return c.idx.bytes() + int64(cap(c.nodes))*nodeBytes + int64(cap(c.visited))
}
